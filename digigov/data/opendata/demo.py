"""Demo data of the open-data portal (generator ``opendata``, after the catalog and aggregation):
the demo city's openable entries are opened through ``actions.open_dataset`` — each runs the privacy
check, and those that fail stay closed (the generator reports how many) — then the demo citizen rates
and comments, has a developer app subscribed to an unconditional dataset, a showcase approved and an
application for a conditional dataset waiting for the department's review."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from digigov.core import registry
from digigov.core.context import acting_as
from digigov.core.errors import DigiGovError

OPEN_AT_MOST = 400


def generate(ctx) -> None:
    from digigov.core.accounts.models import User
    from digigov.core.rbac.system import system_account
    from digigov.data.catalog.models import CatalogEntry, EntryStatus, OpenType
    from digigov.data.grading.policy import open_allowed
    from digigov.data.sharing.actions.apps import create_app

    from .actions import datasets as ds_actions
    from .actions import portal
    from .models import DatasetComment, DatasetRating, OpenApplication, OpenDataset, Showcase

    rng = ctx.rng
    system = system_account()
    candidates = list(CatalogEntry.objects.filter(status=EntryStatus.PUBLISHED, voided_at__isnull=True,
                                                  open_type__in=[OpenType.UNCONDITIONAL, OpenType.CONDITIONAL])
                      .exclude(open_dataset__isnull=False).select_related("department").order_by("pk")[:ctx.n(OPEN_AT_MOST, 20)])
    opened, failed = [], 0
    with acting_as(system, channel="command"):
        for entry in candidates:
            if entry.open_type not in open_allowed(entry):
                continue
            try:
                with transaction.atomic():
                    ds, _ = ds_actions.open_dataset(system, entry, keywords=[entry.category.name][:1])
                opened.append(ds)
            except DigiGovError:
                failed += 1
    ctx.rows += len(opened)
    ctx.describe(f"opendata: 开放数据集 {len(opened)} 个（{failed} 个未通过隐私检查或暂无数据，未开放）")
    users = ctx.shared.get("accounts", {}).get("demo_users", {})
    citizen = User.objects.filter(pk=users.get("citizen")).first()
    agent = User.objects.filter(pk=users.get("agent")).first()
    if not opened or citizen is None:
        return
    sample = rng.sample(opened, min(len(opened), 12))
    with acting_as(citizen, channel="command"):  # each step is attributed to the person who takes it
        for ds in sample:
            portal.rate(citizen, ds, rng.choice([3, 4, 4, 5, 5]))
        for ds in opened[:5]:
            portal.comment(citizen, ds, rng.choice(["数据很实用，希望增加历史年份的数据", "字段说明清楚，更新及时", "建议提供按区县汇总的统计"]))
        app, _ = create_app(citizen, kind="developer", name="城市便民查询", description="基于开放数据的便民查询小程序")
    if agent is not None:
        with acting_as(agent, channel="command"):
            for ds in sample:
                portal.rate(agent, ds, rng.choice([3, 4, 5]))
    public = [d for d in opened if d.entry.open_type == OpenType.UNCONDITIONAL]
    conditional = [d for d in opened if d.entry.open_type == OpenType.CONDITIONAL]
    if public:
        with acting_as(citizen, channel="command"):
            portal.subscribe_public(citizen, public[0], app)
            s = portal.submit_showcase(citizen, public[0], title="城市便民查询", description="一个查询身边公共资源的小程序，数据来自公共数据开放平台",
                                       url="https://example.cn/app")
        with acting_as(system, channel="command"):
            portal.review_showcase(system, s, decision="approved", reply="符合展示要求")
    if conditional:
        today = timezone.localdate()
        with acting_as(citizen, channel="command"):
            portal.apply(citizen, conditional[0], app, purpose="为市民提供便民查询", intended_use="在小程序中按区县展示数据",
                         period_start=today, period_end=today + datetime.timedelta(days=180))
    ctx.rows += (DatasetRating.objects.count() + DatasetComment.objects.count() + Showcase.objects.count()
                 + OpenApplication.objects.count() + 1)  # + the developer app
    ctx.describe(f"opendata: 评分、评论、开发者应用与应用展示（{OpenDataset.objects.count()} 个数据集）")


registry.register_demo("opendata", generate, after=("catalog", "accounts"), soft_after=("aggregation", "grading"))
