"""Demo city: the national holiday calendar, entered by the city admin through the import action.

2026: 国务院办公厅关于2026年部分节假日安排的通知 (issued 2025-11-04, published by Xinhua the same day;
checked against the Xinhua text reprinted by gmw.cn). 元旦 1.1–1.3 (1.4 上班); 春节 2.15–2.23 (2.14, 2.28
上班); 清明节 4.4–4.6; 劳动节 5.1–5.5 (5.9 上班); 端午节 6.19–6.21; 中秋节 9.25–9.27; 国庆节 10.1–10.7
(9.20, 10.10 上班). The 2027 notice had not been found when this was written (2026-11-27): only 2026 ships;
the city admin imports 2027 on the calendar page once it is published.
"""

from __future__ import annotations

from digigov.core.context import acting_as
from digigov.core.registry import register_demo
from digigov.core.rbac.system import system_account

from .actions import calendar as calendar_actions

SOURCE_2026 = "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）"
HOLIDAYS_2026 = """\
日期,类型,名称
2026-01-01,放假,元旦
2026-01-02,放假,元旦
2026-01-03,放假,元旦
2026-01-04,调休上班,元旦调休
2026-02-14,调休上班,春节调休
2026-02-15,放假,春节
2026-02-16,放假,春节
2026-02-17,放假,春节
2026-02-18,放假,春节
2026-02-19,放假,春节
2026-02-20,放假,春节
2026-02-21,放假,春节
2026-02-22,放假,春节
2026-02-23,放假,春节
2026-02-28,调休上班,春节调休
2026-04-04,放假,清明节
2026-04-05,放假,清明节
2026-04-06,放假,清明节
2026-05-01,放假,劳动节
2026-05-02,放假,劳动节
2026-05-03,放假,劳动节
2026-05-04,放假,劳动节
2026-05-05,放假,劳动节
2026-05-09,调休上班,劳动节调休
2026-06-19,放假,端午节
2026-06-20,放假,端午节
2026-06-21,放假,端午节
2026-09-20,调休上班,国庆节调休
2026-09-25,放假,中秋节
2026-09-26,放假,中秋节
2026-09-27,放假,中秋节
2026-10-01,放假,国庆节
2026-10-02,放假,国庆节
2026-10-03,放假,国庆节
2026-10-04,放假,国庆节
2026-10-05,放假,国庆节
2026-10-06,放假,国庆节
2026-10-07,放假,国庆节
2026-10-10,调休上班,国庆节调休
"""
PUBLISHED = {2026: (HOLIDAYS_2026, SOURCE_2026)}


def _city_admin(ctx):
    from digigov.core.accounts.models import User

    users = ctx.shared.get("accounts", {}).get("demo_users", {}) if ctx is not None else {}
    return (User.objects.filter(pk=users.get("cityadmin")).first() or User.objects.filter(username="cityadmin").first()
            or system_account())


def generate(ctx):
    admin = _city_admin(ctx)
    with acting_as(admin, channel="command"):
        for year, (text, source) in PUBLISHED.items():
            summary = calendar_actions.import_year(admin, year=year, text=text)
            ctx.rows += summary["holidays"] + summary["workdays"]
            ctx.describe(f"{year} 年节假日安排：放假 {summary['holidays']} 天、调休上班 {summary['workdays']} 天（{source}）")


register_demo("calendar", generate, after=("org", "accounts"))
