"""Every write to accounts, and the login rules (lockout, rate limit, TOTP)."""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp import devices_for_user, match_token

from digigov.core import validators
from digigov.core.audit.actions import record, snapshot
from digigov.core.crypto import hmac_sm3_hex
from digigov.core.errors import Conflict, DigiGovError, RateLimited, ValidationFailed
from digigov.core.pii import blind
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.records import stamp_void
from digigov.core.text import clean_text

from .models import (AgentAuthorization, ApiClient, LegalPerson, LegalPersonKind, LoginAttempt, LoginChannel, LoginEvent, NaturalPerson, User,
                     UserKind)


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


ACCOUNT_LOCKED = "该账户连续登录失败次数过多，已临时锁定，请15分钟后再试"
ADDRESS_LOCKED = "该地址登录失败次数过多，请稍后再试"


def _failures(username: str, ip: str) -> tuple[int, int]:
    """Failures within the window: the account's consecutive ones (a success starts its count afresh)
    and the address's. Both live in the database, shared by every worker process."""
    since = _window_start()
    recent = LoginAttempt.objects.filter(at__gte=since, success=False)
    last_success = (
        LoginAttempt.objects.filter(username=username, success=True, at__gte=since).order_by("-at").values_list("at", flat=True).first()
    )
    own = recent.filter(username=username)
    if last_success is not None:
        own = own.filter(at__gt=last_success)
    return own.count(), (recent.filter(ip=ip).count() if ip else 0)


def lockout_reason(username: str, ip: str, *, pending: int = 0) -> str | None:
    """Why a new attempt is refused, or None. ``pending`` is the number of the caller's own
    reserved attempts already among the counted rows (see ``reserve_attempt``)."""
    own, by_ip = _failures(username, ip)
    if own - pending >= settings.DIGIGOV_LOGIN_MAX_FAILURES:
        return ACCOUNT_LOCKED
    if ip and by_ip - pending >= settings.DIGIGOV_LOGIN_IP_MAX_FAILURES:
        return ADDRESS_LOCKED
    return None


def reserve_attempt(username: str, ip: str | None, *, locked_message: str = "") -> LoginAttempt:
    """Reserve-then-verify: count this attempt as a failure *before* the password is checked, then
    look at the count. Checking first and recording afterwards let parallel requests all pass the
    check before any of them was recorded (48 parallel tries got 12 through a limit of 5).

    The row is committed before the count (callers run outside a transaction; ``login_check`` and
    ``change_password`` do), so the k-th reservation to commit sees at least k rows: at most the
    limit's worth of parallel attempts reach the password check. A refused reservation is deleted, so
    a locked account is not locked for longer by further tries. Raises ``RateLimited`` (429)."""
    def refuse(reason: str):
        raise RateLimited(locked_message if locked_message and reason == ACCOUNT_LOCKED else reason, code="login_locked")

    reason = lockout_reason(username, ip or "")
    if reason:  # already locked: refused without a write
        refuse(reason)
    attempt = LoginAttempt.objects.create(username=username, ip=ip, success=False)
    reason = lockout_reason(username, ip or "", pending=1)
    if reason:
        LoginAttempt.objects.filter(pk=attempt.pk).delete()
        refuse(reason)
    return attempt


def settle_attempt(attempt: LoginAttempt) -> None:
    """The password was right: the reserved attempt becomes a success (ending the run of failures)."""
    LoginAttempt.objects.filter(pk=attempt.pk).update(success=True, at=timezone.now())


def staff_needs_otp(user: User) -> bool:
    return any(d.confirmed for d in devices_for_user(user, confirmed=True))


def uses_staff_login(user) -> bool:
    """The staff login policy (second factor) follows what the account may do, not its kind: a staff
    account, or any account holding a staff role (e.g. a citizen account granted one directly in the
    database, past ``rbac.actions.assign_role``'s refusal). Uses the grants cached on the user."""
    from digigov.core.rbac.checks import roles_of
    from digigov.core.rbac.models import STAFF_ROLES

    if not getattr(user, "is_authenticated", False):
        return False
    return getattr(user, "kind", "") == UserKind.STAFF or bool(roles_of(user) & STAFF_ROLES)


def staff_login_accounts():
    """The active accounts ``uses_staff_login`` is true for, as one query (counts, e.g. TOTP coverage in the
    密评 self-check): staff accounts and any other account holding a staff role; service accounts never log in."""
    from django.db.models import Q

    from digigov.core.rbac.models import STAFF_ROLES, RoleAssignment

    holders = RoleAssignment.objects.active().filter(role__in=STAFF_ROLES).values("user_id")
    return User.objects.filter(is_active=True).exclude(kind=UserKind.SERVICE).filter(Q(kind=UserKind.STAFF) | Q(pk__in=holders))


def _audit_attempt(username: str, *, user: User | None = None, failure: str = "") -> None:
    """Write the attempt to the audit log (never the password)."""
    from django.contrib.auth.models import AnonymousUser

    from digigov.core.context import acting_as, current_actor

    if failure:
        record(AnonymousUser(), "accounts.login.failed", object_type="accounts.user", object_id=username, object_repr=username,
               after={"code": failure})
        return
    # the request is attributed to whoever was signed in before (if anyone); the login is the new user's
    ctx = current_actor()
    with acting_as(user, channel=ctx.channel, ip=ctx.ip, request_id=ctx.request_id):
        record(user, "accounts.login", user, after={"otp": hasattr(user, "otp_device")})


def login_check(request, username: str, password: str, otp_token: str = "") -> User:
    """Authenticate or raise. The attempt is reserved (counted as a failure) before the password is
    checked, so a locked account cannot be probed and parallel tries cannot overrun the limit; a
    success settles it. Every attempt is audited (without the password)."""
    from digigov.core.web.middleware import client_ip

    # NFKC as at account creation (validators.clean_username): ｚｈａｎｇ is zhang
    username = unicodedata.normalize("NFKC", username or "").strip()[:64]
    ip = client_ip(request) or None
    attempt = reserve_attempt(username, ip)
    user = authenticate(request, username=username, password=password)
    if user is None:
        _audit_attempt(username, failure=LoginFailed.code)
        raise LoginFailed()
    if uses_staff_login(user) and staff_needs_otp(user):
        if not otp_token:
            # the password was right but the attempt is not over: it does not count against the account
            LoginAttempt.objects.filter(pk=attempt.pk).delete()
            raise OtpRequired()
        device = match_token(user, otp_token.strip())
        if device is None:
            _audit_attempt(username, failure="otp_invalid")
            raise LoginFailed("动态口令错误", code="otp_invalid")
        user.otp_device = device
    settle_attempt(attempt)
    _audit_attempt(username, user=user)
    return user


def login_channel(next_url: str) -> str:
    """The channel a login through the one login page belongs to, from where it returns to."""
    path = (next_url or "").split("?", 1)[0]
    if path.startswith("/workbench/") or path.startswith("/admin/"):
        return LoginChannel.WORKBENCH
    if path.startswith("/h5/") or path == "/h5":
        return LoginChannel.H5
    if path.startswith("/oidc/"):
        return LoginChannel.CLIENT
    return LoginChannel.PORTAL


def record_login_event(user: User, channel: str, *, client: str = "") -> LoginEvent:
    """Count a successful login for the daily-active KPIs. Not an audit entry (``login_check`` writes that);
    a metrics row the actor cannot choose: it follows a login that has already been checked."""
    if channel not in LoginChannel.values:
        raise ValueError(f"unknown login channel {channel!r}")
    return LoginEvent.objects.create(user=user, channel=channel, client=client[:100])


PASSWORD_LOCKED = "原密码错误次数过多，账户已临时锁定，请15分钟后再试"


def change_password(user: User, old_password: str, new_password: str, *, ip: str | None = None) -> User:
    """The account holder changes their own password: the old one must match, the new one passes
    the configured validators (length, similarity, common passwords). Audited without values.

    A wrong old password counts like a failed login (same per-account and per-address limits, same
    reserve-then-verify), so a left-open session cannot be used to guess the password. The
    reservation is written outside the write's transaction so a refusal does not roll it back."""
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    attempt = reserve_attempt(user.username, ip, locked_message=PASSWORD_LOCKED)
    if not user.check_password(old_password or ""):
        record(user, "accounts.password.change_failed", user, after={"code": "wrong_password"})
        raise ValidationFailed("原密码不正确", code="wrong_password", detail={"field": "old_password"})
    settle_attempt(attempt)
    if old_password == new_password:
        raise ValidationFailed("新密码不能与原密码相同", code="same_password", detail={"field": "new_password"})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), code="weak_password", detail={"field": "new_password"}) from exc
    with transaction.atomic():
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
def birth_and_gender(id_number: str) -> tuple[dt.date, str]:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])), ("M" if int(id_number[16]) % 2 else "F")


@transaction.atomic
def register_person(actor, *, id_number: str, name: str, division, phone: str = "", address: str = "") -> NaturalPerson:
    require(actor, "accounts.person.manage", division)
    # full-width digits are the same number (NFKC), other scripts' digits and invisible characters are refused
    id_number = validators.clean_resident_id(id_number)
    name = validators.clean_name(name, "name", "姓名", 32)
    phone = validators.clean_phone(phone)
    address = validators.clean_name(address, "address", "住址", 200, required=False, letter=False,
                                     code="invalid_text", too_long_code="too_long")
    # exact lookup of an encrypted field: its blind index (unique, indexed)
    if NaturalPerson.objects.filter(blind(NaturalPerson, "id_number", id_number)).exists():
        raise Conflict("该身份证号码已登记", code="person_exists")
    birth, gender = birth_and_gender(id_number)
    try:
        with transaction.atomic():  # a parallel registration of the same number loses on the unique blind index
            person = NaturalPerson.objects.create(id_number=id_number, name=name, gender=gender, birth_date=birth,
                                                  phone=phone, address=address, division=division)
    except IntegrityError:
        raise Conflict("该身份证号码已登记", code="person_exists") from None
    record(actor, "accounts.person.register", person, after=snapshot(person))
    return person


@transaction.atomic
def register_legal_person(actor, *, uscc: str, name: str, division, kind: str = "enterprise", address: str = "",
                          legal_representative: NaturalPerson | None = None) -> LegalPerson:
    require(actor, "accounts.person.manage", division)
    uscc = validators.clean_uscc(uscc)
    name = validators.clean_name(name, "name", "名称", 100)
    address = validators.clean_name(address, "address", "住所", 200, required=False, letter=False,
                                     code="invalid_text", too_long_code="too_long")
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
    # a machine caller acts for its account across the city: only an unscoped grant creates one
    require(actor, "accounts.apiclient.manage", WHOLE_CITY)
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
    # an account belongs to no department (its post is added afterwards): creating one is city-wide
    require(actor, "org.manage", WHOLE_CITY)
    username = validators.clean_username(username)
    display_name = validators.clean_name(display_name, "display_name", "姓名/名称", 64)
    if User.objects.filter(username=username).exists():
        raise Conflict("用户名已存在", code="username_taken")
    user = User(username=username, display_name=display_name, kind=kind, person=person, is_staff=is_staff)
    user.set_password(password) if password else user.set_unusable_password()
    user.save()
    record(actor, "accounts.user.create", user, after=snapshot(user))
    return user
