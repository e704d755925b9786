"""Every write of real-name verification: send a one-time code, check it, check a face, raise the level.

Rules for one-time codes (issue 7 item 5):

* 6 digits from ``secrets``, stored only as HMAC-SM3 (``DIGIGOV_OTP_KEY``, salted per code); the
  destination likewise (its hash counts the daily cap). Never logged in clear: logs show 138****1234.
* valid 5 minutes, single use, at most 5 wrong tries per code; a new code closes the older ones.
* a new code no sooner than 60 s after the last (per account and channel, and per destination);
  at most ``DIGIGOV_OTP_DAILY_CAP`` a day per destination and per account; at most
  ``DIGIGOV_OTP_IP_HOURLY_CAP`` an hour per address; wrong codes from one address count against the login
  window's address limit (``DIGIGOV_LOGIN_IP_MAX_FAILURES`` within ``DIGIGOV_LOGIN_WINDOW_SECONDS``).

Limits are checked before anything is written and again after the code's row is committed (the k-th row
to commit sees at least k rows, as the login lockout does), so parallel requests cannot overrun them.

The account's ``realname_level`` only rises (the highest level verified); raising it is audited.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from digigov.core import counters, notify
from digigov.core.accounts.models import RealNameLevel, User
from digigov.core.audit.actions import record
from digigov.core.errors import RateLimited, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.security.crypto import hmac_sm3

from . import face
from .models import CodeChannel, Method, OneTimeCode, Verification

PERMISSION = "accounts.self"
CODE_TTL = dt.timedelta(minutes=5)
RESEND_AFTER = dt.timedelta(seconds=60)
MAX_TRIES = 5
IP_WINDOW = dt.timedelta(hours=1)


def _key() -> bytes:
    return bytes.fromhex(settings.DIGIGOV_OTP_KEY)


def keyed_hash(text: str) -> str:
    return hmac_sm3(_key(), text.encode()).hex()


def _code_hash(nonce: str, code: str) -> str:
    return keyed_hash(f"code:{nonce}:{code}")


def mask(channel: str, destination: str) -> str:
    return notify.mask_recipient(destination)


def _local_midnight(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


# --- destinations ---------------------------------------------------------------------------------
def phone_of(user) -> str:
    """The mobile number on the person's record (``NaturalPerson.phone``: read through the model attribute,
    which stays a str when the field is stored encrypted)."""
    person = getattr(user, "person", None)
    return (person.phone or "").strip() if person is not None else ""


_EMAIL = EmailValidator(message="请输入有效的电子邮件地址")


def clean_email(value) -> str:
    if not isinstance(value, str):
        raise ValidationFailed("请输入有效的电子邮件地址", code="invalid_email")
    value = unicodedata.normalize("NFKC", value).strip()
    if not value:
        raise ValidationFailed("请输入电子邮件地址", code="email_required")
    if len(value) > 254 or "\x00" in value:
        raise ValidationFailed("请输入有效的电子邮件地址", code="invalid_email")
    try:
        _EMAIL(value)
    except ValidationError:
        raise ValidationFailed("请输入有效的电子邮件地址", code="invalid_email") from None
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def _destination(user, channel: str, email) -> str:
    if channel == CodeChannel.SMS:
        phone = phone_of(user)
        if not re.fullmatch(r"1[3-9]\d{9}", phone):
            raise ValidationFailed("您的账户没有登记有效的手机号码，请改用邮件验证，或到政务服务窗口更新手机号码", code="no_phone")
        return phone
    if channel == CodeChannel.EMAIL:
        return clean_email(email)
    raise ValidationFailed("不支持的验证方式", code="invalid_channel")


# --- limits ---------------------------------------------------------------------------------------
def _check_limits(user, channel: str, dest_hash: str, ip: str | None, now: dt.datetime, *, mine: int | None = None) -> None:
    """Refuse (429, Chinese) when a new code would break a limit. ``mine``: the caller's own row, already
    committed, which is not counted against it."""
    rows = OneTimeCode.objects.all()
    if mine is not None:
        rows = rows.exclude(pk=mine)
    recent = (rows.filter(Q(user=user, channel=channel) | Q(destination_hash=dest_hash), created_at__gt=now - RESEND_AFTER)
              .order_by("-created_at").values_list("created_at", flat=True).first())
    if recent is not None:
        wait = max(1, int((recent + RESEND_AFTER - now).total_seconds() + 0.999))
        raise RateLimited(f"验证码已发送，请 {wait} 秒后再重新获取", code="otp_resend_too_soon", detail={"retry_after_seconds": wait})
    cap = settings.DIGIGOV_OTP_DAILY_CAP
    today = rows.filter(created_at__gte=_local_midnight(now))
    if today.filter(destination_hash=dest_hash).count() >= cap:
        raise RateLimited(f"该{'手机号码' if channel == CodeChannel.SMS else '邮箱'}今日获取验证码已达 {cap} 次上限，请明天再试",
                          code="otp_daily_cap")
    if today.filter(user=user).count() >= cap:
        raise RateLimited(f"您今日获取验证码已达 {cap} 次上限，请明天再试", code="otp_daily_cap")
    if ip and rows.filter(ip=ip, created_at__gt=now - IP_WINDOW).count() >= settings.DIGIGOV_OTP_IP_HOURLY_CAP:
        raise RateLimited("该网络地址获取验证码过于频繁，请稍后再试", code="otp_ip_limited")


def send_code(actor: User, channel: str, *, email: str = "", ip: str | None = None, now: dt.datetime | None = None) -> OneTimeCode:
    """Send a one-time code for level 2: by SMS to the phone on the person's record, or by e-mail to the address
    the user entered. Returns the code's row (its destination masked; the code itself is only in the message)."""
    require(actor, PERMISSION)
    now = now or timezone.now()
    destination = _destination(actor, channel, email)
    dest_hash = keyed_hash(f"{channel}:{destination}")
    _check_limits(actor, channel, dest_hash, ip, now)  # refused before anything is written
    code = f"{secrets.randbelow(10 ** 6):06d}"
    nonce = secrets.token_hex(8)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()  # one account's requests one at a time
        _check_limits(actor, channel, dest_hash, ip, now)
        OneTimeCode.objects.filter(user=actor, channel=channel, used_at=None, expires_at__gt=now).update(expires_at=now)
        otp = OneTimeCode.objects.create(user=actor, channel=channel, destination_hash=dest_hash, destination_masked=mask(channel, destination),
                                         nonce=nonce, code_hash=_code_hash(nonce, code), ip=ip or None, created_at=now,
                                         expires_at=now + CODE_TTL)
    try:
        _check_limits(actor, channel, dest_hash, ip, now, mine=otp.pk)  # parallel requests of other accounts
        text = f"【数字政府】您的实名认证验证码为 {code}，5 分钟内有效。请勿告诉他人；工作人员不会向您索要验证码。"
        if channel == CodeChannel.SMS:
            notify.send_sms(destination, text)
        else:
            notify.send_email(destination, "实名认证验证码", text)
    except Exception:
        OneTimeCode.objects.filter(pk=otp.pk).delete()  # a refused or unsent code leaves nothing behind
        raise
    record(actor, "realname.code.send", actor, after={"channel": channel, "to": otp.destination_masked})
    return otp


def _verify_ip_key(ip: str | None) -> str:
    return f"realname-code:{ip}"


def verify_code(actor: User, channel: str, code, *, ip: str | None = None, now: dt.datetime | None = None) -> Verification:
    """Check the newest code of ``channel``: right → level 2 verified (and the account raised to at least 2);
    wrong → one of the code's 5 tries used (committed) and ``ValidationFailed``."""
    require(actor, PERMISSION)
    now = now or timezone.now()
    if channel not in CodeChannel.values:
        raise ValidationFailed("不支持的验证方式", code="invalid_channel")
    code = re.sub(r"\s+", "", unicodedata.normalize("NFKC", code)) if isinstance(code, str) else ""
    if not re.fullmatch(r"[0-9]{6}", code):
        raise ValidationFailed("请输入6位数字验证码", code="invalid_code")
    limit = settings.DIGIGOV_LOGIN_IP_MAX_FAILURES
    if ip and limit and counters.count(_verify_ip_key(ip), settings.DIGIGOV_LOGIN_WINDOW_SECONDS) >= limit:
        raise RateLimited("该网络地址验证码错误次数过多，请稍后再试", code="otp_ip_locked")
    wrong_left = None
    with transaction.atomic():
        otp = (OneTimeCode.objects.select_for_update().filter(user=actor, channel=channel).order_by("-created_at", "-pk").first())
        if otp is None:
            raise ValidationFailed("请先获取验证码", code="otp_missing")
        if otp.used_at is not None:
            raise ValidationFailed("该验证码已使用，请重新获取", code="otp_used")
        if otp.attempts >= MAX_TRIES:
            raise RateLimited("验证码错误次数过多，请重新获取", code="otp_too_many_tries")
        if otp.expires_at <= now:
            raise ValidationFailed("验证码已过期，请重新获取", code="otp_expired")
        if not hmac.compare_digest(otp.code_hash, _code_hash(otp.nonce, code)):
            OneTimeCode.objects.filter(pk=otp.pk).update(attempts=otp.attempts + 1)
            wrong_left = MAX_TRIES - otp.attempts - 1
        else:
            OneTimeCode.objects.filter(pk=otp.pk).update(used_at=now)
            return _verified(actor, RealNameLevel.L2, otp.channel, destination_masked=otp.destination_masked, now=now)
    # the wrong try is committed before it is reported
    if ip:
        counters.hit(_verify_ip_key(ip), settings.DIGIGOV_LOGIN_WINDOW_SECONDS)
    if wrong_left <= 0:
        raise ValidationFailed("验证码错误，本验证码已失效，请重新获取", code="otp_wrong")
    raise ValidationFailed(f"验证码错误，还可尝试 {wrong_left} 次", code="otp_wrong", detail={"tries_left": wrong_left})


FACE_FAILURES_PER_WINDOW = 10


def verify_face(actor: User, image_bytes: bytes, *, now: dt.datetime | None = None, verifier: face.FaceVerifier | None = None) -> Verification:
    """Level 3: the photo (JPEG/PNG, checked by its header) goes to the face-verification adapter. The photo
    is not stored (see ``face``)."""
    require(actor, PERMISSION)
    now = now or timezone.now()
    person = getattr(actor, "person", None)
    if person is None:
        raise ValidationFailed("您的账户未关联自然人身份信息，无法进行人脸核验", code="no_person")
    face.check_photo(image_bytes)
    key = f"realname-face:{actor.pk}"
    if counters.count(key, settings.DIGIGOV_LOGIN_WINDOW_SECONDS) >= FACE_FAILURES_PER_WINDOW:
        raise RateLimited("人脸核验未通过次数过多，请稍后再试", code="face_locked")
    adapter = verifier or face.verifier()
    result = adapter.verify(person, image_bytes)
    if not result.passed:
        counters.hit(key, settings.DIGIGOV_LOGIN_WINDOW_SECONDS)
        raise ValidationFailed(result.message or "人脸核验未通过，请在光线充足处正对镜头重新拍摄", code="face_failed")
    with transaction.atomic():
        return _verified(actor, RealNameLevel.L3, Method.FACE, verifier=adapter.name, now=now)


def _verified(actor: User, level: int, method: str, *, destination_masked: str = "", verifier: str = "", now) -> Verification:
    """Record the verification and raise the account's level if it is higher (audited). Inside the caller's
    transaction."""
    verification = Verification.objects.create(user=actor, level=level, method=method, destination_masked=destination_masked,
                                               verifier=verifier, at=now)
    record(actor, "realname.verify", actor, after={"level": level, "method": method, "to": destination_masked, "verifier": verifier})
    current = User.objects.select_for_update().filter(pk=actor.pk).values_list("realname_level", flat=True).first()
    if current is not None and level > current:
        User.objects.filter(pk=actor.pk).update(realname_level=level)
        record(actor, "realname.level.raise", actor, before={"realname_level": current}, after={"realname_level": level})
    actor.realname_level = max(actor.realname_level, level)
    return verification


KEEP_CODES = dt.timedelta(days=2)


def purge_codes(actor: User, *, now: dt.datetime | None = None) -> int:
    """Delete one-time codes older than two days (the limits look back one local day at most). A nightly job
    (``tasks.purge_old_codes``) under the system account."""
    require(actor, "realname.purge")
    now = now or timezone.now()
    with transaction.atomic():
        n, _ = OneTimeCode.objects.filter(created_at__lt=now - KEEP_CODES).delete()
        if n:
            record(actor, "realname.code.purge", object_type="realname.onetimecode", object_id="*", object_repr="过期验证码",
                   after={"deleted": n})
    return n
