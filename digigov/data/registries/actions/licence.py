"""电子证照目录索引: ``index_licence`` is what the e-licence app (a later issue) calls each time it issues,
renews or revokes a licence, so the index answers "which licences does this holder have, and where do they
live" without opening the licence store. Indexing the same (type, number) again updates the row: issuing
apps may retry safely."""

from __future__ import annotations

from django.db import transaction

from digigov.core import validators
from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from ..models import LicenceIndex, LicenceStatus, SubjectKind
from .credit import _choice, _date, clean_subject_code

PERM = "registries.licence_index"
CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")


@transaction.atomic
def index_licence(actor, *, issuer: Department, holder_kind: str, holder_code: str, holder_name: str, licence_type: str,
                  licence_name: str, licence_no: str, issued_on, valid_until=None, status: str = LicenceStatus.VALID,
                  source_ref: str = "", is_demo: bool = False) -> tuple[LicenceIndex, bool]:
    """Create or update the index row of one licence; returns ``(row, created)``."""
    if not isinstance(issuer, Department):
        raise ValidationFailed("请选择发证部门", code="issuer_required", detail={"field": "issuer"})
    require(actor, PERM, issuer)
    holder_kind = _choice(holder_kind, SubjectKind, "holder_kind", "持证主体类型")
    status = _choice(status, LicenceStatus, "status", "证照状态")
    code = clean_subject_code(holder_kind, holder_code)
    name = validators.clean_name(holder_name, "holder_name", "持证主体名称", 100)
    licence_type = clean_text(licence_type, "licence_type", "证照类型代码", 32)
    if not set(licence_type) <= CODE_CHARS:
        raise ValidationFailed("证照类型代码只能由字母、数字和 _-. 组成", code="invalid_licence_type", detail={"field": "licence_type"})
    licence_name = clean_text(licence_name, "licence_name", "证照名称", 64)
    licence_no = clean_text(licence_no, "licence_no", "证照编号", 64)
    issued = _date(issued_on, "issued_on", "发证日期")
    until = _date(valid_until, "valid_until", "有效期至", required=False)
    if until is not None and until < issued:
        raise ValidationFailed("有效期至不能早于发证日期", code="valid_until_before_issued", detail={"field": "valid_until"})
    source_ref = clean_text(source_ref, "source_ref", "证照库引用", 64, required=False)
    fields = dict(holder_kind=holder_kind, holder_code=code, holder_name=name, licence_name=licence_name, issuer=issuer,
                  issued_on=issued, valid_until=until, status=status, source_ref=source_ref, is_demo=is_demo)
    row = LicenceIndex.objects.select_for_update().filter(licence_type=licence_type, licence_no=licence_no).first()
    if row is None:
        row = LicenceIndex.objects.create(licence_type=licence_type, licence_no=licence_no, **fields)
        record(actor, "registries.licence.index", row, after=snapshot(row))
        return row, True
    before = snapshot(row)
    for k, v in fields.items():
        setattr(row, k, v)
    row.save()
    record(actor, "registries.licence.index", row, before=before, after=snapshot(row))
    return row, False
