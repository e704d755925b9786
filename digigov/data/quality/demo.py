"""Demo city: quality checks over the aggregated demo tables, so scores, trends and tasks come from data.

* every catalog entry whose table mount has a physical table (aggregation's demo made it) gets its
  baseline rules and a check as of the demo's anchor time;
* for a sample of those datasets (``HISTORY_FULL`` at scale 1, at least ``HISTORY_MIN``) the trend is
  computed, not invented: ``WEEKS`` weekly checks dated back from the anchor, each over the rows the
  table held up to a growing share of its row numbers (the dataset as it grew); the daily snapshots
  of datasets, departments and the city follow from those runs;
* rectification tasks open wherever a check found problems (the rule in ``actions``); a few of them
  are then moved on by the department's data admin (整改中, 已提交) and one submitted task is verified by
  the data authority, which re-runs the checks: it closes if the data passes, is reopened otherwise.

A table mount without a physical table (never aggregated) is skipped; with no aggregated table at all
the generator does nothing.

Deterministic for a seed: the sample and the moved tasks come from ``ctx.rng``.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from digigov.core.rbac.models import RoleAssignment
from digigov.core.rbac.system import system_account
from digigov.core.context import acting_as
from digigov.core.registry import register_demo
from digigov.data.catalog.models import MountedResource, MountKind

from . import actions
from .models import QualityRun, RectificationTask, TaskStatus

WEEKS = 6
HISTORY_FULL = 200
HISTORY_MIN = 12


def _checkable_entries() -> list:
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    seen, out = set(), []
    mounts = (MountedResource.objects.filter(kind=MountKind.TABLE, voided_at__isnull=True, entry__voided_at__isnull=True)
              .exclude(table_name="").select_related("entry__department").order_by("entry_id", "id"))
    for m in mounts:
        if m.table_name in tables and m.entry_id not in seen:
            seen.add(m.entry_id)
            out.append(m.entry)
    return out


def _max_row(table: str) -> int:
    q = connection.ops.quote_name
    with connection.cursor() as c:
        c.execute(f"SELECT COALESCE(MAX({q('_row_no')}), 0) FROM {q(table)}")
        return int(c.fetchone()[0] or 0)


def _data_admins() -> list[RoleAssignment]:
    """Every department-scoped data admin grant, read once for all the tasks the demo moves on."""
    return list(RoleAssignment.objects.active().filter(role="data_admin", department__isnull=False).select_related("user", "department")
                .order_by("id"))


def _data_admin(task, grants, fallback):
    """The department's data admin (the demo account for 营商局's subtree), else the system account."""
    for a in grants:
        if task.department.path.startswith(a.department.path):
            return a.user
    return fallback


def generate(ctx):
    system = system_account()
    now = ctx.shared.get("now") or timezone.now()
    entries = _checkable_entries()
    if not entries:
        ctx.describe("没有已归集的数据表，跳过数据质量示范数据")
        return
    rng = ctx.rng
    history = sorted(rng.sample(entries, min(len(entries), ctx.n(HISTORY_FULL, minimum=HISTORY_MIN))), key=lambda e: e.pk)
    tables = {e.pk: actions.checks.table_for(e) for e in history}
    sizes = {pk: _max_row(t) for pk, t in tables.items()}
    for week in range(WEEKS, 0, -1):
        at = now - dt.timedelta(weeks=week)
        share = (WEEKS + 1 - week) / (WEEKS + 1)
        for entry in history:
            actions.run_as_of(system, entry, at=at, max_row=max(1, round(sizes[entry.pk] * share)))
        ctx.progress(len(history))
    for entry in entries:
        actions.run_as_of(system, entry, at=now, max_row=None)
    ctx.progress(len(entries))

    open_tasks = list(RectificationTask.objects.filter(status=TaskStatus.OPEN).select_related("department", "entry").order_by("id"))
    rng.shuffle(open_tasks)
    authority = RoleAssignment.objects.active().filter(role="data_authority").select_related("user").order_by("id").first()
    grants = _data_admins()
    moved = {"in_progress": 0, "submitted": 0, "verified": 0}
    for n, task in enumerate(open_tasks[: max(3, len(open_tasks) // 3)]):
        admin = _data_admin(task, grants, system)
        with acting_as(admin, channel="command"):  # each step is attributed to the person who takes it
            actions.start_task(admin, task)
            moved["in_progress"] += 1
            if n % 2 == 0:
                actions.submit_task(admin, task, "已核对源系统数据并更正，申请复检")
                moved["submitted"] += 1
        if n == 0:
            verifier = authority.user if authority else system
            with acting_as(verifier, channel="command"):
                actions.verify_task(verifier, task)
            moved["verified"] += 1
    runs = QualityRun.objects.count()
    ctx.rows += runs + RectificationTask.objects.count()
    ctx.describe(f"数据质量：{len(entries)} 个数据集完成检查（{len(history)} 个含 {WEEKS} 周历史），{runs} 次检查，"
                 f"{RectificationTask.objects.count()} 个整改任务（整改中 {moved['in_progress']}，已提交 {moved['submitted']}）")


register_demo("quality", generate, after=("aggregation",))
