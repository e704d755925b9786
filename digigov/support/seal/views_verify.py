"""验章 — the public verification pages (no login): upload a signed PDF/OFD, or any file with its detached
signature, and read a big plain 是/否 per check; ``/verify/s/<token>/`` is what the QR code printed next to
a stamp opens. Rate-limited per address like the hall kiosk (a shared counter, so every worker counts
together): verification parses untrusted files and must not become a free CPU for a script."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from digigov.core import counters
from digigov.core.errors import NotFound, RateLimited, ValidationFailed
from digigov.core.web.decorators import public
from digigov.core.web.middleware import client_ip

from . import verify
from .models import VerifyChannel

VERIFY_MAX_PER_MINUTE = 20  # per address; settings.SEAL_VERIFY_MAX_PER_MINUTE overrides (0 = no limit, for the API fuzz)


def check_rate(request) -> None:
    from django.conf import settings

    limit = getattr(settings, "SEAL_VERIFY_MAX_PER_MINUTE", VERIFY_MAX_PER_MINUTE)
    if limit and counters.hit(f"seal.verify:{client_ip(request)}", 60) > limit:
        raise RateLimited("验章过于频繁，请稍后再试", code="verify_rate_limited")


class VerifyForm(forms.Form):
    file = forms.FileField(label="签章文件", help_text="已签章的 PDF 或 OFD 文件；其他文件请同时上传签名文件。不超过 20 MB。",
                           error_messages={"required": "请选择要核验的文件", "empty": "文件为空"})
    signature = forms.FileField(label="签名文件（可选）", required=False,
                                help_text="独立签名文件（.der），与上面的原文件一起核验。")


def _read(upload, limit: int) -> bytes:
    return upload.read(limit + 1) if upload else b""


@public
@require_http_methods(["GET", "POST"])
def verify_page(request):
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            check_rate(request)
            try:
                result = verify.verify_document(_read(form.cleaned_data["file"], verify.MAX_BYTES),
                                                signature=_read(form.cleaned_data.get("signature"), verify.MAX_SIGNATURE_BYTES) or None,
                                                channel=VerifyChannel.PAGE)
            except ValidationFailed as exc:
                field = (exc.detail or {}).get("field") if isinstance(exc.detail, dict) else None
                form.add_error(field if field in form.fields else None, exc.message)
        if form.errors:
            status = 400
    return render(request, "seal/verify.html", {"form": form, "result": result}, status=status)


@public
def verify_token_page(request, token):
    check_rate(request)
    try:
        result = verify.verify_token(token, channel=VerifyChannel.SCAN)
    except NotFound:
        return render(request, "seal/verify_token.html", {"result": None}, status=404)
    return render(request, "seal/verify_token.html", {"result": result})
