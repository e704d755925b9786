"""Front doors: public portal, login, staff workbench home, TOTP enrolment, health and metrics."""

from __future__ import annotations

import io
import os

from django.contrib import messages
from django.contrib.auth import login, logout
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from digigov.core.accounts import actions as account_actions
from digigov.core.accounts.models import LoginChannel
from digigov.core.errors import DigiGovError
from digigov.core.kpi.actions import board
from digigov.core.rbac.checks import can

from .decorators import login_only, public, requires
from .forms import LoginForm, PasswordChangeForm, TotpConfirmForm, bind, keep_invalid
from .todos import todos_for


@public
def portal(request):
    """The first screen: the view an app registered (``registry.register_portal_home``, the 一网通办 portal), else
    core's own page (the architecture map and the KPIs)."""
    from digigov.core.registry import portal_home

    home = portal_home()
    if home is not None:
        return home(request)
    return core_portal(request)


def core_portal(request):
    """Core's portal page: the plan's architecture map and Table 1's indicators (also the 一网通办 portal's 关于 page)."""
    agencies = account_actions.acting_for(request.user) if request.user.is_authenticated else []
    return render(request, "web/portal.html", {"agencies": agencies, "kpis": board()})


@public
@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        try:
            user = account_actions.login_check(request, form.cleaned_data["username"], form.cleaned_data["password"],
                                               form.cleaned_data.get("otp_token", ""))
        except DigiGovError as exc:
            form.add_error(None, exc.message)
            return render(request, "web/login.html", {"form": form, "next": next_url}, status=exc.status)
        login(request, user)
        if hasattr(user, "otp_device"):
            from django_otp import login as otp_login

            otp_login(request, user.otp_device)
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = "/workbench/" if can(user, "workbench.access") else "/"
        next_url = next_url or "/"
        channel = account_actions.login_channel(next_url)
        if channel != LoginChannel.CLIENT:  # a login for a third-party app is counted, with the app's name,
            account_actions.record_login_event(user, channel)  # when the app is granted it (support.identity)
        return redirect(next_url)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/login.html", {"form": form, "next": next_url}, status=status)


@public
@require_POST
def logout_view(request):
    logout(request)
    return redirect("/")


@requires("workbench.access")
def workbench(request):
    return render(request, "web/workbench.html", {"todos": todos_for(request), "kpis": board(), "link_kpis": can(request.user, "kpi.view")})


@login_only
@require_http_methods(["GET", "POST"])
def totp_setup(request):
    """Enrol a TOTP authenticator: show the key as a QR code, confirm with one code."""
    import qrcode
    import qrcode.image.svg
    from django_otp import login as otp_login

    verified = request.user.is_verified()
    device = account_actions.start_totp_enrolment(request.user, session_verified=verified)  # OtpRequired → 400 page
    form = bind(request, TotpConfirmForm)
    if request.method == "POST":
        if form.is_valid():
            try:
                account_actions.confirm_totp_enrolment(request.user, device, form.cleaned_data["token"], session_verified=verified)
            except DigiGovError as exc:
                form.add_error("token", exc.message)
            else:
                otp_login(request, device)  # this session is now verified
                messages.success(request, _("动态口令已绑定，下次登录需输入动态口令。"))
                return redirect("/workbench/" if can(request.user, "workbench.access") else "/")
        return keep_invalid(request, form)
    buf = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(buf)
    return render(request, "web/totp.html", {"form": form, "qr_svg": buf.getvalue().decode(), "secret_hint": device.bin_key.hex()[:4]})


@login_only
@require_http_methods(["GET", "POST"])
def password_change(request):
    from django.contrib.auth import update_session_auth_hash

    from .middleware import client_ip

    form = bind(request, PasswordChangeForm)
    if request.method == "POST":
        if form.is_valid():
            try:
                account_actions.change_password(request.user, form.cleaned_data["old_password"], form.cleaned_data["new_password"],
                                                ip=client_ip(request) or None)
            except DigiGovError as exc:
                if exc.status == 429:  # the old password was guessed too often: nothing to correct, answer 429
                    form.add_error(None, exc.message)
                    return render(request, "web/form.html", {"form": form, "title": _("修改密码"), "submit_label": _("修改密码")},
                                  status=429)
                field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                update_session_auth_hash(request, request.user)  # this session stays signed in; others end
                messages.success(request, _("密码已修改"))
                return redirect("/workbench/" if can(request.user, "workbench.access") else "/")
        return keep_invalid(request, form)  # the passwords are not kept; the errors are
    return render(request, "web/form.html", {"form": form, "title": _("修改密码"), "submit_label": _("修改密码")})


@public
def healthz(request):
    return JsonResponse({"status": "ok"})


@public
def readyz(request):
    checks = {}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report, do not crash
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        from huey.contrib.djhuey import HUEY

        HUEY.pending_count()
        checks["queue"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["queue"] = f"error: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


@public
def metrics(request):
    """Prometheus exposition. Under several worker processes (``PROMETHEUS_MULTIPROC_DIR``, set by
    scripts/serve.sh) the counters of every worker are read from that directory and summed;
    otherwise this process's own registry."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import CollectorRegistry, multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)


def _error_json(request, status: int, code: str, message: str):
    return JsonResponse({"code": code, "message": message, "detail": {"path": request.path}}, status=status)


def _error_page(request, status: int, title: str, message: str, code: str):
    """A Chinese error page in the site's layout; the API keeps its JSON body."""
    if request.path.startswith("/api/"):
        return _error_json(request, status, code, message)
    error = DigiGovError(message, code=code, status=status)
    return render(request, "web/error.html", {"error": error, "title": title}, status=status)


def bad_request(request, exception=None):
    """handler400. A body over DATA_UPLOAD_MAX_MEMORY_SIZE is first read by the CSRF middleware, before any
    view, so ErrorPageMiddleware never sees it and Django answers a bare 400: answer 413 like the views do.
    Other refused requests (SuspiciousOperation) get the Chinese error page rather than Django's English one."""
    from django.core.exceptions import RequestDataTooBig

    if isinstance(exception, RequestDataTooBig):
        return _error_page(request, 413, _("请求过大"), _("请求体超过大小限制"), "payload_too_large")
    try:
        return _error_page(request, 400, _("请求无效"), _("请求无效，请检查后重试"), "bad_request")
    except Exception:  # noqa: BLE001  (a request refused before the middleware set it up: a bad Host header)
        return HttpResponse("请求无效（400）", status=400, content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    """handler404: Django's own page is English and shows nothing of the site."""
    return _error_page(request, 404, _("页面不存在"), _("您访问的页面不存在，或已被移除。"), "not_found")


def permission_denied(request, exception=None):
    """handler403 (a PermissionDenied raised outside ErrorPageMiddleware's reach, e.g. by the admin)."""
    return _error_page(request, 403, _("无权访问"), _("您没有访问此页面的权限。"), "forbidden")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW. Mostly an expired page or cookies switched off; Django's page tells the user
    to set DEBUG=True."""
    return _error_page(request, 403, _("页面已过期"),
                       _("表单已失效（页面停留过久或浏览器禁用了 Cookie）。请返回并刷新页面后重新提交。"), "csrf_failed")


SERVER_ERROR_HTML = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>系统繁忙 · DigiGov</title></head>
<body style="margin:0;font-family:sans-serif;background:#f5f6f8;color:#1f2329">
<header style="background:#c62828;color:#fff;padding:.6rem 1.2rem;font-weight:bold"><a href="/" style="color:#fff;text-decoration:none">数字政府服务平台</a></header>
<main style="padding:1.2rem"><div style="background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:1rem 1.2rem;max-width:40rem">
<h2>系统繁忙</h2><p>服务器处理请求时出错，已记录。请稍后重试；如问题持续，请联系运维人员并提供请求编号：%s</p>
<p><a href="/">返回首页</a></p></div></main></body></html>"""


def server_error(request):
    """handler500. Nothing here may touch the database, the session or the context processors (they may be
    what failed), so the page is a fixed string with the request id, not a template render."""
    rid = str(getattr(request, "request_id", ""))[:64]
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "message": "服务器内部错误", "detail": {"request_id": rid}}, status=500)
    from django.utils.html import escape

    return HttpResponse(SERVER_ERROR_HTML % escape(rid), status=500, content_type="text/html; charset=utf-8")
