"""Granting and revoking roles (audited)."""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, Forbidden, ValidationFailed

from .checks import require
from .models import CITY_WIDE_ROLES, Role, RoleAssignment


@transaction.atomic
def assign_role(actor, *, user, role: str, department=None, division=None) -> RoleAssignment:
    """Grant ``role``. The granter must manage roles over the target scope; only a city-wide
    granter may hand out an unscoped (city-wide) role."""
    if role not in Role.values:
        raise ValidationFailed("未知角色", code="unknown_role", detail={"role": role})
    target = department or division
    if actor is not None:
        from .checks import grants

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
    if role not in CITY_WIDE_ROLES and role not in (Role.CITIZEN, Role.ENTERPRISE_AGENT) and target is None:
        raise ValidationFailed("该角色必须限定部门或区划范围", code="scope_required")
    if RoleAssignment.objects.active().filter(user=user, role=role, department=department, division=division).exists():
        raise Conflict("该账户已拥有此角色", code="role_exists")
    ra = RoleAssignment.objects.create(user=user, role=role, department=department, division=division)
    user.__dict__.pop("_digigov_grants", None)
    record("rbac.assign", ra, after=snapshot(ra))
    return ra


def ensure_role(user, role: str, department=None, division=None) -> RoleAssignment:
    """Idempotent grant by the system (self-registration, agent authorisation)."""
    existing = RoleAssignment.objects.active().filter(user=user, role=role, department=department, division=division).first()
    return existing or assign_role(None, user=user, role=role, department=department, division=division)
