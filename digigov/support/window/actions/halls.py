"""Service halls (政务服务大厅): one per county in the demo city, kept by the city admin or an admin of
the hall's division (``window.manage``)."""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record
from digigov.core.errors import ValidationFailed
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from ..models import ServiceHall

MAX_COUNTERS = 99


def _counters(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_COUNTERS:
        raise ValidationFailed(f"窗口数应为 1 到 {MAX_COUNTERS} 之间的整数", code="invalid_counters", detail={"field": "counters"})
    return value


def _snapshot(hall: ServiceHall) -> dict:
    return {"name": hall.name, "division": hall.division.name, "address": hall.address, "counters": hall.counters}


@transaction.atomic
def create_hall(actor, *, name, division, address="", counters=8) -> ServiceHall:
    if division is None:
        raise ValidationFailed("请选择大厅所在区划", code="division_required", detail={"field": "division"})
    require(actor, "window.manage", division)
    hall = ServiceHall(name=clean_text(name, "name", "大厅名称", 100), division=division,
                       address=clean_text(address, "address", "地址", 200, required=False), counters=_counters(counters))
    hall.save()
    record(actor, "window.hall_create", hall, after=_snapshot(hall))
    return hall


@transaction.atomic
def update_hall(actor, hall: ServiceHall, *, name=None, address=None, counters=None) -> ServiceHall:
    hall = ServiceHall.objects.select_for_update().select_related("division").get(pk=hall.pk)
    require(actor, "window.manage", hall)
    if hall.voided_at is not None:
        raise ValidationFailed("该大厅已停用", code="hall_voided")
    before = _snapshot(hall)
    if name is not None:
        hall.name = clean_text(name, "name", "大厅名称", 100)
    if address is not None:
        hall.address = clean_text(address, "address", "地址", 200, required=False)
    if counters is not None:
        hall.counters = _counters(counters)
    hall.save()
    record(actor, "window.hall_update", hall, before=before, after=_snapshot(hall))
    return hall
