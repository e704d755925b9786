"""Benchmark of the 一网通办 case path: a day of the city's volume (1,388,400 cases a year / 250 working
days ≈ 5,550) replayed submission → approval → sealed result through the actions.

    .venv/bin/python bench/cases.py [--n 300] [--workers 2] [--profile]

1. A fresh SQLite database in a temporary directory, migrated, a small test city, an item run by a real
   two-department BPMN process (window acceptance, two parallel reviews), the competent department's seal.
2. Per case, each step its own transaction as in production: ``start_application`` (pre-filled),
   ``save_draft``, ``add_material`` (a one-page PDF, sniffed, counted, stored), ``submit`` (number, case,
   materials copied to the case, audit), the acceptance and both reviews completed through the workflow
   runtime, and — after the case ends — the decision PDF rendered and sealed (SM2, GB/T 38540) by the
   department's seal as the system account.
3. Prints cases/s, the time a day's 5,550 and a year's 1,388,400 would take at that rate, and the goal
   (≥ 193 cases/s: a year in two hours on two cores). ``--workers N`` forks N processes after the warm-up
   (the same database, each its share of the cases, as N web or task workers would) and counts wall-clock
   time from the moment all start; ``--profile`` (one worker) prints the top costs. SQLite has one writer at a
   time, so more processes mostly wait for its lock; ``--database-url postgres://…/empty_db`` runs the same
   replay on PostgreSQL, where they do not.

Measured 2026-11-27 on the 2-core build box (load ~2, --n 60): SQLite, one process 7.8 cases/s (two processes
5.0/s: they queue for SQLite's one writer); PostgreSQL 15, one process 5.5/s, two processes 10.2/s — a year of
the city's volume in ~38 hours, against the goal's 2 hours (193/s): not met. Before the seal-stamp cache and
the form-validator cache (same day, load ~14): 1.0–1.4/s. Where a case's time goes (cProfile, SQLite): sealing
the decision PDF (pyHanko's incremental write, the stamp image's zlib compression) about a third, the three
workflow steps a quarter, ``submit`` a fifth; the rest is Django ORM work spread over ~80 queries a case.
"""

from __future__ import annotations

import argparse
import time

from _common import scratch_database

DAY = 5_550
YEAR = 1_388_400
GOAL = 193


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="cases to replay (default 300; a day is 5,550)")
    parser.add_argument("--database-url", default="", help="an EMPTY PostgreSQL database to run on instead of a scratch SQLite file")
    parser.add_argument("--workers", type=int, default=1, help="processes replaying cases at once (default 1)")
    parser.add_argument("--profile", action="store_true", help="print the top costs (cProfile)")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key with --profile (cumulative, tottime)")
    parser.add_argument("--callers", default="", help="with --profile: print who calls functions matching this")
    parser.add_argument("--top", type=int, default=25, help="rows printed with --profile")
    args = parser.parse_args()
    env = {"DATABASE_URL": args.database_url} if args.database_url else None
    with scratch_database("digigov-bench-cases-", env=env):
        return run(args)


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from digigov.core.context import acting_as
    from digigov.core.rbac.system import system_account
    from digigov.core.testing import City
    from digigov.services.onestop import requirements as req
    from digigov.services.onestop.actions import applications as actions
    from digigov.services.onestop.application_testing import answers, citizen
    from digigov.services.onestop.decisions import decisions_for
    from digigov.services.onestop.models import MaterialForm
    from digigov.services.onestop.testing import item_with_process
    from digigov.support.seal.testing import made_seal
    from digigov.support.window.testing import pdf_bytes
    from digigov.support.workflow import runtime
    from digigov.support.workflow.models import TaskStatus

    city = City()
    made_seal(city.bureau, approver=city.system)
    user = citizen(city)
    item = item_with_process(city, user=city.system, name="基准事项", materials=(("申请书", MaterialForm.ORIGINAL),))
    key = req.for_item(item).materials[0].key
    system = system_account()
    pdf = pdf_bytes(1)
    data = answers(user)

    def one(i: int):
        with acting_as(user, channel="command"):
            app = actions.start_application(user, item=item)
            actions.save_draft(user, app, data=data)
            actions.add_material(user, app, key=key, data=pdf)
            app = actions.submit(user, app, f"bench-{i}")
        case = app.cases.get().case
        with acting_as(system, channel="command"):
            while (task := case.tasks.filter(status=TaskStatus.OPEN).order_by("id").first()) is not None:
                outcome = "approve" if task.candidate_role == "approver" else "complete"
                runtime.complete(task, system, outcome=outcome, data={f"{task.element_id}_decision": outcome} if outcome == "approve" else None)
        return app

    one(0)  # warm-up: caches, fonts, keys
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    if args.workers > 1:
        seconds, ids = in_workers(one, args.n, args.workers)
        from digigov.services.onestop.models import Application

        apps = list(Application.objects.filter(pk__in=ids[:20]))
    else:
        started = time.perf_counter()
        apps = [one(i) for i in range(1, args.n + 1)]
        seconds = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats(args.sort)
        stats.print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)
    for a in apps[:20]:
        a.refresh_from_db()
    sealed = sum(1 for a in apps[:20] if decisions_for(a))
    rate = args.n / seconds
    print(f"一网通办办件（提交→审批→签章结果）：{args.n} 件，{seconds:.1f} 秒，{rate:.1f} 件/秒")
    print(f"抽查前 20 件：已签章决定书 {sealed} 件，状态 {sorted({a.status for a in apps[:20]})}")
    print(f"一天 {DAY:,} 件约需 {DAY / rate / 60:.1f} 分钟；一年 {YEAR:,} 件约需 {YEAR / rate / 3600:.1f} 小时（{args.workers} 个进程）")
    print(f"目标 ≥ {GOAL} 件/秒：{'达到' if rate >= GOAL else '未达到'}")
    return 0


def in_workers(one, n: int, workers: int) -> tuple[float, list[int]]:
    """Replay cases 1..n split over ``workers`` forked processes sharing the database; returns the wall-clock
    seconds from the moment every worker is ready and the ids of the applications made."""
    import multiprocessing as mp

    from django.db import connections

    connections.close_all()  # each child opens its own connection
    ctx = mp.get_context("fork")
    ready, go, results = ctx.Barrier(workers + 1), ctx.Event(), ctx.Queue()

    def work(k: int) -> None:
        ready.wait()
        go.wait()
        ids = [one(i).pk for i in range(1 + k, n + 1, workers)]
        connections.close_all()
        results.put(ids)

    procs = [ctx.Process(target=work, args=(k,)) for k in range(workers)]
    for p in procs:
        p.start()
    ready.wait()
    started = time.perf_counter()
    go.set()
    ids = []
    for _ in procs:
        ids += results.get()
    seconds = time.perf_counter() - started
    for p in procs:
        p.join()
    return seconds, sorted(ids)


if __name__ == "__main__":
    raise SystemExit(main())
