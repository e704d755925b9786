"""Every write to accounts, and the login rules (lockout, rate limit, TOTP)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp import devices_for_user, match_token

from digigov.core.audit.actions import record, snapshot
from digigov.core.crypto import hmac_sm3_hex
from digigov.core.errors import Conflict, DigiGovError, RateLimited, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.core.records import stamp_void
from digigov.core.text import clean_text

from . import ids
from .models import AgentAuthorization, ApiClient, LegalPerson, LegalPersonKind, LoginAttempt, NaturalPerson, User, UserKind


# --- login ---------------------------------------------------------------------------------------
class LoginFailed(DigiGovError):
    status = 400
    code = "login_failed"
    message = "用户名或密码错误"


class OtpRequired(DigiGovError):
    status = 400
    code = "otp_required"
    message = "请输入动态口令（TOTP）"


def _window_start():
    return timezone.now() - dt.timedelta(seconds=settings.DIGIGOV_LOGIN_WINDOW_SECONDS)


def lockout_reason(username: str, ip: str) -> str | None:
    """Consecutive failures count: a successful login for the account starts its count afresh."""
    since = _window_start()
    recent = LoginAttempt.objects.filter(at__gte=since, success=False)
    last_success = (
        LoginAttempt.objects.filter(username=username, success=True, at__gte=since).order_by("-at").values_list("at", flat=True).first()
    )
    own = recent.filter(username=username)
    if last_success is not None:
        own = own.filter(at__gt=last_success)
    if own.count() >= settings.DIGIGOV_LOGIN_MAX_FAILURES:
        return "该账户连续登录失败次数过多，已临时锁定，请15分钟后再试"
    if ip and recent.filter(ip=ip).count() >= settings.DIGIGOV_LOGIN_IP_MAX_FAILURES:
        return "该地址登录失败次数过多，请稍后再试"
    return None


def staff_needs_otp(user: User) -> bool:
    return any(d.confirmed for d in devices_for_user(user, confirmed=True))


def _attempt(username: str, ip: str | None, *, user: User | None = None, failure: str = "") -> None:
    """Count the attempt for lockout and write it to the audit log (never the password)."""
    from django.contrib.auth.models import AnonymousUser

    from digigov.core.context import acting_as, current_actor

    LoginAttempt.objects.create(username=username, ip=ip, success=not failure)
    if failure:
        record(AnonymousUser(), "accounts.login.failed", object_type="accounts.user", object_id=username, object_repr=username,
               after={"code": failure})
        return
    # the request is attributed to whoever was signed in before (if anyone); the login is the new user's
    ctx = current_actor()
    with acting_as(user, channel=ctx.channel, ip=ctx.ip, request_id=ctx.request_id):
        record(user, "accounts.login", user, after={"otp": hasattr(user, "otp_device")})


def login_check(request, username: str, password: str, otp_token: str = "") -> User:
    """Authenticate or raise. Lockout is checked before the password, so a locked account
    cannot be probed; every attempt is counted and audited (without the password)."""
    from digigov.core.web.middleware import client_ip

    username = (username or "").strip()[:64]
    ip = client_ip(request) or None
    reason = lockout_reason(username, ip or "")
    if reason:
        raise RateLimited(reason, code="login_locked")
    user = authenticate(request, username=username, password=password)
    if user is None:
        _attempt(username, ip, failure=LoginFailed.code)
        raise LoginFailed()
    if user.kind == UserKind.STAFF and staff_needs_otp(user):
        if not otp_token:
            raise OtpRequired()
        device = match_token(user, otp_token.strip())
        if device is None:
            _attempt(username, ip, failure="otp_invalid")
            raise LoginFailed("动态口令错误", code="otp_invalid")
        user.otp_device = device
    _attempt(username, ip, user=user)
    return user


@transaction.atomic
def change_password(user: User, old_password: str, new_password: str) -> User:
    """The account holder changes their own password: the old one must match, the new one passes
    the configured validators (length, similarity, common passwords). Audited without values."""
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    if not user.check_password(old_password or ""):
        raise ValidationFailed("原密码不正确", code="wrong_password", detail={"field": "old_password"})
    if old_password == new_password:
        raise ValidationFailed("新密码不能与原密码相同", code="same_password", detail={"field": "new_password"})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), code="weak_password", detail={"field": "new_password"}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(user, "accounts.password.change", user, after={"changed": True})
    return user


# --- TOTP enrolment ------------------------------------------------------------------------------------
def _may_enrol(user: User, session_verified: bool) -> None:
    # a second authenticator may only be added from a session that already proved the first one
    if staff_needs_otp(user) and not session_verified:
        raise OtpRequired("已绑定动态口令的账户须先以动态口令登录，才能绑定新的验证器", code="otp_required")


@transaction.atomic
def start_totp_enrolment(user: User, *, session_verified: bool):
    """The user's pending (unconfirmed) authenticator, created on first use."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _may_enrol(user, session_verified)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
        record(user, "accounts.totp.start", user, after={"device": device.persistent_id})
    return device


@transaction.atomic
def confirm_totp_enrolment(user: User, device, token: str, *, session_verified: bool):
    """Confirm the pending authenticator with one code from it; wrong codes raise (and are throttled by django-otp)."""
    _may_enrol(user, session_verified)
    if device.user_id != user.pk or device.confirmed:
        raise Conflict("该验证器不在待绑定状态", code="totp_not_pending")
    if not device.verify_token((token or "").strip()):
        raise ValidationFailed("动态口令不正确，请核对手机时间后重试", code="otp_invalid", detail={"field": "token"})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(user, "accounts.totp.enrol", user, after={"device": device.persistent_id})
    return device


# --- persons and legal persons -------------------------------------------------------------------
def _clean_id(value: str) -> str:
    value = (value or "").strip().upper()
    error = ids.resident_id_error(value)
    if error:
        raise ValidationFailed(error, code="invalid_resident_id", detail={"field": "id_number"})
    return value


def _clean_uscc(value: str) -> str:
    value = (value or "").strip().upper()
    error = ids.uscc_error(value)
    if error:
        raise ValidationFailed(error, code="invalid_uscc", detail={"field": "uscc"})
    return value


def birth_and_gender(id_number: str) -> tuple[dt.date, str]:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])), ("M" if int(id_number[16]) % 2 else "F")


@transaction.atomic
def register_person(actor, *, id_number: str, name: str, division, phone: str = "", address: str = "") -> NaturalPerson:
    require(actor, "accounts.person.manage", division)
    id_number = _clean_id(id_number)
    name = (name or "").strip()
    if not 1 <= len(name) <= 32:
        raise ValidationFailed("姓名长度应为1-32个字符", code="invalid_name", detail={"field": "name"})
    if phone and (len(phone) != 11 or not phone.isdigit()):
        raise ValidationFailed("手机号码应为11位数字", code="invalid_phone", detail={"field": "phone"})
    if len(address) > 200:
        raise ValidationFailed("住址不能超过200个字符", code="too_long", detail={"field": "address"})
    if NaturalPerson.objects.filter(id_number=id_number).exists():
        raise Conflict("该身份证号码已登记", code="person_exists")
    birth, gender = birth_and_gender(id_number)
    person = NaturalPerson.objects.create(id_number=id_number, name=name, gender=gender, birth_date=birth,
                                          phone=phone, address=address, division=division)
    record(actor, "accounts.person.register", person, after=snapshot(person))
    return person


@transaction.atomic
def register_legal_person(actor, *, uscc: str, name: str, division, kind: str = "enterprise", address: str = "",
                          legal_representative: NaturalPerson | None = None) -> LegalPerson:
    require(actor, "accounts.person.manage", division)
    uscc = _clean_uscc(uscc)
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise ValidationFailed("名称长度应为1-100个字符", code="invalid_name", detail={"field": "name"})
    if kind not in LegalPersonKind.values:
        raise ValidationFailed("法人类型无效", code="invalid_kind", detail={"field": "kind"})
    if LegalPerson.objects.filter(uscc=uscc).exists():
        raise Conflict("该统一社会信用代码已登记", code="legal_person_exists")
    lp = LegalPerson.objects.create(uscc=uscc, name=name, division=division, kind=kind, address=address,
                                    legal_representative=legal_representative)
    record(actor, "accounts.legal_person.register", lp, after=snapshot(lp))
    return lp


@transaction.atomic
def authorize_agent(actor, *, legal_person: LegalPerson, agent: User, valid_from: dt.date, valid_until: dt.date | None = None,
                    scope: str = "全部事项") -> AgentAuthorization:
    require(actor, "accounts.agent.manage", legal_person)
    if valid_until and valid_until < valid_from:
        raise ValidationFailed("失效日期不能早于生效日期", code="bad_dates")
    try:
        with transaction.atomic():
            auth = AgentAuthorization.objects.create(legal_person=legal_person, agent=agent, valid_from=valid_from,
                                                     valid_until=valid_until, scope=scope[:200])
    except IntegrityError:
        raise Conflict("该经办人已获授权", code="agent_exists")
    from digigov.core.rbac.actions import ensure_role

    ensure_role(actor, agent, "enterprise_agent")
    record(actor, "accounts.agent.authorize", auth, after=snapshot(auth))
    return auth


def acting_for(user: User) -> list[LegalPerson]:
    """Legal persons the user may currently act for."""
    today = timezone.localdate()
    return [a.legal_person for a in AgentAuthorization.objects.active().filter(agent=user).select_related("legal_person") if a.is_current(today)]


@transaction.atomic
def void(actor, obj, reason: str, perm: str):
    require(actor, perm, obj)
    reason = clean_text(reason, "reason", "作废原因", 200)
    if obj.voided_at:
        raise Conflict("该记录已作废", code="already_voided")
    return stamp_void(actor, obj, reason, f"{obj._meta.label_lower}.void")


def reveal_person(actor, person: NaturalPerson, purpose: str = "") -> dict:
    """Personal fields in clear, for roles holding accounts.pii.view; the read is audited."""
    require(actor, "accounts.pii.view", person)
    from digigov.core.audit.actions import record_pii_read

    record_pii_read(actor, person, NaturalPerson.PII_FIELDS, purpose)
    return {"id_number": person.id_number, "phone": person.phone, "address": person.address}


# --- API clients -----------------------------------------------------------------------------------
def _key_hash(key: str) -> str:
    return hmac_sm3_hex(settings.SECRET_KEY.encode(), key.encode())


@transaction.atomic
def create_api_client(actor, *, name: str, user: User) -> tuple[ApiClient, str]:
    """Returns the client and its key; the key is not stored and cannot be shown again."""
    require(actor, "accounts.apiclient.manage")
    if user.kind != UserKind.SERVICE:
        # a key acting for a person or a staff member would be a password that skips TOTP, lockout and CSRF
        raise ValidationFailed("API 应用只能代表系统账户，不能代表自然人或工作人员账户", code="api_client_user_not_service",
                               detail={"field": "user", "kind": user.kind})
    if ApiClient.objects.filter(name=name).exists():
        raise Conflict("应用名称已存在", code="api_client_exists")
    key = "dg_" + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(name=name, user=user, key_prefix=key[3:11], key_hash=_key_hash(key))
    record(actor, "accounts.apiclient.create", client, after=snapshot(client))
    return client, key


def api_client_for_key(key: str) -> ApiClient | None:
    """The active client whose key this is, or None. The client's user may be any kind (keys issued before
    only service accounts could hold one): the API refuses keys of other kinds with its own message."""
    if not key or not key.startswith("dg_") or len(key) > 100:
        return None
    from digigov.core.crypto import constant_time_equals

    digest = _key_hash(key)
    for client in ApiClient.objects.active().filter(key_prefix=key[3:11]).select_related("user"):
        if constant_time_equals(client.key_hash, digest) and client.user.is_active:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
            return client
    return None


@transaction.atomic
def create_user(actor, *, username: str, password: str | None, display_name: str, kind: str = UserKind.PERSON,
                person: NaturalPerson | None = None, is_staff: bool = False) -> User:
    require(actor, "org.manage")
    if User.objects.filter(username=username).exists():
        raise Conflict("用户名已存在", code="username_taken")
    user = User(username=username, display_name=display_name, kind=kind, person=person, is_staff=is_staff)
    user.set_password(password) if password else user.set_unusable_password()
    user.save()
    record(actor, "accounts.user.create", user, after=snapshot(user))
    return user
