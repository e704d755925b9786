"""Workbench pages of 电子印章管理: seal list and detail, apply, the approval queue, certificates."""

from __future__ import annotations

import base64

from asn1crypto import pem
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.errors import DigiGovError
from digigov.core.org.models import Department
from digigov.core.rbac.checks import can, scope_queryset
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import actions, selectors
from .forms import ApplyForm, DecisionForm, ReasonForm, StatusForm
from .models import ApplicationStatus, CertKind, CertStatus, SealStatus, SealType

LIST_PAGE = 30


def _tabs(request) -> dict:
    return {"can_apply": can(request.user, "seal.apply"), "can_approve": can(request.user, "seal.approve")}


def _departments_in_reach(user):
    return scope_queryset(user, "seal.view", Department.objects.active(), department_field="", division_field="division").order_by("path")


@requires("seal.view")
def seal_list(request):
    qs = selectors.seals_in_reach(request.user)
    department = None
    dept_id = request.GET.get("unit", "")
    if dept_id:
        department = _departments_in_reach(request.user).filter(public_id=dept_id).first()
    seal_type = request.GET.get("type", "")
    seal_type = int(seal_type) if seal_type.isdigit() and int(seal_type) in SealType.values else None
    status = request.GET.get("status", "")
    status = status if status in SealStatus.values else ""
    q = (request.GET.get("q") or "").strip()[:64]
    qs = selectors.filter_seals(qs, department=department, seal_type=seal_type, status=status, q=q)
    covered, units = selectors.official_coverage_counts(_departments_in_reach(request.user))
    return render(request, "seal/seals.html", {
        "coverage": {"covered": covered, "units": units, "percent": round(100 * covered / units, 1) if units else None},
        **_tabs(request), "units": _departments_in_reach(request.user).only("public_id", "name", "path"), "unit": dept_id,
        "types": SealType.choices, "seal_type": seal_type, "statuses": SealStatus.choices, "status": status, "q": q,
        **paginate(request, qs.order_by("department__path", "seal_type", "code"), LIST_PAGE),
    })


def _seal_detail(request, seal, status_form=None, reissue_form=None, status=200):
    can_manage = can(request.user, "seal.approve", seal)
    can_reissue = seal.status != SealStatus.REVOKED and can(request.user, "seal.apply", seal)
    return render(request, "seal/seal_detail.html", {
        **_tabs(request), "seal": seal, "image": base64.b64encode(bytes(seal.image_png)).decode(),
        "signers": list(seal.signers.select_related("user").order_by("kind", "id")),
        "recent": selectors.recent_signings(seal), "can_manage": can_manage and seal.status != SealStatus.REVOKED,
        "status_form": status_form or StatusForm(), "can_reissue": can_reissue, "reissue_form": reissue_form or ReasonForm(),
    }, status=status)


@requires("seal.view")
def seal_detail(request, public_id):
    return _seal_detail(request, selectors.seal_for(request.user, public_id))


@requires("seal.approve")
@require_POST
def seal_status(request, public_id):
    seal = selectors.seal_for(request.user, public_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _seal_detail(request, seal, status_form=form, status=400)
    func = {"suspend": actions.suspend, "resume": actions.resume, "revoke": actions.revoke}[form.cleaned_data["action"]]
    try:
        func(request.user, seal, form.cleaned_data["reason"])
    except DigiGovError as exc:
        form.add_error(None, exc.message)
        return _seal_detail(request, selectors.seal_for(request.user, public_id), status_form=form, status=exc.status)
    messages.success(request, _("印章状态已更新"))
    return redirect("seal:seal", public_id=seal.public_id)


@requires("seal.apply")
@require_POST
def seal_reissue(request, public_id):
    seal = selectors.seal_for(request.user, public_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _seal_detail(request, seal, reissue_form=form, status=400)
    try:
        app, _created = actions.reissue(request.user, seal, reason=form.cleaned_data["reason"])
    except DigiGovError as exc:
        form.add_error(None, exc.message)
        return _seal_detail(request, seal, reissue_form=form, status=exc.status)
    messages.success(request, _("重新制作申请已提交，等待审批"))
    return redirect("seal:application", public_id=app.public_id)


@requires("seal.apply")
@require_http_methods(["GET", "POST"])
def apply(request):
    form = ApplyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            app, created = actions.apply_for_seal(request.user, department=d["department"], seal_type=d["seal_type"], name=d["name"],
                                                  holders=list(d["holders"]), valid_years=d["valid_years"], reason=d["reason"])
        except DigiGovError as exc:
            field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("印章申请已提交，等待审批") if created else _("该申请此前已提交，未重复创建"))
            return redirect("seal:application", public_id=app.public_id)
    return render(request, "web/form.html", {"form": form, "title": _("申请电子印章"), "submit_label": _("提交申请"),
                                             "intro": _("审批通过后由市电子印章制作中心制作印章并签发数字证书。")},
                  status=400 if form.errors else 200)


@requires("seal.view")
def application_list(request):
    qs = selectors.applications_in_reach(request.user)
    status = request.GET.get("status")
    if status is None and can(request.user, "seal.approve"):
        status = ApplicationStatus.SUBMITTED  # the approval queue first
    status = status if status in ApplicationStatus.values else ""
    if status:
        qs = qs.filter(status=status)
    order = ("created_at", "id") if status == ApplicationStatus.SUBMITTED else ("-created_at", "-id")
    return render(request, "seal/applications.html", {
        **_tabs(request), "status": status, "statuses": ApplicationStatus.choices,
        **paginate(request, qs.order_by(*order), LIST_PAGE),
    })


def _application_detail(request, app, form=None, status=200):
    open_ = app.status == ApplicationStatus.SUBMITTED
    can_decide = open_ and can(request.user, "seal.approve", app) and app.applicant_id != request.user.pk
    can_withdraw = open_ and can(request.user, "seal.apply", app)
    return render(request, "seal/application_detail.html", {
        **_tabs(request), "app": app, "holders": list(app.holders.all()), "can_decide": can_decide,
        "can_withdraw": can_withdraw, "form": form or (DecisionForm() if can_decide else None),
    }, status=status)


@requires("seal.view")
def application_detail(request, public_id):
    return _application_detail(request, selectors.application_for(request.user, public_id))


@requires("seal.approve")
@require_POST
def application_decide(request, public_id):
    app = selectors.application_for(request.user, public_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _application_detail(request, app, form, status=400)
    try:
        if form.cleaned_data["decision"] == "approve":
            actions.approve(request.user, app, form.cleaned_data["opinion"])
            messages.success(request, _("已批准，印章已制作"))
        else:
            actions.reject(request.user, app, form.cleaned_data["opinion"])
            messages.success(request, _("已驳回"))
    except DigiGovError as exc:
        form.add_error(None, exc.message)
        return _application_detail(request, selectors.application_for(request.user, public_id), form, status=exc.status)
    return redirect("seal:application", public_id=app.public_id)


@requires("seal.apply")
@require_POST
def application_withdraw(request, public_id):
    app = selectors.application_for(request.user, public_id)
    try:
        actions.withdraw(request.user, app)
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申请已撤回"))
    return redirect("seal:application", public_id=app.public_id)


@requires("seal.view")
def certificate_list(request):
    qs = selectors.certificates(request.user)
    kind = request.GET.get("kind", "")
    kind = kind if kind in CertKind.values else ""
    if kind:
        qs = qs.filter(kind=kind)
    status = request.GET.get("status", "")
    status = status if status in CertStatus.values else ""
    if status:
        qs = qs.filter(status=status)
    return render(request, "seal/certificates.html", {
        **_tabs(request), "kind": kind, "kinds": CertKind.choices, "status": status, "statuses": CertStatus.choices,
        "can_revoke": can(request.user, "seal.approve"), "reason_form": ReasonForm(),
        **paginate(request, qs.order_by("kind", "-not_before", "-id"), LIST_PAGE),
    })


@requires("seal.view")
def certificate_download(request, public_id):
    """The public certificate only (PEM by default, ``?format=der``); keys never leave the key store."""
    cert = selectors.certificate_for(request.user, public_id)
    der = bytes(cert.der)
    if request.GET.get("format") == "der":
        response = HttpResponse(der, content_type="application/pkix-cert")
        ext = "cer"
    else:
        response = HttpResponse(pem.armor("CERTIFICATE", der), content_type="application/x-pem-file")
        ext = "pem"
    response["Content-Disposition"] = f'attachment; filename="{cert.kind}-{cert.serial[:16]}.{ext}"'
    return response


@requires("seal.approve")
@require_POST
def certificate_revoke(request, public_id):
    cert = selectors.certificate_for(request.user, public_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写吊销原因"))
        return redirect("seal:certificates")
    try:
        actions.revoke_certificate(request.user, cert, form.cleaned_data["reason"])
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("证书已吊销"))
    return redirect("seal:certificates")
