"""一数一源: setting which department is the source of truth for one attribute of a registry."""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record
from digigov.core.errors import ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.text import clean_text

from ..attributes import BY_REGISTRY
from ..models import AttributeAuthority, RegistryKind


@transaction.atomic
def set_authority(actor, *, registry: str, attribute: str, department: Department, basis: str = "") -> AttributeAuthority:
    """Only the data authority (``registries.steward`` over the whole city) decides; takes effect at the next build."""
    require(actor, "registries.steward", WHOLE_CITY)
    if registry not in RegistryKind.values:
        raise ValidationFailed("基础库类型无效", code="invalid_registry", detail={"field": "registry"})
    if attribute not in {a.code for a in BY_REGISTRY[registry]}:
        raise ValidationFailed(f"{RegistryKind(registry).label}没有这个属性", code="unknown_attribute", detail={"field": "attribute"})
    if department is None or getattr(department, "voided_at", None) is not None:
        raise ValidationFailed("请选择有效的权威来源部门", code="invalid_department", detail={"field": "department"})
    basis = clean_text(basis, "basis", "依据", 200, required=False)
    row = AttributeAuthority.objects.select_for_update().filter(registry=registry, attribute=attribute).first()
    before = {"department": row.department_id, "basis": row.basis} if row else None
    if row is None:
        row = AttributeAuthority(registry=registry, attribute=attribute)
    row.department = department
    row.basis = basis
    row.save()
    record(actor, "registries.authority.set", row, before=before,
           after={"registry": registry, "attribute": attribute, "department": department.pk, "basis": basis})
    return row
