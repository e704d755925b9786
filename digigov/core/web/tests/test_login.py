"""/accounts/login/: redirects, lockout, per-IP limit, TOTP for enrolled staff, CSRF, POST-only logout."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from digigov.core.accounts.models import LoginAttempt
from digigov.core.testing import PASSWORD, make_user

LOGIN = "/accounts/login/"
WRONG = "wrong-password-123"


def post(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def logged_in(client):
    return SESSION_KEY in client.session


def text(response):
    return response.content.decode()


def test_login_page_renders(client, db):
    r = client.get(LOGIN)
    assert r.status_code == 200
    assert "统一登录" in text(r) and 'name="csrfmiddlewaretoken"' in text(r)


def test_citizen_login_redirects_to_portal(client, role_user):
    citizen = role_user("citizen")
    r = post(client, citizen.username, PASSWORD)
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.session[SESSION_KEY] == str(citizen.pk)
    assert LoginAttempt.objects.get(username=citizen.username).success


def test_staff_login_redirects_to_workbench(client, role_user):
    clerk = role_user("window_clerk")
    r = post(client, clerk.username, PASSWORD)
    assert r.status_code == 302 and r["Location"] == "/workbench/"


def test_login_follows_a_safe_next_and_ignores_an_offsite_one(role_user):
    clerk = role_user("window_clerk")
    r = Client().post(LOGIN + "?next=/workbench/kpi/", {"username": clerk.username, "password": PASSWORD})
    assert r["Location"] == "/workbench/kpi/"
    r = Client().post(LOGIN, {"username": clerk.username, "password": PASSWORD, "next": "https://evil.example/phish"})
    assert r.status_code == 302 and r["Location"] == "/workbench/"
    r = Client().post(LOGIN, {"username": clerk.username, "password": PASSWORD, "next": "//evil.example/"})
    assert r["Location"] == "/workbench/"


def test_login_with_the_production_argon2_hasher(client, settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = make_user("citizen")
    assert user.password.startswith("argon2$")
    assert post(client, user.username, PASSWORD).status_code == 302


def test_wrong_password_is_400_with_a_chinese_error_and_nothing_else(client, role_user):
    citizen = role_user("citizen")
    r = post(client, citizen.username, WRONG)
    assert r.status_code == 400
    assert "用户名或密码错误" in text(r)
    assert not logged_in(client)
    assert "sessionid" not in r.cookies
    assert WRONG not in text(r)  # the password is not echoed back
    attempt = LoginAttempt.objects.get()
    assert (attempt.username, attempt.success, attempt.ip) == (citizen.username, False, "127.0.0.1")
    # an unknown account gets exactly the same answer (no user enumeration)
    r2 = post(Client(), "no-such-user", WRONG)
    assert r2.status_code == 400 and "用户名或密码错误" in text(r2)


def test_empty_form_is_400(client, db):
    r = client.post(LOGIN, {})
    assert r.status_code == 400 and not logged_in(client)
    assert not LoginAttempt.objects.exists()


def test_account_locks_after_five_failures_even_with_the_right_password(client, role_user, settings):
    assert settings.DIGIGOV_LOGIN_MAX_FAILURES == 5
    citizen = role_user("citizen")
    for _ in range(5):
        assert post(client, citizen.username, WRONG).status_code == 400
    r = post(client, citizen.username, PASSWORD)
    assert r.status_code == 429
    assert "该账户连续登录失败次数过多，已临时锁定" in text(r)
    assert not logged_in(client)
    # the locked check comes before the password: the attempt is not even counted
    assert LoginAttempt.objects.filter(username=citizen.username).count() == 5
    # another account from the same address is unaffected
    other = role_user("citizen")
    assert post(client, other.username, PASSWORD).status_code == 302


def test_four_failures_do_not_lock(client, role_user):
    citizen = role_user("citizen")
    for _ in range(4):
        post(client, citizen.username, WRONG)
    assert post(client, citizen.username, PASSWORD).status_code == 302


def test_old_failures_outside_the_window_do_not_lock(client, role_user, settings):
    import datetime as dt

    from django.utils import timezone

    citizen = role_user("citizen")
    long_ago = timezone.now() - dt.timedelta(seconds=settings.DIGIGOV_LOGIN_WINDOW_SECONDS + 60)
    LoginAttempt.objects.bulk_create([LoginAttempt(username=citizen.username, ip="127.0.0.1", at=long_ago) for _ in range(10)])
    assert post(client, citizen.username, PASSWORD).status_code == 302


def test_per_ip_limit_across_usernames(role_user, settings):
    settings.DIGIGOV_LOGIN_IP_MAX_FAILURES = 4
    victim = role_user("citizen")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(4):
        assert post(attacker, f"guess{i}", WRONG).status_code == 400
    r = post(attacker, victim.username, PASSWORD)
    assert r.status_code == 429 and "该地址登录失败次数过多" in text(r)
    assert not logged_in(attacker)
    # the same account logs in fine from another address
    assert post(Client(REMOTE_ADDR="198.51.100.2"), victim.username, PASSWORD).status_code == 302


def test_inactive_account_cannot_log_in(client, role_user):
    citizen = role_user("citizen")
    citizen.is_active = False
    citizen.save()
    r = post(client, citizen.username, PASSWORD)
    assert r.status_code == 400 and not logged_in(client)


# --- TOTP ----------------------------------------------------------------------------------------
@pytest.fixture
def staff_with_totp(role_user):
    user = role_user("window_clerk")
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user, device


def token_for(device, drift=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):0{device.digits}d}"


def test_enrolled_staff_must_give_a_token(client, staff_with_totp):
    user, _ = staff_with_totp
    r = post(client, user.username, PASSWORD)
    assert r.status_code == 400 and "请输入动态口令" in text(r)
    assert not logged_in(client)


def test_enrolled_staff_logs_in_with_a_valid_token(client, staff_with_totp):
    user, device = staff_with_totp
    r = post(client, user.username, PASSWORD, otp_token=token_for(device))
    assert r.status_code == 302 and r["Location"] == "/workbench/"
    assert logged_in(client)
    assert client.session.get("otp_device_id") == device.persistent_id


def test_wrong_token_is_refused_and_counted(client, staff_with_totp):
    user, device = staff_with_totp
    valid_now = {token_for(device, drift=d) for d in range(-device.tolerance, device.tolerance + 1)}
    bad = next(t for t in ("000000", "123456", "999999", "424242") if t not in valid_now)
    r = post(client, user.username, PASSWORD, otp_token=bad)
    assert r.status_code == 400 and "动态口令错误" in text(r)
    assert not logged_in(client)
    assert LoginAttempt.objects.filter(username=user.username, success=False).count() == 1


def test_a_used_token_cannot_be_replayed(staff_with_totp):
    user, device = staff_with_totp
    token = token_for(device)
    first = Client()
    assert post(first, user.username, PASSWORD, otp_token=token).status_code == 302
    second = Client()
    r = post(second, user.username, PASSWORD, otp_token=token)
    assert r.status_code == 400 and "动态口令错误" in text(r) and not logged_in(second)


def test_token_without_the_right_password_is_refused(client, staff_with_totp):
    user, device = staff_with_totp
    r = post(client, user.username, WRONG, otp_token=token_for(device))
    assert r.status_code == 400 and "用户名或密码错误" in text(r) and not logged_in(client)


def test_unconfirmed_device_does_not_demand_a_token(client, role_user):
    user = role_user("window_clerk")
    TOTPDevice.objects.create(user=user, name="pending", confirmed=False)
    assert post(client, user.username, PASSWORD).status_code == 302


def test_totp_enrolment_confirms_the_device(client, role_user):
    user = role_user("window_clerk")
    client.force_login(user)
    r = client.get("/accounts/totp/")
    assert r.status_code == 200 and "<svg" in text(r)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    r = client.post("/accounts/totp/", {"token": "000000" if token_for(device) != "000000" else "111111"}, follow=True)
    assert r.redirect_chain == [("/accounts/totp/", 302)] and "动态口令不正确" in text(r)  # a page that can be reloaded
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    r = client.post("/accounts/totp/", {"token": token_for(device)})
    assert r.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_totp_page_needs_login(client, db):
    r = client.get("/accounts/totp/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


# --- CSRF and logout -----------------------------------------------------------------------------
def test_login_post_without_csrf_token_is_403(role_user):
    citizen = role_user("citizen")
    client = Client(enforce_csrf_checks=True)
    r = client.post(LOGIN, {"username": citizen.username, "password": PASSWORD})
    assert r.status_code == 403
    assert not logged_in(client) and not LoginAttempt.objects.exists()


def test_login_with_csrf_token_works(role_user):
    citizen = role_user("citizen")
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    token = client.cookies["csrftoken"].value
    r = client.post(LOGIN, {"username": citizen.username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert r.status_code == 302 and logged_in(client)


def test_logout_is_post_only(client, role_user):
    citizen = role_user("citizen")
    client.force_login(citizen)
    r = client.get("/accounts/logout/")
    assert r.status_code == 405 and logged_in(client)
    r = client.post("/accounts/logout/")
    assert r.status_code == 302 and r["Location"] == "/"
    assert not logged_in(client)


def test_logout_without_csrf_is_refused(role_user):
    citizen = role_user("citizen")
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.post("/accounts/logout/").status_code == 403
    assert logged_in(client)


# --- behind the TLS proxy ------------------------------------------------------------------------
def test_spoofed_forwarded_for_does_not_dodge_the_ip_limit(role_user, settings):
    """The proxy appends the address it saw; entries before it are whatever the client sent."""
    settings.DIGIGOV_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.DIGIGOV_LOGIN_IP_MAX_FAILURES = 3
    victim = role_user("citizen")
    attacker = Client(REMOTE_ADDR="10.0.0.1")  # the proxy
    for i in range(3):
        r = attacker.post(LOGIN, {"username": f"guess{i}", "password": WRONG}, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.7")
        assert r.status_code == 400
    assert set(LoginAttempt.objects.values_list("ip", flat=True)) == {"203.0.113.7"}
    r = attacker.post(LOGIN, {"username": victim.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7")
    assert r.status_code == 429 and "该地址登录失败次数过多" in text(r)


def test_garbage_forwarded_for_falls_back_to_the_peer_address(role_user, settings):
    settings.DIGIGOV_TRUSTED_PROXIES = ["10.0.0.1"]
    citizen = role_user("citizen")
    r = Client(REMOTE_ADDR="10.0.0.1").post(LOGIN, {"username": citizen.username, "password": WRONG}, HTTP_X_FORWARDED_FOR="not-an-ip")
    assert r.status_code == 400
    assert LoginAttempt.objects.get().ip == "10.0.0.1"


def test_a_successful_login_resets_the_consecutive_failure_count(client, db, settings):
    from digigov.core.testing import PASSWORD, make_user

    make_user("citizen", username="resetme")
    limit = settings.DIGIGOV_LOGIN_MAX_FAILURES
    for _ in range(limit - 1):
        assert client.post("/accounts/login/", {"username": "resetme", "password": "wrong-password-1"}).status_code == 400
    assert client.post("/accounts/login/", {"username": "resetme", "password": PASSWORD}).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(limit - 1):
        assert client.post("/accounts/login/", {"username": "resetme", "password": "wrong-password-1"}).status_code == 400
    # still below the limit of consecutive failures
    assert client.post("/accounts/login/", {"username": "resetme", "password": PASSWORD}).status_code == 302


def test_forwarded_for_from_an_untrusted_peer_is_ignored_even_behind_tls(role_user, settings):
    """DIGIGOV_HTTPS used to be enough to believe the header: a client talking to the server directly
    could then pick a fresh address for every try and never meet the per-address limit."""
    settings.HTTPS = True
    settings.DIGIGOV_TRUSTED_PROXIES = []
    settings.DIGIGOV_LOGIN_IP_MAX_FAILURES = 3
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(3):
        assert attacker.post(LOGIN, {"username": f"guess{i}", "password": WRONG}, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code == 400
    assert set(LoginAttempt.objects.values_list("ip", flat=True)) == {"203.0.113.7"}
    r = attacker.post(LOGIN, {"username": role_user("citizen").username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert r.status_code == 429


# --- TOTP at the staff doors -------------------------------------------------------------------------
def test_enrolled_staff_in_an_unverified_session_is_sent_back_to_login(client, staff_with_totp):
    user, _ = staff_with_totp
    client.force_login(user)  # a session that never gave a code
    r = client.get("/workbench/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert not logged_in(client)
    client.force_login(user)
    r = client.get("/api/v1/me")
    assert r.status_code == 401 and r.json()["code"] == "otp_required"


def test_enrolled_staff_with_a_verified_session_reaches_the_workbench(client, staff_with_totp):
    user, device = staff_with_totp
    post(client, user.username, PASSWORD, otp_token=token_for(device))
    assert client.get("/workbench/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_required_mode_sends_staff_to_enrol_and_enrolment_verifies_the_session(client, role_user, settings):
    settings.DIGIGOV_STAFF_OTP = "required"
    user = role_user("dept_admin")
    citizen = role_user("citizen")
    client.force_login(citizen)
    assert client.get("/").status_code == 200  # people are not staff: no TOTP demanded
    post(client, user.username, PASSWORD)
    r = client.get("/workbench/")
    assert r.status_code == 302 and r["Location"] == "/accounts/totp/"
    r = client.get("/api/v1/me")
    assert r.status_code == 403 and r.json()["code"] == "otp_enrolment_required"
    assert client.get("/accounts/totp/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    r = client.post("/accounts/totp/", {"token": "000000" if token_for(device) != "000000" else "111111"})
    assert r.status_code == 302 and r["Location"] == "/accounts/totp/" and not TOTPDevice.objects.get(pk=device.pk).confirmed
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()  # django-otp slows retries after a failure
    r = client.post("/accounts/totp/", {"token": token_for(device)})
    assert r.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/workbench/").status_code == 200  # the enrolling session counts as verified


# --- password change ---------------------------------------------------------------------------------
def test_password_change(client, role_user):
    from digigov.core.audit.models import AuditEntry

    user = role_user("citizen")
    client.force_login(user)
    url = "/accounts/password/"
    assert client.get(url).status_code == 200
    # an invalid post redirects back (POST/redirect/GET): the page shows the errors and can be reloaded
    r = client.post(url, {"old_password": "wrong-one-123", "new_password": "Another-Pass-2026", "new_password2": "Another-Pass-2026"}, follow=True)
    assert r.redirect_chain == [(url, 302)] and "原密码不正确" in r.content.decode()
    r = client.post(url, {"old_password": PASSWORD, "new_password": "12345678", "new_password2": "12345678"}, follow=True)
    assert r.redirect_chain == [(url, 302)] and 'class="errorlist' in r.content.decode()  # too short, too common, all digits
    r = client.post(url, {"old_password": PASSWORD, "new_password": "Another-Pass-2026", "new_password2": "Another-Pass-2027"}, follow=True)
    assert r.redirect_chain == [(url, 302)] and "不一致" in r.content.decode()
    assert "Another-Pass" not in r.content.decode() and "Another-Pass" not in str(dict(client.session))  # never kept
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    r = client.post(url, {"old_password": PASSWORD, "new_password": "Another-Pass-2026", "new_password2": "Another-Pass-2026"})
    assert r.status_code == 302 and logged_in(client)  # this session survives the change
    user.refresh_from_db()
    assert user.check_password("Another-Pass-2026")
    entry = AuditEntry.objects.get(action="accounts.password.change")
    assert entry.actor == user.username and "Another" not in entry.after_json and user.password not in entry.after_json
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: to the login page


def test_a_second_authenticator_needs_a_session_verified_with_the_first(client, staff_with_totp):
    user, device = staff_with_totp
    client.force_login(user)  # e.g. a session opened before the first enrolment
    r = client.get("/accounts/totp/")
    assert r.status_code == 400 and "须先以动态口令登录" in r.content.decode()
    assert TOTPDevice.objects.filter(user=user).count() == 1
    client.logout()
    post(client, user.username, PASSWORD, otp_token=token_for(device))
    assert client.get("/accounts/totp/").status_code == 200  # verified: may add another
    assert TOTPDevice.objects.filter(user=user, confirmed=False).count() == 1


def test_logins_and_failures_are_in_the_audit_log(client, role_user):
    from digigov.core.audit.models import AuditEntry

    user = role_user("citizen")
    post(client, user.username, "wrong-password-1")
    failed = AuditEntry.objects.get(action="accounts.login.failed")
    assert failed.object_id == user.username and failed.after == {"code": "login_failed"} and failed.actor == "anonymous"
    post(client, user.username, PASSWORD)
    ok = AuditEntry.objects.get(action="accounts.login")
    assert ok.actor == user.username and ok.actor_id == user.pk and ok.object_id == user.public_id and ok.ip
    assert "wrong-password-1" not in failed.after_json and PASSWORD not in ok.after_json


# --- the second factor follows the role, not the account kind ----------------------------------------
@pytest.fixture
def citizen_with_staff_role(db):
    """A citizen account holding a staff role: assign_role refuses this, but an old row or a direct
    database grant may still exist, and the login policy must cover it."""
    from digigov.core.rbac.models import RoleAssignment

    user = make_user("citizen")
    RoleAssignment.objects.create(user=user, role="approver")
    return user


def test_a_citizen_account_with_a_staff_role_must_give_its_token(client, citizen_with_staff_role):
    user = citizen_with_staff_role
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    r = post(client, user.username, PASSWORD)
    assert r.status_code == 400 and "请输入动态口令" in text(r) and not logged_in(client)
    r = post(client, user.username, PASSWORD, otp_token=token_for(device))
    assert r.status_code == 302 and client.get("/workbench/").status_code == 200


def test_a_citizen_account_with_a_staff_role_in_an_unverified_session_is_logged_out(client, citizen_with_staff_role):
    user = citizen_with_staff_role
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    r = client.get("/workbench/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/") and not logged_in(client)
    client.force_login(user)
    assert client.get("/admin/").status_code == 302 and not logged_in(client)
    client.force_login(user)
    r = client.get("/api/v1/me")
    assert r.status_code == 401 and r.json()["code"] == "otp_required"


def test_required_mode_sends_a_citizen_account_with_a_staff_role_to_enrol(client, citizen_with_staff_role, settings):
    settings.DIGIGOV_STAFF_OTP = "required"
    client.force_login(citizen_with_staff_role)
    r = client.get("/workbench/")
    assert r.status_code == 302 and r["Location"] == "/accounts/totp/"
    assert client.get("/api/v1/me").json()["code"] == "otp_enrolment_required"


def test_a_plain_citizen_with_an_authenticator_is_not_held_to_the_staff_policy(client, role_user, settings):
    settings.DIGIGOV_STAFF_OTP = "required"
    citizen = role_user("citizen")
    TOTPDevice.objects.create(user=citizen, name="default", confirmed=True)
    assert post(client, citizen.username, PASSWORD).status_code == 302
    assert client.get("/api/v1/me").status_code == 200


def test_a_full_width_username_is_the_same_account(client, db):
    """Usernames are NFKC-normalised at creation (core.validators.clean_username) and at login."""
    make_user("citizen", username="wangwu")
    assert post(client, "ｗａｎｇｗｕ", PASSWORD).status_code == 302
    assert LoginAttempt.objects.get().username == "wangwu"
