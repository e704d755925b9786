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
from digigov.core.errors import DigiGovError
from digigov.core.kpi.actions import board
from digigov.core.rbac.checks import can

from .decorators import login_only, public, requires
from .forms import LoginForm, PasswordChangeForm, TotpConfirmForm


@public
def portal(request):
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
        return redirect(next_url or "/")
    status = 400 if request.method == "POST" else 200
    return render(request, "web/login.html", {"form": form, "next": next_url}, status=status)


@public
@require_POST
def logout_view(request):
    logout(request)
    return redirect("/")


@requires("workbench.access")
def workbench(request):
    return render(request, "web/workbench.html", {"kpis": board(), "link_kpis": can(request.user, "kpi.view")})


@login_only
@require_http_methods(["GET", "POST"])
def totp_setup(request):
    """Enrol a TOTP authenticator: show the key as a QR code, confirm with one code."""
    import qrcode
    import qrcode.image.svg
    from django_otp import login as otp_login

    verified = request.user.is_verified()
    device = account_actions.start_totp_enrolment(request.user, session_verified=verified)  # OtpRequired → 400 page
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_actions.confirm_totp_enrolment(request.user, device, form.cleaned_data["token"], session_verified=verified)
        except DigiGovError as exc:
            form.add_error("token", exc.message)
        else:
            otp_login(request, device)  # this session is now verified
            messages.success(request, _("动态口令已绑定，下次登录需输入动态口令。"))
            return redirect("/workbench/" if can(request.user, "workbench.access") else "/")
    buf = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(buf)
    status = 400 if form.errors else 200
    return render(request, "web/totp.html", {"form": form, "qr_svg": buf.getvalue().decode(), "secret_hint": device.bin_key.hex()[:4]}, status=status)


@login_only
@require_http_methods(["GET", "POST"])
def password_change(request):
    from django.contrib.auth import update_session_auth_hash

    from .middleware import client_ip

    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            account_actions.change_password(request.user, form.cleaned_data["old_password"], form.cleaned_data["new_password"],
                                            ip=client_ip(request) or None)
        except DigiGovError as exc:
            field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
            form.add_error(field if field in form.fields else None, exc.message)
            status = 429 if exc.status == 429 else 400  # 429 once the old password was guessed too often
        else:
            update_session_auth_hash(request, request.user)  # this session stays signed in; others end
            messages.success(request, _("密码已修改"))
            return redirect("/workbench/" if can(request.user, "workbench.access") else "/")
    return render(request, "web/form.html", {"form": form, "title": _("修改密码"), "submit_label": _("修改密码")},
                  status=400 if form.errors and status == 200 else status)


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


def bad_request(request, exception=None):
    """handler400. A body over DATA_UPLOAD_MAX_MEMORY_SIZE is first read by the CSRF middleware, before any
    view, so ErrorPageMiddleware never sees it and Django answers a bare 400: answer 413 like the views do.
    Other refused requests (SuspiciousOperation) get the Chinese error page rather than Django's English one."""
    from django.core.exceptions import RequestDataTooBig
    from django.views.defaults import bad_request as default_bad_request

    if isinstance(exception, RequestDataTooBig):
        error = DigiGovError("请求体超过大小限制", code="payload_too_large", status=413)
        if request.path.startswith("/api/"):
            return JsonResponse(error.as_body(), status=413)
        return render(request, "web/error.html", {"error": error}, status=413)
    if not request.path.startswith("/api/"):
        # a SuspiciousOperation (an admin ``_to_field`` trick, a bad Host header) gets a Chinese page too
        try:
            return render(request, "web/error.html", {"error": DigiGovError("请求无效", code="bad_request")}, status=400)
        except Exception:  # noqa: BLE001  (a request refused before the middleware set it up: a bad Host header)
            return HttpResponse("请求无效（400）", status=400, content_type="text/plain; charset=utf-8")
    return default_bad_request(request, exception)
