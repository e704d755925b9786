"""Holder-granted use of e-licences: 亮证 tokens, one-time use grants, and the staff side that redeems them.

* 亮证 (``present`` / ``scan_present``): the holder's phone shows a QR of ``LZ1.<key version>.<nonce>.<mac>``,
  ``mac`` = HMAC-SM3 (key-store purpose ``license.present``) over the nonce, the licence and the expiry, so a
  token cannot be made or moved to another licence without the key. The ``PresentToken`` row (the nonce)
  expires after ``PRESENT_TTL``; a scan sets ``scanned_at`` with one conditional UPDATE, so of two scans of the
  same code exactly one wins ("亮证码已使用").
* Grants (``grant_use`` / ``redeem_grant`` / ``revoke_grant``): the holder grants one use of one licence to a
  department, a window (a division's comprehensive window: a ``ServiceHall``) or a service item, for a
  purpose, for at most 7 days. The code is shown once; only its SM3 is stored. Redeeming checks the code is
  for the clerk's reach (``UseGrant.rbac_scope``), unused, unexpired and unrevoked, then sets ``used_at``
  conditionally (a reused grant: "该授权已使用") and records the ``LicenceUse``.

Every use writes a ``LicenceUse`` (the holder's 用证记录; the KPI 电子证照用证率 counts items with one), an
audit entry, a ``pii.read`` entry for the fields the clerk now sees in clear, and a notice to the holder.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from digigov.core.audit.actions import record, record_pii_read
from digigov.core.crypto import sm3_hex
from digigov.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from digigov.core.rbac.checks import PERMISSIONS, can, require
from digigov.core.text import clean_text
from digigov.security.crypto import hmac_sm3

from . import wallet
from .models import GranteeKind, Licence, LicenceUse, PresentToken, UseChannel, UseGrant

PRESENT_PURPOSE = "license.present"
PRESENT_KEY_BYTES = 32
PRESENT_TTL = dt.timedelta(minutes=3)
PRESENT_REFRESH_SECONDS = 60
PRESENT_PREFIX = "LZ1"
MAX_GRANT_HOURS = 7 * 24
GRANT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed at a window
GRANT_LENGTH = 16  # 31**16 ≈ 2**79
TOPIC = "用证通知"
_TOKEN_RE = re.compile(r"^LZ1\.(\d{1,6})\.([0-9a-f]{32})\.([0-9a-f]{32})$")


# --- keys ------------------------------------------------------------------------------------------

def _mac(version: int, nonce: str, licence_public_id: str, expires_at: dt.datetime) -> str:
    from digigov.security.keys import api as keys

    key = keys.key(PRESENT_PURPOSE, version)
    msg = f"{nonce}|{licence_public_id}|{int(expires_at.timestamp())}".encode()
    return hmac_sm3(key, msg)[:16].hex()


def _active_version() -> int:
    from digigov.security.keys import api as keys

    return keys.active_key(PRESENT_PURPOSE, PRESENT_KEY_BYTES)[0]


def _usable(licence: Licence) -> None:
    code, label = wallet.effective_status(licence)
    if code != "valid":
        raise Conflict(f"该证照{label}，不能使用", code="licence_not_valid", detail={"status": code})


def _own(actor, licence: Licence) -> None:
    require(actor, "license.hold")
    if not wallet.holds(actor, licence):
        raise NotFound("证照不存在或不是您持有的证照", code="not_found")


def _clerk_department(actor):
    """The department a use is recorded for: the clerk's first department-scoped grant of ``license.verify``."""
    from digigov.core.rbac.models import RoleAssignment

    roles = PERMISSIONS["license.verify"].roles if "license.verify" in PERMISSIONS else ()
    row = (RoleAssignment.objects.active().filter(user_id=actor.pk, role__in=roles, department__isnull=False)
           .select_related("department").order_by("id").first())
    return row.department if row else None


def _use_department(actor, process):
    """The clerk's department, else (a window clerk scoped by division) the department of the item handled."""
    return _clerk_department(actor) or (process.department if process is not None and process.department_id else None)


def _notify_holder(licence: Licence, title: str, body: str) -> None:
    from digigov.core.notify.inbox import notify_many

    notify_many(wallet.holder_users(licence), TOPIC, title, body, reverse("my_licences:detail", args=[licence.public_id]))


def _check_process(actor, process):
    if process is not None and getattr(process, "voided_at", None):
        raise ValidationFailed("该事项已停用", code="process_void", detail={"field": "process"})
    return process


# --- 亮证 -----------------------------------------------------------------------------------------

@dataclass
class Presented:
    token: PresentToken
    code: str  # what the QR carries

    @property
    def expires_at(self) -> dt.datetime:
        return self.token.expires_at


@transaction.atomic
def present(actor, licence: Licence) -> Presented:
    """A fresh 亮证 token for the holder's licence, valid ``PRESENT_TTL``."""
    _own(actor, licence)
    _usable(licence)
    version = _active_version()
    now = timezone.now().replace(microsecond=0)
    token = PresentToken.objects.create(licence=licence, nonce=secrets.token_hex(16), created_at=now, expires_at=now + PRESENT_TTL)
    code = f"{PRESENT_PREFIX}.{version}.{token.nonce}.{_mac(version, token.nonce, licence.public_id, token.expires_at)}"
    record(actor, "license.present", licence, after={"expires_at": token.expires_at.isoformat()})
    return Presented(token, code)


def _parse_present(code: str) -> tuple[int, str, str]:
    m = _TOKEN_RE.match((code or "").strip())
    if not m:
        raise ValidationFailed("亮证码无效：不是本平台的亮证码", code="present_malformed", detail={"field": "token"})
    return int(m.group(1)), m.group(2), m.group(3)


@transaction.atomic
def scan_present(actor, code: str, *, process=None, purpose: str = "") -> LicenceUse:
    """Staff scan a holder's 亮证 QR: verify, consume once, record the use."""
    require(actor, "license.verify")
    purpose = clean_text(purpose, "purpose", "用途", 200, required=False) or "亮证核验"
    version, nonce, mac = _parse_present(code)
    token = PresentToken.objects.select_related("licence__licence_type", "licence__issuer").filter(nonce=nonce).first()
    try:
        expected = _mac(version, nonce, token.licence.public_id, token.expires_at) if token else None
    except Exception:  # an unknown key version is a forged code, not a server error
        expected = None
    if token is None or expected is None or not hmac.compare_digest(expected, mac):
        raise ValidationFailed("亮证码无效：校验未通过，请持证人重新亮证", code="present_forged", detail={"field": "token"})
    now = timezone.now()
    if token.expires_at <= now:
        raise ValidationFailed("亮证码已过期，请持证人刷新后重新出示", code="present_expired", detail={"field": "token"})
    if token.scanned_at is not None:
        raise Conflict("亮证码已使用", code="present_used")
    licence = token.licence
    _usable(licence)
    _check_process(actor, process)
    if not PresentToken.objects.filter(pk=token.pk, scanned_at__isnull=True).update(scanned_at=now, scanned_by=actor):
        raise Conflict("亮证码已使用", code="present_used")
    use = LicenceUse.objects.create(licence=licence, channel=UseChannel.PRESENT, user=actor, department=_use_department(actor, process),
                                    process=process, purpose=purpose, at=now)
    _after_use(actor, use)
    return use


def _after_use(actor, use: LicenceUse) -> None:
    licence = use.licence
    record(actor, "license.use", licence, after={"channel": use.channel, "process": use.process.name if use.process_id else "",
                                                 "department": use.department.name if use.department_id else "", "purpose": use.purpose})
    record_pii_read(actor, licence, Licence.PII_FIELDS, use.purpose)
    where = use.department.name if use.department_id else "办事窗口"
    item = f"（办理：{use.process.name}）" if use.process_id else ""
    _notify_holder(licence, f"您的{licence.licence_type.name}已被使用",
                   f"{timezone.localtime(use.at):%Y-%m-%d %H:%M} {where}通过{use.get_channel_display()}使用了您的{licence.licence_type.name}{item}，用途：{use.purpose}。")


# --- one-time grants ----------------------------------------------------------------------------------

def normalize_grant_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", (code or "")).upper()


def format_grant_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


@dataclass
class Granted:
    grant: UseGrant
    code: str  # shown once, formatted XXXX-XXXX-XXXX-XXXX


@transaction.atomic
def grant_use(actor, licence: Licence, *, grantee_kind: str, purpose: str, hours: int, department=None, hall=None,
              process=None) -> Granted:
    """One use of ``licence`` for the grantee, valid ``hours`` (1 … 168)."""
    _own(actor, licence)
    _usable(licence)
    purpose = clean_text(purpose, "purpose", "用途", 200)
    try:
        hours = int(hours)
    except (TypeError, ValueError):
        raise ValidationFailed("有效期应为整数小时", code="bad_hours", detail={"field": "hours"}) from None
    if not 1 <= hours <= MAX_GRANT_HOURS:
        raise ValidationFailed("有效期应在 1 小时到 7 天之间", code="bad_hours", detail={"field": "hours"})
    if grantee_kind == GranteeKind.DEPARTMENT:
        if department is None:
            raise ValidationFailed("请选择被授权部门", code="department_required", detail={"field": "department"})
        hall = process = None
    elif grantee_kind == GranteeKind.WINDOW:
        if hall is None:
            raise ValidationFailed("请选择被授权窗口", code="hall_required", detail={"field": "hall"})
        if hall.voided_at:
            raise ValidationFailed("该窗口已撤销", code="hall_void", detail={"field": "hall"})
        department = process = None
    elif grantee_kind == GranteeKind.SERVICE:
        if process is None:
            raise ValidationFailed("请选择事项", code="process_required", detail={"field": "process"})
        _check_process(actor, process)
        department, hall = process.department, None
    else:
        raise ValidationFailed("请选择被授权方类型", code="bad_grantee_kind", detail={"field": "grantee_kind"})
    code = "".join(secrets.choice(GRANT_ALPHABET) for _ in range(GRANT_LENGTH))
    grant = UseGrant.objects.create(licence=licence, granted_by=actor, grantee_kind=grantee_kind, department=department, hall=hall,
                                    process=process, purpose=purpose, token_sm3=sm3_hex(code.encode()),
                                    expires_at=timezone.now() + dt.timedelta(hours=hours))
    record(actor, "license.grant", grant, after={"licence": str(licence), "grantee": grantee_label(grant), "purpose": purpose,
                                                 "expires_at": grant.expires_at.isoformat()})
    return Granted(grant, format_grant_code(code))


def grantee_label(grant: UseGrant) -> str:
    if grant.grantee_kind == GranteeKind.WINDOW and grant.hall_id:
        return f"窗口：{grant.hall.name}"
    if grant.grantee_kind == GranteeKind.SERVICE and grant.process_id:
        return f"事项：{grant.process.name}"
    return f"部门：{grant.department.name}" if grant.department_id else "—"


def grant_state(grant: UseGrant, now=None) -> tuple[str, str]:
    now = now or timezone.now()
    if grant.used_at:
        return "used", "已使用"
    if grant.revoked_at:
        return "revoked", "已撤销"
    if grant.expires_at <= now:
        return "expired", "已过期"
    return "open", "待使用"


@transaction.atomic
def revoke_grant(actor, grant: UseGrant) -> UseGrant:
    _own(actor, grant.licence)
    state, label = grant_state(grant)
    if state != "open":
        raise Conflict(f"该授权{label}，无需撤销", code=f"grant_{state}")
    now = timezone.now()
    if not UseGrant.objects.filter(pk=grant.pk, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now):
        raise Conflict("该授权已使用或已撤销", code="grant_closed")
    grant.revoked_at = now
    record(actor, "license.grant.revoke", grant, before={"state": "open"}, after={"state": "revoked"})
    return grant


@transaction.atomic
def redeem_grant(actor, code: str, *, process=None, purpose: str = "") -> LicenceUse:
    """Staff redeem a holder's grant code: checks, consume once, record the use."""
    require(actor, "license.verify")
    raw = normalize_grant_code(code)
    if len(raw) != GRANT_LENGTH or any(ch not in GRANT_ALPHABET for ch in raw):
        raise ValidationFailed("授权码格式不正确（16 位字母数字）", code="grant_malformed", detail={"field": "code"})
    grant = (UseGrant.objects.select_related("licence__licence_type", "licence__issuer", "department", "hall__division", "process__department")
             .filter(token_sm3=sm3_hex(raw.encode())).first())
    if grant is None:
        raise ValidationFailed("授权码无效：没有这个授权", code="grant_unknown", detail={"field": "code"})
    if not can(actor, "license.verify", grant):
        raise Forbidden(f"该授权不是给您的（授权给{grantee_label(grant)}）", code="grant_foreign")
    state, label = grant_state(grant)
    if state == "used":
        raise Conflict("该授权已使用", code="grant_used")
    if state != "open":
        raise Conflict(f"该授权{label}", code=f"grant_{state}")
    _usable(grant.licence)
    if grant.process_id:
        process = grant.process
    _check_process(actor, process)
    now = timezone.now()
    if not UseGrant.objects.filter(pk=grant.pk, used_at__isnull=True, revoked_at__isnull=True).update(used_at=now):
        raise Conflict("该授权已使用", code="grant_used")
    grant.used_at = now
    department = grant.department if grant.grantee_kind == GranteeKind.DEPARTMENT else (_use_department(actor, process) or grant.department)
    use = LicenceUse.objects.create(licence=grant.licence, channel=UseChannel.GRANT, grant=grant, user=actor, department=department,
                                    process=process, purpose=clean_text(purpose, "purpose", "用途", 200, required=False) or grant.purpose,
                                    at=now)
    _after_use(actor, use)
    return use
