"""Workbench pages of e-licences (/workbench/support/licences/): the licences an issuing unit issued (filter,
pages), one licence (fields, history, the sealed OFD/PDF to download, change / re-issue / revoke), the issue
form (new or migrated from paper), batch import, and the type catalog (list, detail, new, edit)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.audit.actions import record
from digigov.core.errors import DigiGovError
from digigov.core.org.models import Department
from digigov.core.rbac.checks import can, scope_queryset
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import selectors
from .actions import batch as batch_actions
from .actions import licences as licence_actions
from .actions import types as type_actions
from .fields import display
from .forms import (
    BatchForm, ChooseTypeForm, ReasonForm, TypeForm, field_name, fields_text, form_data, issue_form_class,
)
from .files import file_response
from .models import HolderKind, LicenceSource, LicenceStatus


def _errors_onto(form, exc: DigiGovError, mapper=lambda k: k) -> None:
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    fields = detail.get("fields") if isinstance(detail.get("fields"), dict) else None
    if fields:
        for key, msg in fields.items():
            name = mapper(key)
            form.add_error(name if name in form.fields else None, msg)
        return
    name = mapper(detail.get("field")) if detail.get("field") else None
    form.add_error(name if name in form.fields else None, exc.message)


# --- licences ----------------------------------------------------------------------------------------

@requires("license.view")
def licence_list(request):
    status = request.GET.get("status", "")
    status = status if status in selectors.STATUS_FILTERS else ""
    q = request.GET.get("q", "").strip()[:64]
    type_id = request.GET.get("type", "")[:22]
    qs = selectors.licences(request.user).filter(selectors.licence_filter(q=q, status=status, licence_type=type_id))
    return render(request, "license/licences.html", {
        "q": q, "status": status, "type_id": type_id,
        "statuses": [("", _("全部状态"))] + [(k, LicenceStatus(v).label) for k, v in selectors.STATUS_FILTERS.items()],
        "types": selectors.LicenceType.objects.order_by("code").only("public_id", "name"),
        "can_issue": can(request.user, "license.issue"),
        **paginate(request, qs.order_by("-issued_on", "-id")),
    })


def _licence_page(request, lic, *, reason_form=None, status=200):
    may = lic.status == LicenceStatus.VALID and can(request.user, "license.issue", lic.issuer)
    record(request.user, "pii.read", lic, after={"fields": ["data", "holder_code"], "purpose": "查看电子证照"})
    return render(request, "license/licence.html", {
        "lic": lic, "rows": display(lic.licence_type.fields, lic.data), "events": lic.events.select_related("actor"),
        "holder_kind": HolderKind(lic.holder_kind).label, "may_act": may, "reason_form": reason_form or ReasonForm(),
        "next_licence": getattr(lic, "next", None) if lic.status == LicenceStatus.SUPERSEDED else None,
    }, status=status)


@requires("license.view")
def licence_detail(request, public_id):
    return _licence_page(request, selectors.licence_for(request.user, public_id))


@requires("license.view")
def licence_download(request, public_id, fmt):
    lic = selectors.licence_for(request.user, public_id)
    response = file_response(lic, fmt)
    record(request.user, "license.licence.download", lic, after={"format": fmt})
    return response


@requires("license.issue")
@require_POST
def licence_act(request, public_id, move):
    lic = selectors.licence_for(request.user, public_id, "license.issue")
    form = ReasonForm(request.POST)
    if move not in ("revoke", "reissue"):
        from digigov.core.errors import NotFound

        raise NotFound("操作不存在", code="not_found")
    if form.is_valid():
        try:
            if move == "revoke":
                licence_actions.revoke_licence(request.user, lic, form.cleaned_data["reason"])
                messages.success(request, _("证照已注销"))
                return redirect("license:licence", public_id=lic.public_id)
            new = licence_actions.reissue_licence(request.user, lic, form.cleaned_data["reason"])
            messages.success(request, _("已补发新证，原证照已被替代"))
            return redirect("license:licence", public_id=new.public_id)
        except DigiGovError as exc:
            _errors_onto(form, exc)
    return _licence_page(request, selectors.licence_for(request.user, public_id), reason_form=form, status=400)


@requires("license.issue")
@require_http_methods(["GET", "POST"])
def licence_change(request, public_id):
    lic = selectors.licence_for(request.user, public_id, "license.issue")
    cls = issue_form_class(lic.licence_type, migration_allowed=False)
    initial = {"holder_name": lic.holder_name, "holder_code": lic.holder_code,
               **{f"f_{k}": v for k, v in lic.data.items()}, "valid_from": lic.valid_from}
    form = cls(request.POST or None, initial=initial)
    form.fields["holder_code"].disabled = True
    form.fields["valid_from"].disabled = True
    form.fields["reason"] = ReasonForm.base_fields["reason"]
    if request.method == "POST" and form.is_valid():
        try:
            new = licence_actions.change_licence(request.user, lic, {"name": form.cleaned_data["holder_name"], **form_data(form)},
                                                 form.cleaned_data["reason"])
        except DigiGovError as exc:
            _errors_onto(form, exc, field_name)
        else:
            messages.success(request, _("证照已变更：已签发新证，原证照已被替代"))
            return redirect("license:licence", public_id=new.public_id)
    return render(request, "web/form.html", {"form": form, "title": _("变更证照：%(n)s") % {"n": str(lic)}, "submit_label": _("变更并签发新证"),
                                             "intro": _("变更后签发一张新的电子证照（证照编号不变），原证照状态变为“已变更”。")},
                  status=400 if form.errors else 200)


@requires("license.issue")
@require_http_methods(["GET", "POST"])
def licence_issue(request):
    types = selectors.issuable_types(request.user)
    chosen = request.GET.get("type") or request.POST.get("type_id")
    lt = types.filter(public_id=chosen).first() if chosen else None
    if lt is None:
        return render(request, "license/issue_choose.html", {"form": ChooseTypeForm(request.GET if chosen else None, types=types),
                                                             "count": types.count()})
    form = issue_form_class(lt)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d.get("paper_number"):
                lic = batch_actions.migrate_paper_licence(request.user, lt, holder_code=d["holder_code"], holder_name=d["holder_name"],
                                                          number=d["paper_number"], data=form_data(form), valid_from=d.get("valid_from"))
            else:
                lic = licence_actions.issue_licence(request.user, lt, lt.holder_kind, d["holder_code"], d["holder_name"], form_data(form),
                                                    d.get("valid_from"), source=LicenceSource.APPROVAL)
        except DigiGovError as exc:
            _errors_onto(form, exc, field_name)
        else:
            messages.success(request, _("电子证照已签发并加盖%(d)s的电子印章") % {"d": lic.issuer.name})
            return redirect("license:licence", public_id=lic.public_id)
    return render(request, "license/issue.html", {"form": form, "lt": lt}, status=400 if form.errors else 200)


@requires("license.issue")
@require_http_methods(["GET", "POST"])
def licence_batch(request):
    types = selectors.issuable_types(request.user)
    form = BatchForm(request.POST or None, request.FILES or None, types=types)
    report = None
    if request.method == "POST" and form.is_valid():
        up = form.cleaned_data["file"]
        try:
            report = batch_actions.import_licences(request.user, form.cleaned_data["type"], up.read(batch_actions.MAX_BYTES + 1), up.name)
        except DigiGovError as exc:
            _errors_onto(form, exc)
    lt = form.cleaned_data.get("type") if form.is_bound and hasattr(form, "cleaned_data") else None
    counts = (report.count("created"), report.count("skipped"), report.count("error")) if report else None
    return render(request, "license/batch.html", {"form": form, "report": report, "lt": lt, "counts": counts,
                                                  "header_hint": "、".join([batch_actions.HOLDER_NAME, batch_actions.HOLDER_CODE, batch_actions.NUMBER])},
                  status=400 if form.errors else 200)


# --- types --------------------------------------------------------------------------------------------

@requires("license.view")
def type_list(request):
    q = request.GET.get("q", "").strip()[:32]
    qs = selectors.licence_types()
    if q:
        qs = qs.filter(name__contains=q) | qs.filter(code=q.upper())
    return render(request, "license/types.html", {"q": q, "can_manage": can(request.user, "license.manage"),
                                                  **paginate(request, qs.order_by("code"))})


@requires("license.view")
def type_detail(request, public_id):
    lt = selectors.licence_type_for(public_id)
    from .catalog import FIELD_TYPES

    fields = [(f["label"], str(FIELD_TYPES.get(f.get("type", "text"), "")), _("必填") if f.get("required", True) else _("选填"),
               "、".join(f.get("options", []))) for f in lt.fields]
    return render(request, "license/type.html", {
        "lt": lt, "fields": fields, "holder_kind": HolderKind(lt.holder_kind).label, "issued": lt.licences.count(),
        "may_edit": can(request.user, "license.manage", lt), "may_issue": lt.active and can(request.user, "license.issue", lt.department),
        "page": lt.layout.get("page", {}),
    })


def _type_departments(user):
    return scope_queryset(user, "license.manage", Department.objects.active().order_by("path"), department_field="", division_field=None)


@requires("license.manage")
@require_http_methods(["GET", "POST"])
def type_new(request):
    form = TypeForm(request.POST or None, departments=_type_departments(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            lt = type_actions.create_type(request.user, code=d["code"], name=d["name"], holder_kind=d["holder_kind"], department=d["department"],
                                          valid_years=d["valid_years"], is_licensing=d["is_licensing"], page=d["page"], fields=d["fields_text"])
        except DigiGovError as exc:
            _errors_onto(form, exc, lambda k: "fields_text" if k == "fields" else k)
        else:
            messages.success(request, _("证照类型已新建"))
            return redirect("license:type", public_id=lt.public_id)
    return render(request, "web/form.html", {"form": form, "title": _("新建证照类型"), "submit_label": _("保存")}, status=400 if form.errors else 200)


@requires("license.manage")
@require_http_methods(["GET", "POST"])
def type_edit(request, public_id):
    lt = selectors.licence_type_for(public_id)
    page = next((k for k, (w, h) in type_actions.PAGE_SIZES.items() if (w, h) == (lt.layout.get("page", {}).get("width"), lt.layout.get("page", {}).get("height"))), "A5 横向")
    initial = {"name": lt.name, "holder_kind": lt.holder_kind, "department": lt.department.public_id, "valid_years": lt.valid_years,
               "is_licensing": lt.is_licensing, "page": page, "fields_text": fields_text(lt.fields)}
    form = TypeForm(request.POST or None, initial=initial, departments=_type_departments(request.user), editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            type_actions.update_type(request.user, lt, name=d["name"], holder_kind=d["holder_kind"], department=d["department"],
                                     valid_years=d["valid_years"], is_licensing=d["is_licensing"], page=d["page"], fields=d["fields_text"])
        except DigiGovError as exc:
            _errors_onto(form, exc, lambda k: "fields_text" if k == "fields" else k)
        else:
            messages.success(request, _("证照类型已保存"))
            return redirect("license:type", public_id=lt.public_id)
    return render(request, "web/form.html", {"form": form, "title": _("修改证照类型：%(n)s") % {"n": lt.name}, "submit_label": _("保存")},
                  status=400 if form.errors else 200)


@requires("license.manage")
@require_POST
def type_toggle(request, public_id):
    lt = selectors.licence_type_for(public_id)
    type_actions.set_type_active(request.user, lt, not lt.active)
    messages.success(request, _("证照类型已启用") if not lt.active else _("证照类型已停用"))
    return redirect("license:type", public_id=lt.public_id)
