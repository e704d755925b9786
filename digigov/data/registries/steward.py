"""Reads behind the steward's queue (the workbench pages and the to-do count share them) and the
masked display of registry values."""

from __future__ import annotations

import json

from digigov.core.rbac.checks import WHOLE_CITY, can
from . import purpose
from .build import field_label
from .models import StewardTask, TaskStatus

def queue(user):
    """Every task of the city for a steward (the data authority's grant is city-wide); nothing otherwise."""
    if not can(user, "registries.steward", WHOLE_CITY):
        return StewardTask.objects.none()
    return StewardTask.objects.all()


def open_tasks(user):
    return queue(user).filter(status=TaskStatus.OPEN)


def display(registry: str, attribute: str, value: str, *, clear: bool = False) -> str:
    """What a steward sees for one value: the registries' one masking policy (``purpose.mask``), or the
    value as a person reads it once ``purpose.reveal`` recorded why (``clear``)."""
    if not value:
        return "—"
    return purpose.display(registry, attribute, value) if clear else purpose.mask(registry, attribute, value)


def source_fields(record, registry: str, *, clear: bool = False) -> list[tuple[str, str, str]]:
    """``(code, Chinese label, value)`` of one source record's delivered fields, masked unless ``clear``
    (only after ``purpose.reveal`` recorded why)."""
    try:
        data = json.loads(record.data or "{}")
    except ValueError:
        data = {}
    return [(code, field_label(registry, code), display(registry, code, str(v), clear=clear))
            for code, v in data.items() if code != "row_id" and v not in (None, "")]
