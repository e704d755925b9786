"""Citizen pages: 我的实名认证, the step-up page and its three forms; the H5 entry; the workbench's daily-active page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.accounts.models import LoginChannel, RealNameLevel
from digigov.core.errors import DigiGovError
from digigov.core.web import charts
from digigov.core.web.decorators import login_only, requires
from digigov.core.web.middleware import client_ip

from . import actions, face, selectors
from .forms import CodeForm, FaceForm, SendCodeForm
from .models import CodeChannel
from .session import raise_session_level
from .uploads import BoundedMemoryUploadHandler

PERMISSION = actions.PERMISSION

LEVELS = [
    (RealNameLevel.L1, gettext_lazy("一级实名"), gettext_lazy("用户名和密码登录。可浏览和查询公开服务、查看本人已办事项。")),
    (RealNameLevel.L2, gettext_lazy("二级实名"), gettext_lazy("在一级基础上，通过发送到本人登记手机号的短信验证码，或发送到本人邮箱的邮件验证码，证明手机/邮箱为本人所有。"
                                                "可在线申报一般事项。")),
    (RealNameLevel.L3, gettext_lazy("三级实名"), gettext_lazy("在登录后进行人脸核验，确认是本人操作。可办理涉及个人重要信息、资金或需本人到场的事项。")),
]


def _level_param(request) -> int:
    raw = request.POST.get("level") or request.GET.get("level") or ""
    return int(raw) if raw in ("2", "3") else RealNameLevel.L2


def _next_param(request) -> str:
    """``next`` checked like the login view does: same host only, else dropped."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return next_url
    return ""


def _verify_page_url(level: int, next_url: str, **extra) -> str:
    query = {"level": level, **extra}
    if next_url:
        query["next"] = next_url
    return f"{reverse('realname:verify')}?{urlencode(query)}"


def _steps(request) -> list[dict]:
    account = request.user.realname_level
    session = selectors.session_level(request)
    return [{"level": int(level), "name": name, "text": text, "account_done": account >= level, "session_done": session >= level}
            for level, name, text in LEVELS]


@requires(PERMISSION)
def my_realname(request):
    """我的实名认证: the account's level, this login's level, the steps and the verifications done."""
    return render(request, "realname/mine.html", {
        "account_level": request.user.realname_level,
        "account_label": selectors.short_label(request.user.realname_level),
        "session_level": selectors.session_level(request),
        "session_label": selectors.short_label(selectors.session_level(request)),
        "steps": _steps(request),
        "verifications": selectors.verifications_for(request.user),
        "staff_totp": getattr(request.user, "is_verified", lambda: False)(),
    })


def _verify_context(request, level: int, next_url: str, **forms) -> dict:
    adapter = face.verifier()
    sent = request.GET.get("sent", "")
    return {
        "level": level,
        "level_label": selectors.level_label(level),
        "next": next_url,
        "steps": _steps(request),
        "session_level": selectors.session_level(request),
        "session_label": selectors.level_label(selectors.session_level(request)),
        "phone_masked": actions.mask(CodeChannel.SMS, actions.phone_of(request.user)) if selectors.has_phone(request.user) else "",
        "has_person": getattr(request.user, "person", None) is not None,
        "send_form": forms.get("send_form") or SendCodeForm(initial={"channel": CodeChannel.EMAIL}),
        "code_form": forms.get("code_form") or CodeForm(initial={"channel": sent if sent in CodeChannel.values else CodeChannel.SMS}),
        "show_code": forms.get("code_form") is not None or sent in CodeChannel.values,
        "face_form": forms.get("face_form") or FaceForm(),
        "face_notice": adapter.notice,
        "face_label": adapter.label,
    }


def _done(request, level: int, next_url: str):
    if selectors.session_level(request) >= level and next_url:
        return redirect(next_url)
    return redirect(_verify_page_url(level, next_url))


@requires(PERMISSION)
def verify(request):
    """The step-up page: what each level means and the ways to reach the one asked for."""
    level, next_url = _level_param(request), _next_param(request)
    if next_url and selectors.session_level(request) >= level:
        return redirect(next_url)
    return render(request, "realname/verify.html", _verify_context(request, level, next_url))


@requires(PERMISSION)
@require_POST
def send_code(request):
    level, next_url = _level_param(request), _next_param(request)
    form = SendCodeForm(request.POST)
    status = 422
    if form.is_valid():
        channel = form.cleaned_data["channel"]
        try:
            otp = actions.send_code(request.user, channel, email=form.cleaned_data.get("email", ""), ip=client_ip(request) or None)
        except DigiGovError as exc:
            form.add_error("email" if exc.code in ("invalid_email", "email_required") else None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("验证码已发送至 %(to)s，5 分钟内有效。") % {"to": otp.destination_masked})
            return redirect(_verify_page_url(level, next_url, sent=channel))
    return render(request, "realname/verify.html", _verify_context(request, level, next_url, send_form=form), status=status)


@requires(PERMISSION)
@require_POST
def check_code(request):
    level, next_url = _level_param(request), _next_param(request)
    form = CodeForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            actions.verify_code(request.user, form.cleaned_data["channel"], form.cleaned_data["code"], ip=client_ip(request) or None)
        except DigiGovError as exc:
            form.add_error("code", exc.message)
            status = exc.status
        else:
            raise_session_level(request, RealNameLevel.L2)
            messages.success(request, _("验证通过：本次登录已达到二级实名。"))
            return _done(request, level, next_url)
    return render(request, "realname/verify.html", _verify_context(request, level, next_url, code_form=form), status=status)


@csrf_exempt  # the upload handler must be set before the CSRF check reads the body; csrf_protect below checks it
@requires(PERMISSION)
@require_POST
def check_face(request):
    request.upload_handlers = [BoundedMemoryUploadHandler(request)]
    return _check_face(request)


@csrf_protect
def _check_face(request):
    level, next_url = _level_param(request), _next_param(request)
    form = FaceForm(request.POST, request.FILES)
    status = 422
    handler = request.upload_handlers[0]
    if form.is_valid():
        photo = form.cleaned_data.get("photo")
        try:
            if handler.too_large:
                actions.face.check_photo(b"\0" * (face.MAX_PHOTO_BYTES + 1))  # the same refusal as any oversized photo
            actions.verify_face(request.user, photo.read() if photo else b"")
        except DigiGovError as exc:
            form.add_error("photo", exc.message)
            status = exc.status
        else:
            raise_session_level(request, RealNameLevel.L3)
            messages.success(request, _("人脸核验通过：本次登录已达到三级实名。"))
            return _done(request, level, next_url)
    return render(request, "realname/verify.html", _verify_context(request, max(level, 3), next_url, face_form=form), status=status)


@login_only
def h5_home(request):
    """The mobile entry (H5). The one-stop-services issue fills it with services; for now who is signed in and
    how strongly. Anonymous visitors go to the one login with next=/h5/, which counts an H5 login."""
    level = selectors.session_level(request)
    return render(request, "realname/h5.html", {
        "account_label": selectors.short_label(request.user.realname_level),
        "session_label": selectors.short_label(level),
    })


CHART_DAYS = 30
CHANNEL_COLORS = {LoginChannel.PORTAL: charts.RED, LoginChannel.H5: charts.GREEN, LoginChannel.WORKBENCH: charts.BLUE,
                  LoginChannel.CLIENT: "#6a1b9a"}


@requires("realname.activity")
def activity(request):
    """Daily active accounts by login channel, last 30 days: the raw material of Table 1 K07/K10."""
    today = timezone.localdate()
    series = selectors.daily_active_series(today, CHART_DAYS)
    labels = [d.strftime("%m-%d") for d in series["days"]]
    lines = [(_("合计（去重）"), series["total"], "#455a64")]
    lines += [(LoginChannel(c).label, series["by_channel"][c], CHANNEL_COLORS[c]) for c in LoginChannel.values]
    chart = charts.count_lines(_("日活跃账户数（近%(days)s天，按登录渠道）") % {"days": CHART_DAYS}, labels, lines, unit=_("人"))
    rows = [{"day": d, "total": series["total"][i], "channels": [series["by_channel"][c][i] for c in LoginChannel.values]}
            for i, d in reversed(list(enumerate(series["days"])))]
    return render(request, "realname/activity.html", {
        "chart": chart, "rows": rows, "channels": [LoginChannel(c).label for c in LoginChannel.values],
        "today_total": series["total"][-1], "yesterday_total": series["total"][-2] if len(series["total"]) > 1 else 0,
        "since": today - dt.timedelta(days=CHART_DAYS - 1),
    })
