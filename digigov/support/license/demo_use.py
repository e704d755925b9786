"""Demo city: e-licence use — 事项用证设置 on the demo processes and a use log over the last months.

* The city administrator marks the demo items that end in a licence as 行政许可 items (个体工商户设立登记,
  食品经营许可, 建设工程施工许可, 城乡居民养老保险参保 — the last is not a licensing item in law, it stays
  off) and sets the licence types each accepts instead of paper (a random non-empty share of the active types).
* Uses over the last 6 months, written in bulk as window pulls (窗口调取) by the demo clerk for all
  licensing items but one, so K11 电子证照用证率 is below 100% and its drill-down has a zero row.
* The demo citizen's journey through the actions: one grant to the first county's service hall redeemed by
  the demo clerk, and one 亮证 scanned — both show up in their 用证记录 with a notice.

Runs after ``support.license`` (the licence types and the licences issued, sealed, through the actions)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from digigov.core.context import acting_as
from digigov.core.registry import register_demo

LICENSING_KEYS = ("individual_business_registration", "food_business_licence", "construction_permit", "newborn_one_thing")
UNUSED_KEY = "construction_permit"  # a licensing item nobody has used an e-licence for yet: K11 < 100%
USES_FULL = 600
MONTHS = 6


def _user(username):
    from digigov.core.accounts.models import User

    return User.objects.filter(username=username, is_active=True).first()


def generate(ctx):
    from digigov.core.rbac.system import system_account
    from digigov.support.window.models import ServiceHall
    from digigov.support.workflow.models import ProcessDefinition

    from . import grants, policy, wallet
    from .models import Licence, LicenceStatus, LicenceType, LicenceUse, UseChannel

    rng = ctx.rng
    admin = _user("cityadmin") or system_account()
    clerk = _user("clerk")
    types = list(LicenceType.objects.filter(active=True).order_by("code"))
    processes = list(ProcessDefinition.objects.active().order_by("id"))
    if not types or not processes:
        ctx.describe("用证：没有证照类型或事项，跳过")
        return
    if LicenceUse.objects.exists():
        ctx.describe("用证：已有用证记录，跳过")
        return
    licensing = []
    with acting_as(admin, channel="command"):
        for p in processes:
            is_lic = p.key in LICENSING_KEYS
            k = rng.randint(1, max(1, min(3, len(types))))
            policy.set_policy(admin, p, is_licensing=is_lic, accepted_types=rng.sample(types, k) if is_lic or rng.random() < 0.5 else [])
            if is_lic:
                licensing.append(p)
    used_items = [p for p in licensing if p.key != UNUSED_KEY] or licensing[:-1]
    pool = list(Licence.objects.filter(status=LicenceStatus.VALID).order_by("id").values_list("pk", flat=True)[:2000])
    rows = []
    now = timezone.now()
    if clerk is not None and pool and used_items:
        from .grants import _clerk_department

        dept = _clerk_department(clerk)
        for _ in range(ctx.n(USES_FULL, minimum=24)):
            p = rng.choice(used_items)
            at = now - dt.timedelta(days=rng.randint(1, MONTHS * 30), minutes=rng.randint(0, 600))
            rows.append(LicenceUse(licence_id=rng.choice(pool), channel=UseChannel.WINDOW, user=clerk, department=dept or p.department,
                                   process=p, purpose=f"办理{p.name}，经申请人同意调取", at=at))
        ctx.bulk(LicenceUse, rows)
    journey = ""
    citizen = _user("citizen")
    halls = list(ServiceHall.objects.active().select_related("division").order_by("division__code"))
    if citizen is not None and clerk is not None and halls:
        mine = [lic for lic in wallet.holder_licences(citizen) if wallet.is_usable(lic)] if citizen.person_id else []
        if mine:
            lic = mine[0]
            with acting_as(citizen, channel="command"):
                made = grants.grant_use(citizen, lic, grantee_kind="window", hall=halls[0], purpose="办理个体工商户设立登记", hours=24)
                shown = grants.present(citizen, lic)
            with acting_as(clerk, channel="command"):
                grants.redeem_grant(clerk, made.code, process=used_items[0] if used_items else None)
                grants.scan_present(clerk, shown.code, purpose="窗口核验身份")
            journey = "；示范市民授权窗口用证 1 次、亮证 1 次"
    ctx.rows += len(rows)
    ctx.describe(f"用证：{len(processes)} 个事项已设置用证，其中行政许可事项 {len(licensing)} 个；近 {MONTHS} 个月用证记录 {len(rows)} 条{journey}")


register_demo("support.license_use", generate, after=("support.license", "support.workflow", "support.window"))
