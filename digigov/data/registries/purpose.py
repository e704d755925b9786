"""Clear values of personal information in the base registries: masking, the purpose (用途) a viewer must
state, and the audit entry of every clear read.

Pages and the API show personal attributes masked (``mask``). A holder of ``registries.view_clear`` whose
reach covers the record may ask for clear values by stating a purpose — one of ``PURPOSES`` plus a free-text
note — and ``reveal`` records ``registries.read_clear`` naming the record, the fields shown and the purpose,
never the values. The page shows the clear values in the answer to that request only (nothing a reload or
the browser history brings back); the API answers clear values only on a request that carries the purpose.
"""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record
from digigov.core.errors import Forbidden, ValidationFailed
from digigov.core.rbac.checks import can, require
from digigov.core.text import clean_text
from digigov.data.grading.policy import mask_address, mask_generic, mask_name, mask_phone, mask_resident_id

from .attributes import BY_REGISTRY

PERM = "registries.view_clear"

PURPOSES: tuple[tuple[str, str], ...] = (
    ("service", "政务服务办理"),
    ("enforcement", "行政执法与监管"),
    ("verification", "数据核查与治理"),
    ("judicial", "司法协助"),
    ("emergency", "应急处置"),
    ("other", "其他"),
)
PURPOSE_LABELS = dict(PURPOSES)

SEX_LABELS = {"M": "男", "F": "女", "1": "男", "2": "女"}


def display(registry: str, code: str, text) -> str:
    """A stored value as a person reads it (codes turned into words)."""
    text = "" if text is None else str(text)
    if code == "sex":
        return SEX_LABELS.get(text, text)
    return text


def is_personal(registry: str, code: str) -> bool:
    for a in BY_REGISTRY[registry]:
        if a.code == code:
            return a.personal
    return True  # an attribute this list does not know: treat as personal, never shown in clear by mistake


def mask(registry: str, code: str, text) -> str:
    """The masked text of one value; values that are not personal come back as they are."""
    text = display(registry, code, text)
    if not text or not is_personal(registry, code):
        return text
    if code in ("id_number", "guardian_id_number"):
        return mask_resident_id(text)
    if code == "phone":
        return mask_phone(text)
    if code in ("name", "former_names", "legal_representative", "mother_name", "father_name"):
        return mask_name(text)
    if code == "address":
        return mask_address(text)
    if code == "birth_date":
        return text[:4] + "-**-**" if len(text) >= 4 else "*" * len(text)
    if code == "sex" or len(text) <= 2:
        return "*" * len(text)
    return mask_generic(text)


def clean_purpose(code, note) -> str:
    """The purpose as the audit entry records it (``"数据核查与治理：核对户籍地址"``); 422 without one."""
    if not isinstance(code, str) or not code.strip():
        raise ValidationFailed("请选择查看明文的用途", code="purpose_required", detail={"field": "purpose"})
    code = code.strip()
    if code not in PURPOSE_LABELS:
        raise ValidationFailed("查看明文的用途无效，请从列表中选择", code="purpose_invalid", detail={"field": "purpose", "allowed": list(PURPOSE_LABELS)})
    if note is None or (isinstance(note, str) and not note.strip()):
        raise ValidationFailed("请填写用途说明（如办理事项、案件编号）", code="purpose_note_required", detail={"field": "purpose_note"})
    note = clean_text(note, "purpose_note", "用途说明", 100)
    return f"{PURPOSE_LABELS[code]}：{note}"


def may_reveal(user, subject) -> bool:
    """Whether the "查看明文" control is shown: the permission, and the record inside the user's reach for it."""
    from . import selectors

    return can(user, PERM) and selectors.in_reach(user, subject, PERM)


@transaction.atomic
def reveal(actor, subject, fields, purpose: str):
    """Allow ``actor`` to see ``fields`` of ``subject`` (a golden record, credit record …) in clear for
    ``purpose`` (already cleaned); returns the audit entry. Refuses (403) outside the actor's reach."""
    from . import selectors

    require(actor, PERM)
    if not selectors.in_reach(actor, subject, PERM):
        raise Forbidden("该记录不在您的查看明文权限范围内", code="forbidden")
    return record(actor, "registries.read_clear", subject, after={"fields": sorted(set(fields)), "purpose": purpose})
