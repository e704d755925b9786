"""Demo city: 批量交换 and 数据回流 that really run at demo time.

* The consumer is 营商局（大数据管理局） (``CITY-BDB``, the demo data administrator's department): for up to
  three published entries of other departments with an aggregated table (the smallest first, so the
  demo stays quick at any scale), a department app of 营商局 gets a subscription (every non-core item;
  personal items masked) and a job — incremental into the 前置库 table, full into a CSV file, and a
  daily JSON Lines file — each run once through the engine, so the runs, files, meters and chained
  access records are the real output.
* One more job's subscription is then suspended and its run is a dead letter (the Chinese reason shows
  on the dead-letter page; resuming the subscription and retrying it delivers).
* 数据回流: an entry with a 行政区划代码 item is pushed back to the county governments, each getting the
  rows of its own county.

Needs the catalog and aggregation demos (entries with tables); with none it describes why and writes nothing.
"""

from __future__ import annotations

from django.db.models import Sum
from django.utils import timezone

from digigov.core import registry
from digigov.core.org.models import Department, DepartmentKind, DivisionLevel
from digigov.core.rbac.system import system_account
from digigov.data.catalog.models import CatalogEntry, DataLevel, EntryStatus, ItemFormat, MountedResource, MountKind, PersonalKind
from digigov.data.sharing.actions.apps import create_app
from digigov.data.sharing.models import AppKind, Subscription, SubscriptionSource, SubscriptionStatus, bump_policy_version

from . import actions, engine
from .models import Delivery, ExchangeJob, ExchangeRun, ReturnTask, Schedule, SyncMode

CONSUMER_CODE = "CITY-BDB"
MAX_ROWS = 20_000


def _table_exists(table: str) -> bool:
    from django.db import connection

    with connection.cursor() as cur:
        return table in connection.introspection.table_names(cur)


def _candidates(exclude_department=None) -> list[CatalogEntry]:
    mounts = (MountedResource.objects.filter(kind=MountKind.TABLE, voided_at__isnull=True, entry__status=EntryStatus.PUBLISHED,
                                             entry__voided_at__isnull=True, record_count__gt=0, record_count__lte=MAX_ROWS)
              .exclude(table_name="").select_related("entry__department").order_by("record_count", "id"))
    out, seen = [], set()
    for m in mounts[:200]:
        if m.entry_id in seen or (exclude_department is not None and m.entry.department_id == exclude_department.pk):
            continue
        if m.entry.level >= DataLevel.CORE or not _table_exists(m.table_name):
            continue
        seen.add(m.entry_id)
        out.append(m.entry)
    return out


def generate(ctx):
    consumer = Department.objects.filter(code=CONSUMER_CODE, voided_at__isnull=True).first()
    if consumer is None:
        ctx.describe("没有营商局（大数据管理局），跳过批量交换示范数据")
        return
    entries = _candidates(exclude_department=consumer)
    if not entries:
        ctx.describe("没有已归集库表的目录条目，跳过批量交换示范数据")
        return
    system = system_account()
    app, _secret = create_app(system, kind=AppKind.DEPARTMENT, name="营商局数据共享交换前置机", department=consumer,
                              description="示范：批量交换任务使用的部门应用")
    plans = [(SyncMode.INCREMENTAL, Delivery.TABLE, Schedule.HOURLY), (SyncMode.FULL, Delivery.CSV, Schedule.MANUAL),
             (SyncMode.FULL, Delivery.JSONL, Schedule.DAILY)]
    today = timezone.localdate()
    subs, runs = [], 0
    for entry, (mode, delivery, schedule) in zip(entries, plans + [(SyncMode.FULL, Delivery.CSV, Schedule.MANUAL)]):
        items = list(entry.items.order_by("seq"))
        fields = [i.field_name for i in items if i.level < DataLevel.CORE]
        sub = Subscription.objects.create(public_id=ctx.public_id(), app=app, entry=entry, source=SubscriptionSource.SHARE_REQUEST,
                                          fields=fields, clear_fields=[], purpose=f"{entry.name}共享比对（示范）"[:500], valid_from=today,
                                          created_by=system)
        subs.append(sub)
        job = actions.create_job(system, subscription=sub, name=f"{entry.name}同步"[:100], mode=mode, delivery=delivery, schedule=schedule)
        run = actions.run_job(system, job, trigger="demo", enqueue=False)
        engine.execute(run.pk)
        runs += 1
    bump_policy_version()
    # a dead letter: the last subscription is suspended before its job runs again
    if len(subs) == 4:
        last = subs[-1]
        Subscription.objects.filter(pk=last.pk).update(status=SubscriptionStatus.SUSPENDED)
        job = last.exchange_jobs.get()
        run = actions.run_job(system, job, trigger="demo", enqueue=False)
        engine.execute(run.pk)
        runs += 1
    returned = _return_flow(ctx, system)
    # rows written: the app, subscriptions, jobs, return tasks, runs, and the rows each run delivered
    delivered = ExchangeRun.objects.aggregate(n=Sum("rows"))["n"] or 0
    ctx.rows += (1 + len(subs) + ExchangeJob.objects.count() + ReturnTask.objects.count() + ExchangeRun.objects.count()
                 + delivered)
    ctx.describe(f"批量交换：{len(subs)} 个任务执行 {runs} 次；数据回流：{returned} 个单位")


def _return_flow(ctx, system) -> int:
    counties = list(Department.objects.filter(voided_at__isnull=True, division__level=DivisionLevel.COUNTY, kind=DepartmentKind.GOVERNMENT)
                    .select_related("division").order_by("code")[:8])
    if not counties:
        return 0
    for entry in _candidates():
        items = [i for i in entry.items.order_by("seq") if i.personal < PersonalKind.PERSONAL and i.format == ItemFormat.DIVISION]
        if not items:
            continue
        fields = [i.field_name for i in entry.items.order_by("seq") if i.level < DataLevel.CORE][:12]
        task = actions.create_return_task(system, entry=entry, name=f"{entry.name}回流区县"[:100], division_field=items[0].field_name,
                                          fields=fields, receivers=counties)
        for run in actions.run_return_task(system, task, enqueue=False):
            engine.execute(run.pk)
        return len(counties)
    return 0


registry.register_demo("exchange", generate, after=("catalog", "aggregation"), soft_after=("sharing",))
