"""Request id, actor context, security headers, Prometheus metrics."""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
import time
import uuid

from django.conf import settings
from prometheus_client import Counter, Histogram

from digigov.core import context

REQUESTS = Counter("digigov_http_requests_total", "HTTP requests", ["method", "status"])
LATENCY = Histogram(
    "digigov_http_request_seconds", "HTTP request latency", ["method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ACCESS_LOG = logging.getLogger("digigov.access")
_RID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address, networks) -> bool:
    return any(address in net for net in networks if address.version == net.version)


def client_ip(request) -> str:
    """The client's address. ``X-Forwarded-For`` is believed only from a configured proxy
    (``DIGIGOV_TRUSTED_PROXIES``): when the peer is one, the header is read right to left, skipping
    our own proxies; the first other address is the client (entries further left are whatever the
    client claimed). A malformed entry stops the walk at the last address a proxy vouched for.
    With no trusted proxies (the default) the header is ignored: anyone can send one."""
    remote = request.META.get("REMOTE_ADDR", "")[:45]
    networks = _networks(tuple(getattr(settings, "DIGIGOV_TRUSTED_PROXIES", ()) or ()))
    if not networks:
        return remote
    try:
        current = ipaddress.ip_address(remote)
    except ValueError:
        return remote
    if not _trusted(current, networks):
        return remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        try:
            address = ipaddress.ip_address(entry.strip()[:45])
        except ValueError:
            break
        current = address
        if not _trusted(address, networks):
            break
    return str(current)


class RejectNulMiddleware:
    """A NUL character in the path or query string is refused with 400 before any view runs
    (PostgreSQL cannot compare text with NUL; SQLite would silently truncate)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in raw or "\x00" in raw:
            from django.http import JsonResponse

            return JsonResponse({"code": "nul_character", "message": "请求中不能包含空字符（NUL）", "detail": None}, status=400)
        return self.get_response(request)


class RequestIdMiddleware:
    """Give each request an id (or keep a sane incoming X-Request-ID) and put it in the actor context."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        compact = incoming.replace("-", "") if _RID.match(incoming) else ""
        # kept only if it fits the 32 characters the audit log stores: a truncated id could collide with another
        request.request_id = compact if 8 <= len(compact) <= 32 else uuid.uuid4().hex
        token = context.set_actor(context.Actor(ip=client_ip(request), request_id=request.request_id, channel="web", username="anonymous"))
        try:
            response = self.get_response(request)
        finally:
            context.reset_actor(token)
        response["X-Request-ID"] = request.request_id
        return response


class ActorContextMiddleware:
    """After authentication: attribute the request's actions to the logged-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path
        channel = "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "web"
        actor = context.current_actor()
        if user is not None and user.is_authenticated:
            actor = context.Actor(user.pk, user.username, actor.ip, actor.request_id, channel)
        else:
            actor = context.Actor(None, "anonymous", actor.ip, actor.request_id, channel)
        token = context.set_actor(actor)
        try:
            return self.get_response(request)
        finally:
            context.reset_actor(token)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/v1/docs"):
            # Swagger UI (served from the local ninja package) uses inline bootstrap script
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"))
        else:
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class MetricsMiddleware:
    """Prometheus counters and the access log. The access log goes through the JSON formatter and
    the PII mask (a resident ID typed into a search box must not reach the log in clear), which is
    why the WSGI server's own access log is off."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        LATENCY.labels(request.method).observe(elapsed)
        REQUESTS.labels(request.method, str(response.status_code)).inc()
        if not request.path.startswith(("/static/", "/healthz", "/metrics")):
            user = getattr(request, "user", None)
            ACCESS_LOG.info(
                "%s %s %s %.1fms user=%s", request.method, request.get_full_path()[:500], response.status_code, elapsed * 1000,
                user.username if user is not None and user.is_authenticated else "-",
            )
        return response


class ErrorPageMiddleware:
    """Business errors raised in views become a 4xx error page, never a 500. Django's empty 405 (a POST-only
    address opened from a bookmark, e.g. the logout) becomes the same Chinese page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and not request.path.startswith("/api/"):
            from django.shortcuts import render

            from digigov.core.errors import DigiGovError

            error = DigiGovError("此地址不能直接打开，请使用页面上的按钮操作。", code="method_not_allowed", status=405)
            page = render(request, "web/error.html", {"error": error, "title": "无法打开此页面"}, status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response

    def process_exception(self, request, exception):
        from django.core.exceptions import RequestDataTooBig
        from django.shortcuts import render

        from digigov.core.errors import DigiGovError

        if isinstance(exception, RequestDataTooBig):
            exception = DigiGovError("请求体超过大小限制", code="payload_too_large", status=413)
        if not isinstance(exception, DigiGovError) or request.path.startswith("/api/"):
            return None
        return render(request, "web/error.html", {"error": exception}, status=exception.status)


class StaffOtpMiddleware:
    """TOTP for staff, at every staff door (workbench, admin, API sessions).

    "Staff" is decided by role as well as by account kind (``accounts.actions.uses_staff_login``):
    an account of any kind holding a staff role is held to the same policy.

    * A staff member with a confirmed authenticator must be in a session verified with a code;
      an unverified session (e.g. opened before enrolment elsewhere) is logged out.
    * With ``DIGIGOV_STAFF_OTP=required``, staff without an authenticator are sent to enrol first.
    """

    STAFF_PREFIXES = ("/workbench/", "/admin/", "/api/", "/oidc/authorize/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.path.startswith(self.STAFF_PREFIXES):
            from digigov.core.accounts.actions import uses_staff_login

            response = self._check(request, user) if uses_staff_login(user) else None
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, user):
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login
        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django_otp import user_has_device

        is_api = request.path.startswith("/api/")
        if user.is_verified():  # set from the session by OTPMiddleware
            return None
        # one indexed query per unverified staff request: does this person have an authenticator?
        if user_has_device(user, confirmed=True):
            logout(request)
            if is_api:
                return JsonResponse({"code": "otp_required", "message": "请重新登录并输入动态口令", "detail": None}, status=401)
            return redirect_to_login(request.get_full_path())
        if settings.DIGIGOV_STAFF_OTP == "required":
            if is_api:
                return JsonResponse({"code": "otp_enrolment_required", "message": "工作人员须先绑定动态口令（TOTP）", "detail": None},
                                    status=403)
            return redirect("web:totp")
        return None
