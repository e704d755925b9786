"""Utilisation samples (资源使用率采样) from the cloud's monitoring."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.rbac.checks import require

from ..models import ResourcePool, UtilisationSample


@transaction.atomic
def record_samples(actor, pool: ResourcePool, samples: list[dict]) -> int:
    """Ingest monitoring samples ``{"at", "cpu_pct", "mem_pct", "storage_pct"}``; one audit entry per batch."""
    require(actor, "cloud.manage", pool)
    if not samples:
        raise ValidationFailed("没有采样数据", code="no_samples")
    if len(samples) > 5000:
        raise ValidationFailed("单次最多提交 5000 条采样", code="too_many_samples")
    rows, seen = [], set()
    for i, s in enumerate(samples):
        at = s.get("at")
        if at is None or not hasattr(at, "tzinfo") or at.tzinfo is None:
            raise ValidationFailed("采样时间须为带时区的时间", code="invalid_sample", detail={"index": i, "field": "at"})
        if at > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationFailed("采样时间不能晚于当前时间", code="invalid_sample", detail={"index": i, "field": "at"})
        values = {}
        for f, label in (("cpu_pct", "CPU 使用率"), ("mem_pct", "内存使用率"), ("storage_pct", "存储使用率")):
            v = s.get(f)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or not 0 <= v <= 100:
                raise ValidationFailed(f"{label}应在 0 到 100 之间", code="invalid_sample", detail={"index": i, "field": f})
            values[f] = float(v)
        if at in seen:
            raise ValidationFailed("同一批次中采样时间重复", code="duplicate_sample", detail={"index": i, "field": "at"})
        seen.add(at)
        rows.append(UtilisationSample(pool=pool, at=at, **values))
    if UtilisationSample.objects.filter(pool=pool, at__in=seen).exists():
        raise Conflict("部分采样时间已有记录", code="duplicate_sample")
    UtilisationSample.objects.bulk_create(rows)
    times = sorted(seen)
    record(actor, "cloud.samples.ingest", pool, after={"count": len(rows), "from": times[0], "to": times[-1]})
    return len(rows)
