"""Reads behind the steward's queue (the workbench pages and the to-do count share them) and the
masked display of registry values."""

from __future__ import annotations

import json

from digigov.core.rbac.checks import WHOLE_CITY, can
from digigov.data.grading.policy import mask_address, mask_name, mask_phone, mask_resident_id

from .attributes import BY_REGISTRY
from .build import field_label
from .models import StewardTask, TaskStatus

SEX = {"M": "男", "F": "女"}


def queue(user):
    """Every task of the city for a steward (the data authority's grant is city-wide); nothing otherwise."""
    if not can(user, "registries.steward", WHOLE_CITY):
        return StewardTask.objects.none()
    return StewardTask.objects.all()


def open_tasks(user):
    return queue(user).filter(status=TaskStatus.OPEN)


def display(registry: str, attribute: str, value: str, *, clear: bool = False) -> str:
    """What a steward sees for one value: the Chinese word for a code, personal values masked."""
    if not value:
        return "—"
    if attribute == "sex":
        return SEX.get(value, value)
    if clear:
        return value
    personal = {a.code: a.personal for a in BY_REGISTRY[registry]}.get(attribute, attribute in ("mother_name", "father_name"))
    if not personal:
        return value
    if attribute in ("id_number", "guardian_id_number"):
        return mask_resident_id(value)
    if attribute == "phone":
        return mask_phone(value)
    if attribute in ("name", "legal_representative", "former_names", "mother_name", "father_name"):
        return mask_name(value)
    if attribute == "address":
        return mask_address(value)
    if attribute == "birth_date":
        return value[:4] + "-**-**" if len(value) >= 4 else "****"
    if attribute in ("insured", "marital"):
        return value
    return value[:1] + "*" * max(1, len(value) - 2) + (value[-1] if len(value) > 2 else "")


def source_fields(record, registry: str, *, clear: bool = False) -> list[tuple[str, str, str]]:
    """``(code, Chinese label, value)`` of one source record's delivered fields, masked unless ``clear``
    (only after ``purpose.reveal`` recorded why)."""
    try:
        data = json.loads(record.data or "{}")
    except ValueError:
        data = {}
    return [(code, field_label(registry, code), display(registry, code, str(v), clear=clear))
            for code, v in data.items() if code != "row_id" and v not in (None, "")]
