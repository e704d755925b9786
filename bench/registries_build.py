"""Benchmark: building the population registry at the demo city's size (scale 0.05: ~110,000 persons,
four departments' noisy feeds, ~2.4 rows per person).

    .venv/bin/python bench/registries_build.py [--persons 110000]

1. A fresh SQLite database in a temporary directory, migrated; the test city and the four departments.
2. ``linkage.synth`` makes the population and the 公安/人社/民政/卫健 feeds; each is delivered into its
   entry's ``dr_<pk>`` as one committed upload batch (personal columns sealed), as the demo does.
3. Times the first build (everything new), a re-run with nothing changed (must write almost nothing), and
   a re-run after 1% of 公安's rows are re-delivered. Prints rows, golden records, tasks and seconds.
"""

from __future__ import annotations

import argparse
import os
import time

from _common import scratch_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=110_000)
    args = parser.parse_args()
    os.environ.pop("DIGIGOV_MASTER_KEY", None)
    with scratch_database("digigov-bench-registries-"):
        return run(args)


class _Ctx:
    seed = 1
    batch_size = 5000

    def __init__(self):
        import random

        self.rng = random.Random(1)

    def public_id(self):
        from digigov.core.models import new_public_id

        return new_public_id()

    def progress(self, n):
        pass


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from digigov.core.testing import City, make_user
    from digigov.data.linkage import synth
    from digigov.data.registries import actions, build, demo
    from digigov.data.registries import testing as rt
    from digigov.data.registries.models import StewardTask

    city = City()
    user = make_user("data_authority")
    depts = rt.departments(city)
    codes = {"CITY-PSB": depts["psb"], "CITY-HRSS": depts["hrss"], "CITY-CA": depts["ca"], "CITY-HEA": depts["hea"]}
    started = time.perf_counter()
    feeds = synth.strip_truth(synth.feeds_from_people(synth.make_population(args.persons, seed=1), seed=1))
    print(f"生成 {args.persons:,} 人的四个部门数据：{time.perf_counter() - started:.1f} 秒")
    ctx = _Ctx()
    started = time.perf_counter()
    entries = {}
    for source, dept_code, code, name, columns in demo.PERSON_FEEDS:
        entry = demo._entry(ctx, codes[dept_code], code, name, columns, demo.PERSON_COLUMNS, user)
        demo._deliver(ctx, entry, feeds[source], columns, demo.PERSON_COLUMNS, user, timezone.now())
        actions.register_feed(user, registry="person", name=name, department=codes[dept_code], entry=entry,
                              mapping={demo.PERSON_COLUMNS[c][2]: c for c in columns})
        entries[source] = entry
    for attribute, dept_code in demo.PERSON_AUTHORITY.items():
        actions.set_authority(user, registry="person", attribute=attribute, department=codes[dept_code])
    rows = sum(len(v) for v in feeds.values())
    print(f"入库 {rows:,} 行：{time.perf_counter() - started:.1f} 秒")

    def one(label):
        t = time.perf_counter()
        run = build.run_build(actions.start_build(user, "person", queue=False).pk)
        s = time.perf_counter() - t
        f = run.report.get("figures", {})
        print(f"{label}：{s:.1f} 秒（{run.status}）源记录 {run.source_rows:,}，主体 {run.golden_records:,}，冲突 {run.conflicts:,}，"
              f"疑似重复 {run.uncertain_pairs:,}，新取值 {f.get('values_new', 0):,}，比对 {f.get('link_seconds')} 秒，"
              f"任务 {StewardTask.objects.count():,}，引擎 {run.report.get('engine', {}).get('engine', 'splink')}")

    one("首次构建")
    one("无变化重跑")
    redeliver = [dict(r, address=r.get("address", "") + "（变更）") for r in feeds["gongan"][: len(feeds["gongan"]) // 100]]
    demo._deliver(ctx, entries["gongan"], redeliver, demo.PERSON_FEEDS[0][4], demo.PERSON_COLUMNS, user, timezone.now())
    one("1% 重新报送后重跑")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
