"""Scoped reads of the seal registry shared by the workbench pages, the API, the admin and the commands.

A dept admin sees their unit subtree's seals, applications, certificates and signings; the seal authority,
leaders and auditors see the city's. ``seal.approve`` reaches the approval queue."""

from __future__ import annotations

from django.db.models import Count, Q

from digigov.core.errors import NotFound
from digigov.core.rbac.checks import scope_q, scope_queryset

from .models import ApplicationStatus, CertKind, Certificate, Seal, SealApplication, SealStatus, SealType, Signing

SCOPE = {"department_field": "department", "division_field": "department__division"}
SIGNING_SCOPE = {"department_field": "seal__department", "division_field": "seal__department__division"}


def seals(user, perm: str = "seal.view"):
    return scope_queryset(user, perm, Seal.objects.select_related("department"), **SCOPE)


READ_PERMS = ("seal.view", "seal.approve", "seal.apply")


def reach_q(user, scope=SCOPE) -> Q | None:
    """What ``seal.view``, ``seal.approve`` or ``seal.apply`` reach (an applicant sees their own unit's seals)."""
    out = None
    for perm in READ_PERMS:
        q = scope_q(user, perm, **scope)
        if q is not None:
            out = q if out is None else out | q
    return out


def _in_reach(user, qs, scope=SCOPE):
    q = reach_q(user, scope)
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs


def seals_in_reach(user):
    """Seals the user may see: ``seal.view``, or the approver's reach, or the applicant's unit."""
    return _in_reach(user, Seal.objects.select_related("department"))


def filter_seals(qs, *, department=None, seal_type=None, status=None, q: str = ""):
    if department is not None:
        qs = qs.filter(department=department)
    if seal_type:
        qs = qs.filter(seal_type=seal_type)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q) | Q(department__name__icontains=q))
    return qs


def seal_for(user, public_id: str) -> Seal:
    seal = seals_in_reach(user).filter(public_id=public_id).first()
    if seal is None:
        raise NotFound("印章不存在或无权查看", code="not_found")
    return seal


def applications(user, perm: str = "seal.view"):
    return scope_queryset(user, perm, SealApplication.objects.select_related("department", "applicant", "seal"), **SCOPE)


def applications_in_reach(user):
    return _in_reach(user, SealApplication.objects.select_related("department", "applicant", "seal", "replaces"))


def application_for(user, public_id: str) -> SealApplication:
    app = applications_in_reach(user).filter(public_id=public_id).first()
    if app is None:
        raise NotFound("印章申请不存在或无权查看", code="not_found")
    return app


def approval_queue(user):
    return applications(user, "seal.approve").filter(status=ApplicationStatus.SUBMITTED).order_by("created_at", "id")


def certificates(user):
    """Unit and person certificates in reach, plus the CA's own (public) certificates for anyone with a reach."""
    q = reach_q(user)
    qs = Certificate.objects.select_related("department", "user")
    if q is None:
        return qs.none()
    return qs.filter(q | Q(kind__in=[CertKind.ROOT, CertKind.MAKER])) if q else qs


def certificate_for(user, public_id: str) -> Certificate:
    cert = certificates(user).filter(public_id=public_id).first()
    if cert is None:
        raise NotFound("证书不存在或无权查看", code="not_found")
    return cert


def signings(user):
    return _in_reach(user, Signing.objects.select_related("seal", "signer"), SIGNING_SCOPE)


def recent_signings(seal: Seal, limit: int = 10):
    return list(Signing.objects.filter(seal=seal).select_related("signer").order_by("-signed_at", "-id")[:limit])


def status_counts(qs) -> dict[str, int]:
    rows = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    return {s: rows.get(s, 0) for s in SealStatus.values}


def official_coverage():
    """(units with an active 公章, units) over active departments, and the per-unit truth for drill-down."""
    from digigov.core.org.models import Department

    units = list(Department.objects.active().select_related("division").order_by("path"))
    covered = set(Seal.objects.filter(seal_type=SealType.OFFICIAL, status=SealStatus.ACTIVE).values_list("department_id", flat=True))
    return units, covered


def official_coverage_counts(units) -> tuple[int, int]:
    """(units holding an active 公章, units) over a queryset of departments: two COUNTs, whatever the size."""
    holders = Seal.objects.filter(seal_type=SealType.OFFICIAL, status=SealStatus.ACTIVE).values("department_id")
    return units.filter(pk__in=holders).count(), units.count()
