"""Granting and revoking roles (audited)."""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, Forbidden, ValidationFailed

from .checks import grants, require
from .models import CITY_WIDE_ROLES, PUBLIC_ROLES, Role, RoleAssignment


def _grant(actor, *, user, role: str, department=None, division=None) -> RoleAssignment:
    """Create the assignment and audit it; the caller has checked that ``actor`` may grant it."""
    if RoleAssignment.objects.active().filter(user=user, role=role, department=department, division=division).exists():
        raise Conflict("该账户已拥有此角色", code="role_exists")
    ra = RoleAssignment.objects.create(user=user, role=role, department=department, division=division)
    user.__dict__.pop("_digigov_grants", None)
    record(actor, "rbac.assign", ra, after=snapshot(ra))
    return ra


@transaction.atomic
def assign_role(actor, *, user, role: str, department=None, division=None) -> RoleAssignment:
    """Grant ``role``. The granter must manage roles over the target scope; only a city-wide
    granter may hand out an unscoped (city-wide) role. Staff roles go to staff and service accounts only,
    never to a person's account."""
    if role not in Role.values or role == Role.SYSTEM:
        raise ValidationFailed("未知角色", code="unknown_role", detail={"field": "role"})
    target = department or division
    city_wide_granter = any(g.role == Role.CITY_ADMIN and g.dept_path is None and g.division_prefix is None for g in grants(actor))
    if target is None:
        require(actor, "rbac.manage")
        if not city_wide_granter:
            raise ValidationFailed("只有市级管理员可以授予全市范围的角色", code="scope_required")
    else:
        require(actor, "rbac.manage", target)
        # these roles' permissions (audit.view, accounts.apiclient.manage, ...) are not object-scoped,
        # so a scope on the assignment would not contain them: only a city-wide city admin grants them
        if role in CITY_WIDE_ROLES and not city_wide_granter:
            raise Forbidden("只有市级管理员可以授予市级角色", code="forbidden")
    if role not in CITY_WIDE_ROLES and role not in PUBLIC_ROLES and target is None:
        raise ValidationFailed("该角色必须限定部门或区划范围", code="scope_required")
    # a staff role carries the staff login policy (a second factor); a person's account is not one to give it
    # to. A service account (a machine, reached only by its API key) may hold one: that is how a machine
    # caller gets its permissions, and API keys work for service accounts only.
    if role not in PUBLIC_ROLES and getattr(user, "kind", "") not in ("staff", "service"):
        raise ValidationFailed("工作人员角色只能授予工作人员账户或系统账户", code="staff_role_needs_staff_account",
                               detail={"field": "user"})
    return _grant(actor, user=user, role=role, department=department, division=division)


def ensure_role(actor, user, role: str) -> RoleAssignment:
    """Idempotent grant of a public role (公众, 企业经办人) as the consequence of another action that
    ``actor`` was allowed to take (authorising an enterprise agent grants ``enterprise_agent``)."""
    if role not in PUBLIC_ROLES:
        raise ValueError(f"ensure_role grants public roles only, not {role!r}")
    existing = RoleAssignment.objects.active().filter(user=user, role=role, department=None, division=None).first()
    return existing or _grant(actor, user=user, role=role)
