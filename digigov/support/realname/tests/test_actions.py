"""The real-name actions: codes (limits, expiry, tries, single use), face photos, level raising, audit."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from digigov.core import counters
from digigov.core.accounts.models import User
from digigov.core.audit.models import AuditEntry
from digigov.core.errors import RateLimited, ValidationFailed
from digigov.core.notify.testing import last_message_to, outbox_messages
from digigov.core.web.models import FailureCounter
from digigov.support.realname import actions, face
from digigov.support.realname.models import OneTimeCode, Verification

from .conftest import PHONE, make_citizen

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone.utc)


def _state():
    """What a refused action must leave untouched."""
    return (OneTimeCode.objects.count(), Verification.objects.count(), AuditEntry.objects.count(),
            list(User.objects.values_list("realname_level", flat=True).order_by("id")),
            list(OneTimeCode.objects.values_list("attempts", "used_at", "expires_at").order_by("id")))


def _code(to=PHONE):
    return re.search(r"验证码为 (\d{6})", last_message_to(to)["text"]).group(1)


def _chinese(exc):
    return any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)


# --- sending ---------------------------------------------------------------------------------------

def test_sms_code_is_sent_to_the_phone_on_record_and_stored_only_as_hmac(citizen, outbox):
    otp = actions.send_code(citizen, "sms", ip="10.0.0.1", now=NOW)
    code = _code()
    assert re.fullmatch(r"\d{6}", code)
    assert otp.destination_masked == "139****5678"
    row = OneTimeCode.objects.get()
    stored = " ".join(str(v) for v in OneTimeCode.objects.values_list().get())
    assert code not in stored and PHONE not in stored  # neither the code nor the phone in clear
    assert row.code_hash == actions._code_hash(row.nonce, code) and len(row.code_hash) == 64
    assert row.expires_at == NOW + dt.timedelta(minutes=5)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "realname.code.send" and PHONE not in entry.after_json and "139****5678" in entry.after_json
    assert len(outbox_messages(outbox)) == 1


def test_email_code_goes_to_the_address_entered(citizen):
    otp = actions.send_code(citizen, "email", email="  Zhang.San@Example.CN ", now=NOW)
    assert otp.destination_masked == "Z***@example.cn"
    assert last_message_to("Zhang.San@example.cn")["subject"] == "实名认证验证码"


@pytest.mark.parametrize("channel,email,phone,code", [
    ("email", "", PHONE, "email_required"),
    ("email", "   ", PHONE, "email_required"),
    ("email", "not-an-address", PHONE, "invalid_email"),
    ("email", "a@b", PHONE, "invalid_email"),
    ("email", "a" * 250 + "@x.cn", PHONE, "invalid_email"),
    ("email", "a\x00@x.cn", PHONE, "invalid_email"),
    ("email", None, PHONE, "invalid_email"),
    ("email", 12345, PHONE, "invalid_email"),
    ("sms", "", "", "no_phone"),
    ("sms", "", "04111234567", "no_phone"),
    ("fax", "", PHONE, "invalid_channel"),
])
def test_send_bad_input_is_422_and_writes_nothing(city, outbox, channel, email, phone, code):
    user = make_citizen(city, phone=phone)
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        actions.send_code(user, channel, email=email, now=NOW)
    assert exc.value.status == 422 and exc.value.code == code and _chinese(exc.value)
    assert _state() == snap and outbox_messages(outbox) == []


def test_account_without_person_cannot_use_sms(user_factory):
    user = user_factory("citizen")
    with pytest.raises(ValidationFailed) as exc:
        actions.send_code(user, "sms", now=NOW)
    assert exc.value.code == "no_phone"


def test_resend_waits_60_seconds(citizen, outbox):
    actions.send_code(citizen, "sms", now=NOW)
    snap = _state()
    with pytest.raises(RateLimited) as exc:
        actions.send_code(citizen, "sms", now=NOW + dt.timedelta(seconds=59))
    assert exc.value.code == "otp_resend_too_soon" and exc.value.detail == {"retry_after_seconds": 1} and _chinese(exc.value)
    assert _state() == snap and len(outbox_messages(outbox)) == 1
    actions.send_code(citizen, "sms", now=NOW + dt.timedelta(seconds=60))
    assert len(outbox_messages(outbox)) == 2


def test_daily_cap_per_destination(city, settings):
    settings.DIGIGOV_OTP_DAILY_CAP = 3
    a, b = make_citizen(city, phone="13800000001"), make_citizen(city, phone="13800000002")
    for i in range(3):
        actions.send_code(a, "email", email="shared@example.cn", now=NOW + dt.timedelta(minutes=2 * i))
    snap = _state()
    with pytest.raises(RateLimited) as exc:  # another account, the same address
        actions.send_code(b, "email", email="shared@example.cn", now=NOW + dt.timedelta(minutes=10))
    assert exc.value.code == "otp_daily_cap" and "邮箱" in exc.value.message
    assert _state() == snap
    actions.send_code(b, "email", email="other@example.cn", now=NOW + dt.timedelta(minutes=10))
    # the next local day (Asia/Shanghai midnight is 16:00 UTC) starts afresh
    actions.send_code(b, "email", email="shared@example.cn", now=dt.datetime(2026, 3, 2, 16, 0, 1, tzinfo=dt.timezone.utc))


def test_daily_cap_per_account(citizen, settings):
    settings.DIGIGOV_OTP_DAILY_CAP = 2
    actions.send_code(citizen, "email", email="a1@example.cn", now=NOW)
    actions.send_code(citizen, "email", email="a2@example.cn", now=NOW + dt.timedelta(minutes=2))
    with pytest.raises(RateLimited) as exc:
        actions.send_code(citizen, "email", email="a3@example.cn", now=NOW + dt.timedelta(minutes=4))
    assert exc.value.code == "otp_daily_cap" and "您今日" in exc.value.message


def test_per_address_hourly_limit(city, settings):
    settings.DIGIGOV_OTP_IP_HOURLY_CAP = 2
    users = [make_citizen(city, phone=f"1380000000{i}") for i in range(4)]
    actions.send_code(users[0], "sms", ip="10.1.1.1", now=NOW)
    actions.send_code(users[1], "sms", ip="10.1.1.1", now=NOW + dt.timedelta(minutes=1))
    snap = _state()
    with pytest.raises(RateLimited) as exc:
        actions.send_code(users[2], "sms", ip="10.1.1.1", now=NOW + dt.timedelta(minutes=2))
    assert exc.value.code == "otp_ip_limited" and _state() == snap
    actions.send_code(users[2], "sms", ip="10.1.1.2", now=NOW + dt.timedelta(minutes=2))  # another address
    actions.send_code(users[3], "sms", ip="10.1.1.1", now=NOW + dt.timedelta(minutes=61))  # the hour has passed


def test_limit_recounted_after_commit_removes_the_loser(citizen, settings, monkeypatch):
    """A row committed by a parallel request between the first check and ours: ours is refused and deleted."""
    settings.DIGIGOV_OTP_IP_HOURLY_CAP = 1
    real = actions._check_limits
    calls = []

    def racing(user, channel, dest_hash, ip, now, *, mine=None):
        calls.append(mine)
        if mine is not None:  # the parallel request's row appears just before our recount
            OneTimeCode.objects.create(user=citizen, channel="email", destination_hash="x" * 64, destination_masked="x", nonce="n",
                                       code_hash="h", ip=ip, created_at=now, expires_at=now)
        return real(user, channel, dest_hash, ip, now, mine=mine)

    monkeypatch.setattr(actions, "_check_limits", racing)
    with pytest.raises(RateLimited):
        actions.send_code(citizen, "sms", ip="10.9.9.9", now=NOW)
    assert OneTimeCode.objects.filter(channel="sms").count() == 0 and last_message_to(PHONE) is None


def test_send_failure_leaves_no_code(citizen, settings):
    settings.DIGIGOV_SMS_SENDER = "digigov.support.realname.tests.test_actions.BrokenSender"
    snap = _state()
    with pytest.raises(Exception) as exc:
        actions.send_code(citizen, "sms", now=NOW)
    assert exc.value.status == 503 and exc.value.message == "短信发送失败，请稍后重试"
    assert _state() == snap


class BrokenSender:
    def send(self, message):
        from digigov.core.notify import SendFailed

        raise SendFailed("短信发送失败，请稍后重试")


# --- checking ---------------------------------------------------------------------------------------

def test_right_code_raises_account_to_level_2_audited_and_is_single_use(citizen):
    actions.send_code(citizen, "sms", now=NOW)
    code = _code()
    v = actions.verify_code(citizen, "sms", f" {code[:3]} {code[3:]} ", now=NOW + dt.timedelta(minutes=4))
    assert v.level == 2 and v.method == "sms" and v.destination_masked == "139****5678"
    citizen.refresh_from_db()
    assert citizen.realname_level == 2
    raise_entry = AuditEntry.objects.filter(action="realname.level.raise").get()
    assert '"realname_level":1' in raise_entry.before_json.replace(" ", "") and '"realname_level":2' in raise_entry.after_json.replace(" ", "")
    with pytest.raises(ValidationFailed) as exc:
        actions.verify_code(citizen, "sms", code, now=NOW + dt.timedelta(minutes=4))
    assert exc.value.code == "otp_used"


def test_full_width_digits_are_accepted(citizen):
    actions.send_code(citizen, "sms", now=NOW)
    code = _code().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert actions.verify_code(citizen, "sms", code, now=NOW).level == 2


def test_code_expires_after_5_minutes(citizen):
    actions.send_code(citizen, "sms", now=NOW)
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        actions.verify_code(citizen, "sms", _code(), now=NOW + dt.timedelta(minutes=5))
    assert exc.value.code == "otp_expired" and _state() == snap


def test_expiry_with_the_real_clock(citizen, monkeypatch):
    """No ``now`` passed: the action reads ``timezone.now``."""
    actions.send_code(citizen, "sms")
    later = timezone.now() + dt.timedelta(minutes=6)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(ValidationFailed) as exc:
        actions.verify_code(citizen, "sms", _code())
    assert exc.value.code == "otp_expired"


def test_five_wrong_tries_kill_the_code(citizen):
    actions.send_code(citizen, "sms", now=NOW)
    code = _code()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationFailed) as exc:
            actions.verify_code(citizen, "sms", wrong, now=NOW)
        assert exc.value.code == "otp_wrong" and f"还可尝试 {left} 次" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        actions.verify_code(citizen, "sms", wrong, now=NOW)
    assert "已失效" in exc.value.message
    with pytest.raises(RateLimited) as exc:  # even the right code is refused now
        actions.verify_code(citizen, "sms", code, now=NOW)
    assert exc.value.code == "otp_too_many_tries"
    assert OneTimeCode.objects.get().attempts == 5 and Verification.objects.count() == 0


def test_a_new_code_closes_the_old_one(citizen):
    actions.send_code(citizen, "sms", now=NOW)
    first = _code()
    actions.send_code(citizen, "sms", now=NOW + dt.timedelta(seconds=61))
    second = _code()
    if first != second:
        with pytest.raises(ValidationFailed):
            actions.verify_code(citizen, "sms", first, now=NOW + dt.timedelta(seconds=62))
    assert actions.verify_code(citizen, "sms", second, now=NOW + dt.timedelta(seconds=62)).level == 2
    assert OneTimeCode.objects.filter(used_at=None, expires_at__gt=NOW + dt.timedelta(seconds=62)).count() == 0


@pytest.mark.parametrize("code,err", [("", "invalid_code"), ("12345", "invalid_code"), ("1234567", "invalid_code"), ("abcdef", "invalid_code"),
                                      (None, "invalid_code"), (123456, "invalid_code")])
def test_verify_bad_input_writes_nothing(citizen, code, err):
    actions.send_code(citizen, "sms", now=NOW)
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        actions.verify_code(citizen, "sms", code, now=NOW)
    assert exc.value.code == err and _chinese(exc.value) and _state() == snap


def test_verify_without_a_code(citizen):
    with pytest.raises(ValidationFailed) as exc:
        actions.verify_code(citizen, "sms", "123456", now=NOW)
    assert exc.value.code == "otp_missing"


def test_wrong_codes_from_one_address_are_limited(city, settings):
    settings.DIGIGOV_LOGIN_IP_MAX_FAILURES = 3
    users = [make_citizen(city, phone=f"1370000000{i}") for i in range(2)]
    for u in users:
        actions.send_code(u, "sms", now=NOW)
    for _ in range(3):
        with pytest.raises(ValidationFailed):
            actions.verify_code(users[0], "sms", "999999" if _code(users[0].person.phone) != "999999" else "888888", ip="10.2.2.2", now=NOW)
    with pytest.raises(RateLimited) as exc:  # another account, the same address
        actions.verify_code(users[1], "sms", _code(users[1].person.phone), ip="10.2.2.2", now=NOW)
    assert exc.value.code == "otp_ip_locked"
    counters.reset("realname-code:10.2.2.2")
    assert actions.verify_code(users[1], "sms", _code(users[1].person.phone), ip="10.2.2.2", now=NOW).level == 2


def test_level_never_goes_down(citizen):
    User.objects.filter(pk=citizen.pk).update(realname_level=3)
    citizen.refresh_from_db()
    actions.send_code(citizen, "sms", now=NOW)
    actions.verify_code(citizen, "sms", _code(), now=NOW)
    citizen.refresh_from_db()
    assert citizen.realname_level == 3 and not AuditEntry.objects.filter(action="realname.level.raise").exists()


# --- face ----------------------------------------------------------------------------------------------

def test_face_raises_to_level_3_and_keeps_no_photo(citizen):
    png = face.make_png()
    v = actions.verify_face(citizen, png, now=NOW)
    assert v.level == 3 and v.method == "face" and v.verifier == "development"
    citizen.refresh_from_db()
    assert citizen.realname_level == 3
    assert AuditEntry.objects.filter(action="realname.level.raise").count() == 1


JPEG = (b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\xff\xc0\x00\x11\x08\x01\x00\x00\xc8\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01" + b"\xff\xd9")


def test_face_accepts_a_jpeg(citizen):
    assert face.check_photo(JPEG) == "jpeg"
    assert actions.verify_face(citizen, JPEG, now=NOW).level == 3


@pytest.mark.parametrize("data,code", [
    (b"", "photo_missing"),
    (b"GIF89a" + b"\x00" * 100, "photo_invalid"),
    (b"%PDF-1.7 " + b"x" * 100, "photo_invalid"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "photo_invalid"),
    (face.make_png()[:20], "photo_invalid"),
    (face.make_png()[:29] + b"\x00\x00\x00\x00" + face.make_png()[33:], "photo_invalid"),  # IHDR checksum broken
    (b"\xff\xd8\xff\xda\x00\x02" + b"\x00" * 50, "photo_invalid"),  # JPEG data before any frame header
    (b"\xff\xd8\xff\xe0\x00\x01", "photo_invalid"),
    (face.make_png(20, 20), "photo_too_small"),
    (b"\x89PNG" + b"\x00" * (face.MAX_PHOTO_BYTES + 1), "photo_too_large"),
])
def test_face_bad_photo_is_422_and_writes_nothing(citizen, data, code):
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        actions.verify_face(citizen, data, now=NOW)
    assert exc.value.code == code and _chinese(exc.value)
    assert _state() == snap and FailureCounter.objects.count() == 0


class RejectingVerifier(face.FaceVerifier):
    name = "rejecting"

    def verify(self, person, image_bytes):
        return face.FaceResult(False, "人脸与登记照片不一致")


def test_face_refused_by_the_adapter_counts_and_locks(citizen):
    snap = _state()
    for _ in range(actions.FACE_FAILURES_PER_WINDOW):
        with pytest.raises(ValidationFailed) as exc:
            actions.verify_face(citizen, face.make_png(), verifier=RejectingVerifier())
        assert exc.value.code == "face_failed" and exc.value.message == "人脸与登记照片不一致"
    with pytest.raises(RateLimited):
        actions.verify_face(citizen, face.make_png())
    assert _state() == snap


def test_face_needs_a_person(user_factory):
    with pytest.raises(ValidationFailed) as exc:
        actions.verify_face(user_factory("citizen"), face.make_png())
    assert exc.value.code == "no_person"


def test_actions_need_the_permission(db, user_factory):
    from digigov.core.errors import Forbidden

    nobody = user_factory(None)  # an account with no role
    for call in (lambda: actions.send_code(nobody, "email", email="a@example.cn"), lambda: actions.verify_code(nobody, "sms", "123456"),
                 lambda: actions.verify_face(nobody, face.make_png())):
        with pytest.raises(Forbidden):
            call()


def test_nightly_purge_keeps_two_days(citizen):
    from digigov.core.rbac.system import system_account
    from digigov.support.realname.tasks import purge_old_codes

    actions.send_code(citizen, "sms", now=NOW - dt.timedelta(days=3))
    actions.send_code(citizen, "sms", now=NOW - dt.timedelta(days=1))
    assert actions.purge_codes(system_account(), now=NOW) == 1
    assert OneTimeCode.objects.count() == 1
    entry = AuditEntry.objects.filter(action="realname.code.purge").get()
    assert entry.actor == "system"
    with pytest.raises(Exception):
        actions.purge_codes(citizen, now=NOW)
    assert purge_old_codes.call_local() == 1 and not OneTimeCode.objects.exists()  # by the real clock the other is old too
