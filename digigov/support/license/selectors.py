"""Scoped reads of licence types and issued licences, shared by the pages, the API and the admin.

Types are a city-wide catalog (every holder of ``license.view`` sees all of them); licences are scoped by
the issuing unit (``issuer``) — a department's staff see what their subtree issued, city-wide grants all."""

from __future__ import annotations

from django.db.models import Q

from digigov.core.errors import NotFound, ValidationFailed
from digigov.core.pii import blind
from digigov.core.rbac.checks import scope_queryset
from digigov.core.validators import normalize_identifier

from .models import Licence, LicenceStatus, LicenceType


def licence_types(user=None, *, active_only: bool = False):
    qs = LicenceType.objects.select_related("department").order_by("code")
    return qs.filter(active=True) if active_only else qs


def licence_type_for(public_id: str) -> LicenceType:
    lt = LicenceType.objects.select_related("department").filter(public_id=public_id).first()
    if lt is None:
        raise NotFound("证照类型不存在", code="not_found")
    return lt


def issuable_types(user):
    """The active types whose issuing unit the user may issue for."""
    return scope_queryset(user, "license.issue", licence_types(active_only=True), department_field="department", division_field=None)


def manageable_types(user):
    return scope_queryset(user, "license.manage", licence_types(), department_field="department", division_field=None)


def licences(user, perm: str = "license.view"):
    qs = Licence.objects.select_related("licence_type", "issuer").defer("ofd", "pdf", "data")
    return scope_queryset(user, perm, qs, department_field="issuer", division_field=None)


def licence_for(user, public_id: str, perm: str = "license.view") -> Licence:
    row = scope_queryset(user, perm, Licence.objects.select_related("licence_type", "issuer", "previous", "case", "seal"),
                         department_field="issuer", division_field=None).filter(public_id=public_id).first()
    if row is None:
        raise NotFound("电子证照不存在或不在您的范围内", code="not_found")
    return row


STATUS_FILTERS = {"valid": LicenceStatus.VALID, "expired": LicenceStatus.EXPIRED, "revoked": LicenceStatus.REVOKED,
                  "superseded": LicenceStatus.SUPERSEDED}


def licence_filter(*, q: str = "", status: str = "", licence_type: str = "") -> Q:
    """Search by holder code (exact, via the blind index), number or identifier (exact) or holder name (contains)."""
    cond = Q()
    if status:
        if status not in STATUS_FILTERS:
            raise ValidationFailed("状态筛选无效", code="bad_filter", detail={"field": "status"})
        cond &= Q(status=STATUS_FILTERS[status])
    if licence_type:
        cond &= Q(licence_type__public_id=licence_type)
    q = (q or "").strip()[:64]
    if q:
        code = normalize_identifier(q)
        cond &= (Q(number=q) | Q(identifier=q) | Q(holder_name__contains=q)
                 | (blind(Licence, "holder_code", code) if len(code) == 18 and code.isascii() else Q(pk__in=[])))
    return cond
