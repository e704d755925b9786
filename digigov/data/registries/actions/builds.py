"""Starting a build: one run per registry at a time, executed by a Huey task once the request commits."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.rbac.checks import WHOLE_CITY, require

from ..models import LinkRun, RegistryKind, RunStatus

ABANDONED_AFTER = dt.timedelta(hours=2)  # a "running" run older than this died with its worker


@transaction.atomic
def start_build(actor, registry: str, *, queue: bool = True) -> LinkRun:
    require(actor, "registries.build", WHOLE_CITY)
    if registry not in RegistryKind.values:
        raise ValidationFailed("基础库类型无效（应为人口基础库或法人基础库）", code="invalid_registry", detail={"field": "registry"})
    running = LinkRun.objects.select_for_update().filter(registry=registry, status=RunStatus.RUNNING)
    stale = timezone.now() - ABANDONED_AFTER
    running.filter(started_at__lt=stale).update(status=RunStatus.FAILED, finished_at=timezone.now(), error="运行中断（超时未完成）")
    if running.filter(started_at__gte=stale).exists():
        raise Conflict(f"{RegistryKind(registry).label}正在构建，请等待本次构建完成", code="build_running")
    run = LinkRun.objects.create(registry=registry, started_by=actor)
    record(actor, "registries.build.start", run, after={"registry": registry})
    if queue:
        from .. import tasks

        transaction.on_commit(lambda: tasks.run_build(run.pk))
    return run
