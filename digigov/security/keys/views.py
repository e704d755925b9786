"""The key page (密钥管理) for the security officer: purposes, versions, uses, coverage of the encrypted
columns, rotation and re-encryption with a progress bar (HTMX polling while a pass runs)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digigov.core.errors import DigiGovError, NotFound
from digigov.core.rbac.checks import can
from digigov.core.web.decorators import requires

from . import actions, selectors
from .models import DataKey


class PurposeForm(forms.Form):
    purpose = forms.CharField(max_length=64)

    def clean_purpose(self):
        purpose = self.cleaned_data["purpose"]
        if not DataKey.objects.filter(purpose=purpose).exists():
            raise forms.ValidationError(_("没有这个密钥用途"))
        return purpose


@requires("keys.view")
def index(request):
    return render(request, "keys/index.html", {"purposes": selectors.purposes(), "can_manage": can(request.user, "keys.manage")})


def _post(request, do, done_message):
    form = PurposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["purpose"][0])
        return redirect("keys:index")
    try:
        result = do(request.user, form.cleaned_data["purpose"])
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done_message(result))
    return redirect("keys:index")


@requires("keys.manage")
@require_POST
def rotate(request):
    return _post(request, actions.rotate_key,
                 lambda row: _("已轮换“%(label)s”，新数据使用第 %(v)s 版；旧数据仍可读，可发起重新加密") % {
                     "label": selectors.purpose_label(row.purpose), "v": row.version})


@requires("keys.manage")
@require_POST
def reencrypt(request):
    return _post(request, actions.start_reencryption,
                 lambda job: _("已发起重新加密：全部密文将移到第 %(v)s 版") % {"v": job.target_version})


@requires("keys.view")
def progress(request, purpose):
    job = selectors.latest_job(purpose)
    if job is None:
        raise NotFound(_("该用途没有重新加密任务"))
    return render(request, "keys/_progress.html", {"job": job, "purpose": purpose})
