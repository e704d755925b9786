"""Benchmark: 人口基础库 search (``selectors.search_persons``) and the governance figures on N golden persons.

    .venv/bin/python bench/registries_search.py [--n 100000] [--repeat 5]

1. Creates a fresh SQLite database in a temporary directory (``scratch_database``) and migrates it.
2. Runs the org generator (the demo city's divisions and departments) and inserts N ``PersonRecord`` rows
   spread over the villages (names, ID numbers, addresses sealed; blind indexes filled) with one
   authoritative ``id_number`` ``AttributeValue`` each, and one in 20 with a conflicting address
   (``conflict_count`` 1), plus a conflict steward task for each of those.
3. Times (median of ``repeat`` runs, ms) for a city-wide data authority and a county-scoped data admin:
   search by ID number, by exact name, the first page of "has conflicts" in a county, and its last page (at most the 50th)
   reached by keyset cursors (the same cost as the first); then the governance figures
   (two coverages, conflicts by attribute, backlog). Goal: every search < 50 ms at 100,000 persons.
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import scratch_database, timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="golden persons (default 100,000; ~10 min to fill)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with scratch_database("digigov-bench-registries-"):
        return run(args)


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from digigov.core.demo import DemoContext
    from digigov.core.org import demo as org_demo
    from digigov.core.org.models import Department, Division, DivisionLevel
    from digigov.core.testing import make_user, resident_id
    from digigov.data.registries import kpis, selectors
    from digigov.data.registries.models import AttributeValue, PersonRecord, StewardTask

    org_demo.generate(DemoContext(scale=0.001, seed=1).for_generator("org"))
    villages = list(Division.objects.filter(level=DivisionLevel.VILLAGE).order_by("code").values_list("pk", "code"))
    police = Department.objects.filter(code="CITY-PSB").first() or Department.objects.order_by("pk").first()
    started = time.perf_counter()
    ctx = DemoContext(scale=1, seed=1, name="bench")
    rng = ctx.rng
    surnames, given = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国"
    now = timezone.now()
    first = ctx.next_id(PersonRecord)
    rows, values, tasks, sample_ids = [], [], [], []
    for i in range(args.n):
        pk = first + i
        vpk, vcode = villages[i % len(villages)]
        pid = resident_id(region=vcode[:6], birth=f"19{50 + i % 50:02d}0{1 + i % 9}1{i % 10}", seq=i % 1000)
        name = rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if i % 3 else "")
        conflict = 1 if i % 20 == 0 else 0
        rows.append(PersonRecord(id=pk, public_id=ctx.public_id(), id_number=pid, name=name, sex="M", address="示范市某街道1号",
                                 division_id=vpk, source_count=1 + conflict, conflict_count=conflict))
        values.append(AttributeValue(person_id=pk, attribute="id_number", value=pid, department=police, is_authoritative=True,
                                     is_current=True, observed_at=now))
        if conflict:
            tasks.append(StewardTask(public_id=ctx.public_id(), registry="person", kind="conflict", attribute="address", person_id=pk))
        if i % (args.n // 20 or 1) == 0:
            sample_ids.append((pid, name))
    # the encrypted fields seal, and the blind-index fields hash, on bulk_create (their pre_save)
    ctx.bulk(PersonRecord, rows)
    ctx.bulk(AttributeValue, values)
    ctx.bulk(StewardTask, tasks)
    print(f"填充 {args.n:,} 人（含 {len(tasks):,} 个冲突）用时 {time.perf_counter() - started:.1f} s")

    authority = make_user("data_authority")
    county = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code").first()
    county_dept = Department.objects.filter(division=county).order_by("pk").first()
    admin = make_user("data_admin", department=county_dept)
    pid, name = sample_ids[len(sample_ids) // 2]
    for label, user in (("数据主管部门（全市）", authority), (f"数据管理员（{county.name}）", admin)):
        q_id = selectors.PersonQuery.parse(id_number=pid)
        q_name = selectors.PersonQuery.parse(name=name)
        q_conf = selectors.PersonQuery.parse(division=county.code, has_conflicts=True)
        cursor, page = None, 1
        while page < 50:  # the last page's cursor, at most the 50th
            _rows, following = selectors.search_persons(user, q_conf, after=cursor)
            if following is None:
                break
            cursor, page = following, page + 1
        print(f"{label}: 身份号码 {timed(lambda: selectors.search_persons(user, q_id), args.repeat):.1f} ms；"
              f"姓名 {timed(lambda: selectors.search_persons(user, q_name), args.repeat):.1f} ms；"
              f"区划+冲突 第1页 {timed(lambda: selectors.search_persons(user, q_conf), args.repeat):.1f} ms；"
              f"第{page}页 {timed(lambda: selectors.search_persons(user, q_conf, after=cursor), args.repeat):.1f} ms")
    print(f"治理指标（两项覆盖率+冲突+待办） {timed(lambda: (kpis.coverage('person'), kpis.coverage('enterprise'), kpis.conflicts_by_attribute(), kpis.backlog()), max(1, args.repeat // 2)):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
