"""Benchmark of the admin's person and legal-person changelists on a full demo city.

    DIGIGOV_VAR_DIR=/tmp/fullcity .venv/bin/python manage.py migrate
    DIGIGOV_VAR_DIR=/tmp/fullcity .venv/bin/python manage.py democity --scale 1     # 2.2M people, 150k legal persons
    DIGIGOV_VAR_DIR=/tmp/fullcity .venv/bin/python bench/admin_changelist.py [--repeat N]

1. Opens the database named by the settings (``DIGIGOV_VAR_DIR``/``DATABASE_URL``), inside one
   transaction that is rolled back at the end (the bench users and their audit entries vanish).
2. Baseline, measured in the same run: one page of 50 people by primary key
   (``SELECT … ORDER BY id DESC LIMIT 50``, what any indexed listing costs) and a primary-key lookup.
3. Admin: full requests through the Django test client (middleware, scope, template) as a city-wide
   city admin and as a county-scoped window clerk: the changelist, a name-prefix search (a common
   surname, a full name), a 公民身份号码 lookup, the legal-person changelist and search.
4. For comparison, what the old admin ran: ``COUNT(*)`` over the registry and ``name LIKE '%q%'``.
5. Prints the median of ``--repeat`` runs in milliseconds and the ratio to the page baseline.
   The goal is every admin request under a second on the full city.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from _common import timed  # noqa: E402




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digigov.core.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.conf import settings
    from django.test.utils import override_settings, setup_test_environment

    from digigov.core.accounts.models import LegalPerson, NaturalPerson
    from digigov.core.org.models import Division, DivisionLevel
    from digigov.core.testing import make_user

    setup_test_environment()
    # the admin's static files as in development (no collectstatic manifest needed for the bench)
    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}).enable()
    people = NaturalPerson.objects.count()
    if people < 100_000:
        print(f"只有 {people} 名自然人：请先生成完整示范城市（democity --scale 1）", file=sys.stderr)
        return 1
    with transaction.atomic():
        county = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code").first()
        city_admin = make_user("city_admin", username="bench_city_admin")
        clerk = make_user("window_clerk", division=county, username="bench_window_clerk")
        village = Division.objects.filter(level=DivisionLevel.VILLAGE).order_by("code").first()
        village_clerk = make_user("window_clerk", division=village, username="bench_village_clerk")
        admin_client, clerk_client, village_client = Client(), Client(), Client()
        admin_client.force_login(city_admin)
        clerk_client.force_login(clerk)
        village_client.force_login(village_clerk)
        person = NaturalPerson.objects.filter(division__code__startswith=county.prefix).order_by("pk").last()
        full_name = person.name
        legal = LegalPerson.objects.order_by("pk").last()

        def get(client, url, params=None):
            def run():
                response = client.get(url, params or {})
                assert response.status_code == 200, (url, params, response.status_code)
            return run

        page_ms = timed(lambda: list(NaturalPerson.objects.order_by("-pk")[:50]), args.repeat)
        pk_ms = timed(lambda: NaturalPerson.objects.get(pk=person.pk), args.repeat)
        rows = [
            ("自然人列表（市级管理员）", get(admin_client, "/admin/accounts/naturalperson/")),
            ("自然人列表第 100 页", get(admin_client, "/admin/accounts/naturalperson/", {"p": 100})),
            ("自然人按姓名前缀「王」", get(admin_client, "/admin/accounts/naturalperson/", {"q": "王"})),
            (f"自然人按姓名「{full_name}」", get(admin_client, "/admin/accounts/naturalperson/", {"q": full_name})),
            ("自然人列表（区县窗口人员）", get(clerk_client, "/admin/accounts/naturalperson/")),
            (f"区县窗口人员按姓名「{full_name}」", get(clerk_client, "/admin/accounts/naturalperson/", {"q": full_name})),
            ("区县窗口人员按公民身份号码", get(clerk_client, "/admin/accounts/naturalperson/", {"q": person.id_number})),
            ("自然人列表（村/社区窗口人员）", get(village_client, "/admin/accounts/naturalperson/")),
            ("法人列表", get(admin_client, "/admin/accounts/legalperson/")),
            (f"法人按名称前缀「{legal.name[:3]}」", get(admin_client, "/admin/accounts/legalperson/", {"q": legal.name[:3]})),
            ("法人按统一社会信用代码", get(admin_client, "/admin/accounts/legalperson/", {"q": legal.uscc})),
        ]
        old = [
            ("旧：COUNT(*) 全部自然人", lambda: NaturalPerson.objects.count()),
            (f"旧：姓名包含「{full_name}」（LIKE '%…%'）",
             lambda: list(NaturalPerson.objects.filter(name__icontains=full_name).order_by("-pk")[:50])),
        ]
        print(f"数据库：{connection.vendor}，自然人 {people:,}，法人 {LegalPerson.objects.count():,}；每项取 {args.repeat} 次中位数")
        print(f"基线：一页 50 人（主键倒序）{page_ms:.1f} ms；主键查询 {pk_ms:.2f} ms")
        print(f"{'请求':<36}{'毫秒':>10}{'÷基线页':>10}")
        worst = 0.0
        for label, fn in rows:
            ms = timed(fn, args.repeat)
            worst = max(worst, ms)
            print(f"{label:<36}{ms:>10.1f}{ms / page_ms:>10.1f}")
        for label, fn in old:
            ms = timed(fn, max(1, args.repeat // 2))
            print(f"{label:<36}{ms:>10.1f}{ms / page_ms:>10.1f}")
        print(f"管理后台最慢一项：{worst:.0f} ms（目标 < 1000 ms）")
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
