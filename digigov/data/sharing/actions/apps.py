"""Calling applications (应用) and their credentials.

A department's app is managed by that department's admins (``sharing.manage_apps`` scoped to it); a
peer platform's by the city admin; a developer's app by the developer (``sharing.develop``: any citizen
or enterprise account), who may hold at most ``MAX_DEVELOPER_APPS``. The secret is returned once, on
creation and on rotation, and never written to the audit log; the gateway reads it sealed from the row.
"""

from __future__ import annotations

import secrets
import string

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.org.checks import active_department
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from ..models import AppKind, AppStatus, ConsumerApp, bump_policy_version

MAX_DEVELOPER_APPS = 10
MAX_RATE_LIMIT = 10_000
MAX_DAILY_QUOTA = 100_000_000
_KEY_ALPHABET = string.ascii_letters + string.digits


def new_app_key() -> str:
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(20))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _positive(value, field: str, label: str, ceiling: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ceiling:
        raise ValidationFailed(f"{label}应为 1 到 {ceiling} 之间的整数", code="invalid_limit", detail={"field": field})
    return value


def _require_manage(actor, app_or_department, kind: str):
    if kind == AppKind.DEVELOPER:
        require(actor, "sharing.develop")
        owner_id = getattr(app_or_department, "owner_id", actor.pk)
        if owner_id != actor.pk:
            raise Forbidden("只能管理本人的开发者应用", code="not_owner")
    else:
        require(actor, "sharing.manage_apps", app_or_department)


@transaction.atomic
def create_app(actor, *, kind: str, name: str, department=None, description: str = "", rate_limit: int = 50,
               daily_quota: int = 100_000) -> tuple[ConsumerApp, str]:
    """A new calling app. Returns the app and its secret in clear (shown once)."""
    if kind not in AppKind.values:
        raise ValidationFailed("应用类型无效", code="invalid_kind", detail={"field": "kind"})
    name = clean_text(name, "name", "应用名称", 100)
    description = clean_text(description, "description", "应用说明", 500, required=False)
    rate_limit = _positive(rate_limit, "rate_limit", "每秒调用上限", MAX_RATE_LIMIT)
    daily_quota = _positive(daily_quota, "daily_quota", "每日调用配额", MAX_DAILY_QUOTA)
    owner = None
    if kind == AppKind.DEPARTMENT:
        if department is None:
            raise ValidationFailed("请选择应用所属部门", code="department_required", detail={"field": "department"})
        active_department(department)
        _require_manage(actor, department, kind)
    elif kind == AppKind.PEER:
        department = None
        _require_manage(actor, None, kind)
    else:
        department = None
        _require_manage(actor, None, kind)
        owner = actor
        if ConsumerApp.objects.filter(owner=actor).exclude(status=AppStatus.REVOKED).count() >= MAX_DEVELOPER_APPS:
            raise Conflict(f"每位开发者最多创建 {MAX_DEVELOPER_APPS} 个应用", code="too_many_apps")
    if ConsumerApp.objects.filter(name=name, department=department, owner=owner).exclude(status=AppStatus.REVOKED).exists():
        raise Conflict("已有同名的应用", code="app_exists", detail={"field": "name"})
    secret = new_secret()
    app = ConsumerApp.objects.create(
        name=name, kind=kind, department=department, owner=owner, description=description, app_key=new_app_key(), secret=secret,
        secret_rotated_at=timezone.now(), rate_limit=rate_limit, daily_quota=daily_quota, created_by=actor,
    )
    bump_policy_version()
    record(actor, "sharing.app.create", app, after={
        "name": name, "kind": kind, "department": department.pk if department else None, "app_key": app.app_key,
        "rate_limit": rate_limit, "daily_quota": daily_quota,
    })
    return app, secret


@transaction.atomic
def rotate_secret(actor, app: ConsumerApp) -> str:
    """A new secret; the old one stops working at once (gateways reload on the policy version)."""
    app = ConsumerApp.objects.select_for_update(of=("self",)).select_related("department").get(pk=app.pk)
    _require_manage(actor, app if app.kind == AppKind.DEVELOPER else app.department, app.kind)
    if app.status == AppStatus.REVOKED:
        raise Conflict("应用已注销，不能更换密钥", code="app_revoked")
    secret = new_secret()
    app.secret, app.secret_rotated_at = secret, timezone.now()
    app.save(update_fields=["secret", "secret_rotated_at", "updated_at"])
    bump_policy_version()
    record(actor, "sharing.app.rotate_secret", app, after={"secret_rotated_at": app.secret_rotated_at})
    return secret


@transaction.atomic
def set_app_status(actor, app: ConsumerApp, status: str, *, reason: str = "") -> ConsumerApp:
    """Suspend, resume or revoke (final) an app."""
    if status not in AppStatus.values:
        raise ValidationFailed("应用状态无效", code="invalid_status", detail={"field": "status"})
    app = ConsumerApp.objects.select_for_update(of=("self",)).select_related("department").get(pk=app.pk)
    _require_manage(actor, app if app.kind == AppKind.DEVELOPER else app.department, app.kind)
    reason = clean_text(reason, "reason", "原因", 200, required=status != AppStatus.ACTIVE)
    if app.status == AppStatus.REVOKED:
        raise Conflict("应用已注销", code="app_revoked")
    if app.status == status:
        raise Conflict("应用已是该状态", code="status_unchanged")
    before = snapshot(app, fields=("status",))
    app.status = status
    app.save(update_fields=["status", "updated_at"])
    bump_policy_version()
    record(actor, "sharing.app.active" if status == AppStatus.ACTIVE else (
        "sharing.app.suspended" if status == AppStatus.SUSPENDED else "sharing.app.revoked"), app, before=before, after={"status": status, "reason": reason})
    return app
