"""Health, readiness, metrics, security headers, request ids, JSON logs with masked PII, body limits."""

from types import SimpleNamespace
import io
import json
import logging

import pytest
from django.test import Client

from digigov.core.context import acting_as
from digigov.core.web.logging import JsonFormatter, MaskPiiFilter, RequestIdFilter, mask

ID_NUMBER = "21060219900101123X"
PHONE = "13912345678"


def test_healthz(client, db):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_checks_database_and_queue(client, db):
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "checks": {"database": "ok", "queue": "ok"}}


def test_readyz_reports_a_broken_queue_as_503(client, db, monkeypatch):
    from huey.contrib.djhuey import HUEY

    def broken():
        raise ConnectionError("queue down")

    monkeypatch.setattr(HUEY, "pending_count", broken)
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"] == {"database": "ok", "queue": "error: ConnectionError"}


def test_metrics_count_requests(client, db):
    client.get("/healthz")
    r = client.get("/metrics")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain")
    body = r.content.decode()
    assert 'digigov_http_requests_total{method="GET",status="200"}' in body
    assert "digigov_http_request_seconds_bucket" in body


@pytest.mark.parametrize("path", ["/", "/healthz", "/accounts/login/", "/no-such-page/"])
def test_security_headers_on_every_response(client, db, path):
    r = client.get(path)
    csp = r["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self';" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["X-Frame-Options"] == "DENY"
    assert r["Referrer-Policy"] == "same-origin"
    assert len(r["X-Request-ID"]) == 32


def test_each_request_gets_its_own_id(client, db):
    a, b = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert a != b and int(a, 16) >= 0


@pytest.mark.parametrize("incoming", ["0123456789abcdef0123456789abcdef", "gateway-trace-42", "ABCDEFGH"])
def test_valid_incoming_request_id_is_echoed(client, db, incoming):
    r = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert r["X-Request-ID"] == incoming.replace("-", "")


def test_uuid_request_id_is_kept_in_its_32_hex_form(client, db):
    r = client.get("/healthz", HTTP_X_REQUEST_ID="123e4567-e89b-12d3-a456-426614174000")
    assert r["X-Request-ID"] == "123e4567e89b12d3a456426614174000"


@pytest.mark.parametrize("incoming", ["short", "has space in it", "<script>alert(1)</script>", "x" * 65, "a" * 33, "请求编号请求编号请求编号", "--------"])
def test_invalid_incoming_request_id_is_replaced(client, db, incoming):
    rid = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
    assert rid != incoming and len(rid) == 32 and int(rid, 16) >= 0


def test_request_id_reaches_the_audit_log(client, role_user, city):
    from digigov.core.accounts import actions
    from digigov.core.accounts.models import NaturalPerson
    from digigov.core.audit.models import AuditEntry
    from digigov.core.testing import resident_id

    clerk = role_user("window_clerk", division=city.county_a)
    with acting_as(clerk):
        person = actions.register_person(clerk, id_number=resident_id(), name="赵六", division=city.village_a)
    client.force_login(clerk)
    r = client.post(f"/workbench/people/{person.public_id}/reveal/", {"purpose": "核验"},
                    HTTP_X_REQUEST_ID="trace0000000000000000000000000ab", REMOTE_ADDR="10.9.8.7")
    assert r.status_code == 200
    entry = AuditEntry.objects.get(action="pii.read")
    assert entry.request_id == r["X-Request-ID"] == "trace0000000000000000000000000ab"
    assert (entry.actor, entry.role, entry.ip, entry.channel) == (clerk.username, "window_clerk", "10.9.8.7", "web")
    assert NaturalPerson.objects.filter(pk=person.pk).exists()


# --- JSON logs -----------------------------------------------------------------------------------
def _emit(msg, *args, exc_info=None, **extra):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(MaskPiiFilter())
    logger = logging.getLogger("digigov.test.logging")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error(msg, *args, exc_info=exc_info, extra=extra or None)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_log_line_carries_request_id_and_actor():
    with acting_as(SimpleNamespace(pk=None, username="system"), request_id="rid0000000000000000000000000beef"):
        [line] = _emit("办件已受理")
    assert line["request_id"] == "rid0000000000000000000000000beef"
    assert line["actor"] == "system" and line["level"] == "ERROR" and line["msg"] == "办件已受理"
    assert line["logger"] == "digigov.test.logging" and line["ts"].endswith("+00:00")


def test_json_log_masks_id_numbers_and_phones_in_message_and_args():
    [line] = _emit("核验 %s 手机 %s", ID_NUMBER, PHONE)
    assert ID_NUMBER not in line["msg"] and PHONE not in line["msg"]
    assert "2106**********123X" in line["msg"] and "139****5678" in line["msg"]
    [line] = _emit(f"身份证{ID_NUMBER.lower()}，电话{PHONE}。")
    assert ID_NUMBER.lower() not in line["msg"] and PHONE not in line["msg"]


def test_json_log_masks_exceptions():
    try:
        raise ValueError(f"bad id {ID_NUMBER}")
    except ValueError:
        import sys

        [line] = _emit("failed", exc_info=sys.exc_info())
    assert "ValueError" in line["exc"] and ID_NUMBER not in line["exc"]


def test_mask_leaves_other_numbers_alone():
    assert mask("订单号 12345678 金额 100") == "订单号 12345678 金额 100"
    assert mask("seq=1234567890123456789012") == "seq=1234567890123456789012"  # 22 digits: not an ID
    assert mask("时间戳 1700000000000") == "时间戳 1700000000000"


@pytest.fixture
def console_log():
    """The handler settings.LOGGING configures, writing into a buffer for the test."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter))
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(old)


def test_request_log_lines_use_the_configured_json_handler(client, db, console_log):
    r = client.get(f"/missing/{ID_NUMBER}/", HTTP_X_REQUEST_ID="trace-000000000000000000000000002")
    assert r.status_code == 404
    lines = [json.loads(line) for line in console_log.getvalue().splitlines() if line.strip()]
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found, lines
    assert ID_NUMBER not in console_log.getvalue()
    assert "2106**********123X" in not_found[-1]["msg"]
    assert not_found[-1]["request_id"] == "trace000000000000000000000000002" == r["X-Request-ID"]


# --- body size -----------------------------------------------------------------------------------
def test_oversized_form_post_is_413_not_500(client, role_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    clerk = role_user("window_clerk")
    client.force_login(clerk)
    body = "name=" + "a" * 20_000
    r = client.post("/workbench/people/new/", body, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413
    assert "请求体超过大小限制" in r.content.decode()


def test_oversized_login_post_with_csrf_enforced_is_413(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    body = f"csrfmiddlewaretoken={token}&username=x&password=" + "a" * 20_000
    r = client.post("/accounts/login/", body, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413
    assert "请求体超过大小限制" in r.content.decode() and "payload_too_large" not in r.content.decode()  # no raw error code on the page


def test_other_bad_requests_stay_400(db):
    r = Client(HTTP_HOST="evil.example").get("/")
    assert r.status_code == 400


def test_access_log_masks_an_id_number_in_the_query_string(client, db, caplog):
    number = "11010519491231002X"
    with caplog.at_level(logging.INFO, logger="digigov.access"):
        client.get(f"/workbench/people/?q={number}")
    records = [r for r in caplog.records if r.name == "digigov.access"]
    assert records, "every request gets an access line"
    record = records[-1]
    MaskPiiFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "/workbench/people/" in line and number not in line and "1101**********002X" in line


# --- client address behind configured proxies --------------------------------------------------------
def _ip(settings, proxies, remote, forwarded=None):
    from django.test import RequestFactory

    from digigov.core.web.middleware import client_ip

    settings.DIGIGOV_TRUSTED_PROXIES = proxies
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_no_trusted_proxies_means_the_forwarded_header_is_ignored(settings):
    settings.HTTPS = True  # TLS alone no longer makes the header believable
    assert _ip(settings, [], "203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_the_header_is_ignored_when_the_peer_is_not_a_trusted_proxy(settings):
    assert _ip(settings, ["10.0.0.0/8"], "203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_the_walk_skips_every_trusted_proxy_from_the_right(settings):
    # client claims 1.2.3.4; the edge proxy saw 198.51.100.9 and appended it; an inner proxy appended the edge's address
    proxies = ["10.0.0.0/8", "192.168.1.5", "2001:db8::/32"]
    assert _ip(settings, proxies, "10.0.0.2", "1.2.3.4, 198.51.100.9, 192.168.1.5") == "198.51.100.9"
    assert _ip(settings, proxies, "2001:db8::1", "2001:db8::2, 2001:db8:1::1".replace("2001:db8:1::1", "203.0.113.8")) == "203.0.113.8"
    # every hop is ours: the leftmost one is the best we know
    assert _ip(settings, proxies, "10.0.0.2", "10.1.1.1, 192.168.1.5") == "10.1.1.1"


def test_a_malformed_entry_stops_at_the_last_vouched_address(settings):
    assert _ip(settings, ["10.0.0.0/8"], "10.0.0.2", "1.2.3.4, not-an-ip") == "10.0.0.2"
    assert _ip(settings, ["10.0.0.0/8"], "10.0.0.2", "garbage, 10.0.0.3") == "10.0.0.3"
    assert _ip(settings, ["10.0.0.0/8"], "10.0.0.2") == "10.0.0.2"
