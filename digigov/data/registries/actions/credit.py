"""信用基础库 writes: a department records a credit fact (双公示 行政许可/行政处罚, 红黑名单, 信用承诺) about
an enterprise or a natural person, and voids a wrong one with a reason (never deletes it).

The subject's code is checked with its check digit (GB 32100 for a USCC, GB 11643 for a resident ID) and
stored sealed with a blind index; an enterprise fact is linked to its 法人基础库 record by USCC when that
record exists (the builder links later ones). The recording department must be inside the actor's reach
for ``registries.credit_record`` (a department's data admin records for its own department).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from digigov.core import validators
from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.checks import require
from digigov.core.records import stamp_void
from digigov.core.text import clean_text

from ..models import CreditKind, CreditRecord, EnterpriseRecord, RecordStatus, SubjectKind

PERM = "registries.credit_record"


def _date(value, field: str, label: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(f"请填写{label}", code="required", detail={"field": field})
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationFailed(f"{label}格式应为 YYYY-MM-DD", code="invalid_date", detail={"field": field}) from None
    if not isinstance(value, dt.date):
        raise ValidationFailed(f"{label}格式应为 YYYY-MM-DD", code="invalid_date", detail={"field": field})
    return value


def _choice(value, choices, field: str, label: str) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise ValidationFailed(f"{label}无效", code=f"invalid_{field}", detail={"field": field, "allowed": list(choices.values)})
    return value


def clean_subject_code(subject_kind: str, code) -> str:
    if subject_kind == SubjectKind.ENTERPRISE:
        return validators.clean_uscc(code, "subject_code")
    return validators.clean_resident_id(code, "subject_code")


@transaction.atomic
def record_credit(actor, *, department: Department, subject_kind: str, subject_code: str, subject_name: str, kind: str, title: str,
                  decided_on, document_no: str = "", valid_until=None, is_demo: bool = False) -> CreditRecord:
    """Record one credit fact decided by ``department``; returns it."""
    if not isinstance(department, Department):
        raise ValidationFailed("请选择认定部门", code="department_required", detail={"field": "department"})
    require(actor, PERM, department)
    subject_kind = _choice(subject_kind, SubjectKind, "subject_kind", "主体类型")
    kind = _choice(kind, CreditKind, "kind", "信用信息类别")
    code = clean_subject_code(subject_kind, subject_code)
    name = validators.clean_name(subject_name, "subject_name", "主体名称", 100)
    title = clean_text(title, "title", "事由", 200)
    document_no = clean_text(document_no, "document_no", "决定文书号", 64, required=kind in (CreditKind.LICENSE, CreditKind.PENALTY))
    decided = _date(decided_on, "decided_on", "决定日期")
    if decided > timezone.localdate():
        raise ValidationFailed("决定日期不能晚于今天", code="future_date", detail={"field": "decided_on"})
    until = _date(valid_until, "valid_until", "有效期至", required=False)
    if until is not None and until < decided:
        raise ValidationFailed("有效期至不能早于决定日期", code="valid_until_before_decided", detail={"field": "valid_until"})
    enterprise = None
    if subject_kind == SubjectKind.ENTERPRISE:
        enterprise = EnterpriseRecord.objects.filter(uscc=code, status=RecordStatus.ACTIVE).first()
    credit = CreditRecord.objects.create(
        subject_kind=subject_kind, subject_code=code, subject_name=name, enterprise=enterprise, kind=kind, title=title,
        document_no=document_no, department=department, decided_on=decided, valid_until=until, recorded_by=actor, is_demo=is_demo,
    )
    record(actor, "registries.credit.record", credit, after=snapshot(credit))
    return credit


@transaction.atomic
def void_credit(actor, credit: CreditRecord, reason: str) -> CreditRecord:
    """Void a wrongly recorded fact; only the recording department's reach may."""
    require(actor, PERM, credit.department)
    reason = clean_text(reason, "reason", "作废原因", 200)
    credit = CreditRecord.objects.select_for_update().get(pk=credit.pk)
    if credit.voided_at:
        raise Conflict("该信用记录已作废", code="already_voided")
    return stamp_void(actor, credit, reason, "registries.credit.void")
