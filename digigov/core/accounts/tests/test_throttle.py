"""Login and password-change throttles: counted in the database, reserved before the password check
(so parallel tries cannot overrun the limit), shared between login and the old-password check."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client, RequestFactory

from digigov.core.accounts import actions
from digigov.core.accounts.models import LoginAttempt
from digigov.core.errors import RateLimited, ValidationFailed
from digigov.core.testing import PASSWORD, make_user

WRONG = "wrong-password-123"
PARALLEL = 24


def _race(monkeypatch, attempts):
    """Run ``attempts`` (callables) at once from their own threads, each with its own database
    connection to the test's SQLite file (or PostgreSQL). The password check is slowed to what
    Argon2 costs in production, which is the window the old check-then-record code left open.
    Returns how many attempts reached the password check and how many were refused as locked."""
    checked, locked, errors = [], [], []
    real_authenticate = actions.authenticate

    def slow_authenticate(*args, **kwargs):
        checked.append(1)
        time.sleep(0.05)
        return real_authenticate(*args, **kwargs)

    monkeypatch.setattr(actions, "authenticate", slow_authenticate)
    barrier = threading.Barrier(len(attempts))

    def run(attempt):
        try:
            barrier.wait()
            attempt()
        except RateLimited:
            locked.append(1)
        except (actions.LoginFailed, ValidationFailed):
            pass
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return len(checked), len(locked)


def _login(username, ip):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=ip)
    return lambda: actions.login_check(request, username, WRONG)


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_for_one_account_reach_the_check_at_most_limit_times(monkeypatch, settings):
    user = make_user("citizen")
    limit = settings.DIGIGOV_LOGIN_MAX_FAILURES
    checked, locked = _race(monkeypatch, [_login(user.username, f"198.51.100.{i}") for i in range(PARALLEL)])
    # at most the limit reach the check; none may (on PostgreSQL every reservation of the burst can commit
    # before any is counted, and then all are refused: fail-closed, and nothing is left locked by them)
    assert checked <= limit
    assert checked + locked == PARALLEL
    # refused reservations were taken back: what remains is exactly the attempts that were checked
    assert LoginAttempt.objects.filter(username=user.username, success=False).count() == checked


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_from_one_address_reach_the_check_at_most_the_address_limit(monkeypatch, settings):
    settings.DIGIGOV_LOGIN_IP_MAX_FAILURES = 4
    checked, locked = _race(monkeypatch, [_login(f"guess{i}", "203.0.113.7") for i in range(PARALLEL)])
    assert checked <= 4 and checked + locked == PARALLEL  # none may reach it (see the test above)
    assert LoginAttempt.objects.filter(ip="203.0.113.7", success=False).count() == checked  # refused ones taken back


@pytest.mark.django_db(transaction=True)
def test_parallel_old_password_guesses_reach_the_check_at_most_limit_times(monkeypatch, settings):
    user = make_user("citizen")
    calls = []
    real_check = type(user).check_password

    def slow_check(self, raw):
        calls.append(1)
        time.sleep(0.05)
        return real_check(self, raw)

    monkeypatch.setattr(type(user), "check_password", slow_check)
    checked, locked = _race(monkeypatch, [
        (lambda i=i: actions.change_password(user, f"{WRONG}{i}", "Another-Pass-2026", ip=f"198.51.100.{i}")) for i in range(PARALLEL)
    ])
    assert len(calls) <= settings.DIGIGOV_LOGIN_MAX_FAILURES  # none may reach it (see the first test)
    assert len(calls) + locked == PARALLEL


def test_old_password_guesses_lock_the_change_and_the_login(client, db, settings):
    """The old-password check had no limit: a left-open session could guess the password forever."""
    from digigov.core.audit.models import AuditEntry

    user = make_user("citizen")
    client.force_login(user)
    url = "/accounts/password/"
    new = {"new_password": "Another-Pass-2026", "new_password2": "Another-Pass-2026"}
    for i in range(settings.DIGIGOV_LOGIN_MAX_FAILURES):
        r = client.post(url, {"old_password": f"{WRONG}{i}", **new})
        assert r.status_code == 302  # back to the form (POST/redirect/GET), which shows the error once
        assert "原密码不正确" in client.get(url).content.decode()
    r = client.post(url, {"old_password": PASSWORD, **new})
    assert r.status_code == 429 and "原密码错误次数过多" in r.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)  # nothing written
    assert not AuditEntry.objects.filter(action="accounts.password.change").exists()
    assert AuditEntry.objects.filter(action="accounts.password.change_failed").count() == settings.DIGIGOV_LOGIN_MAX_FAILURES
    # the same account counter: the login is locked too
    r = Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert r.status_code == 429


def test_a_right_old_password_resets_the_count(db, settings):
    user = make_user("citizen")
    for _ in range(settings.DIGIGOV_LOGIN_MAX_FAILURES - 1):
        with pytest.raises(ValidationFailed):
            actions.change_password(user, WRONG, "Another-Pass-2026", ip="198.51.100.1")
    actions.change_password(user, PASSWORD, "Another-Pass-2026", ip="198.51.100.1")
    for _ in range(settings.DIGIGOV_LOGIN_MAX_FAILURES - 1):
        with pytest.raises(ValidationFailed):
            actions.change_password(user, WRONG, "Third-Pass-2026x", ip="198.51.100.1")
    user.refresh_from_db()
    assert user.check_password("Another-Pass-2026")


def test_counters_are_rows_in_the_database_shared_by_every_worker(client, db, settings):
    """Another worker process sees the same count: it is read from LoginAttempt, not from memory."""
    user = make_user("citizen")
    LoginAttempt.objects.bulk_create([LoginAttempt(username=user.username, ip="198.51.100.1")
                                      for _ in range(settings.DIGIGOV_LOGIN_MAX_FAILURES)])
    r = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert r.status_code == 429
