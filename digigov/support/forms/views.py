"""The form designer in the workbench (``/workbench/support/forms/``): the list of forms, a form's versions,
the designer (the vendored form-js editor), the binding editor (免填来源), and a preview rendered by the
server renderer — what applicants see is what the server validates."""

from __future__ import annotations

import json

from django import forms as djforms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.errors import DigiGovError
from digigov.core.org.models import Department
from digigov.core.rbac.checks import can, scope_queryset
from digigov.core.web.decorators import requires

from . import actions, prefill, render as rd, schema as sc, selectors
from .models import FormStatus


def _design_departments(user):
    return scope_queryset(user, "forms.design", Department.objects.filter(voided_at__isnull=True), department_field="", division_field="division").order_by("path")


class NewFormForm(djforms.Form):
    key = djforms.CharField(label="表单标识", max_length=64, help_text="小写字母开头，只含小写字母、数字和连字符，如 birth-registration")
    name = djforms.CharField(label="表单名称", max_length=100)
    department = djforms.ModelChoiceField(label="所属部门", queryset=Department.objects.none(), required=False, empty_label="全市通用")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _design_departments(user)
        if not can(user, "forms.design", actions.WHOLE_CITY):
            self.fields["department"].required = True
            self.fields["department"].empty_label = "请选择"


@requires("forms.view")
def form_list(request):
    q = request.GET.get("q", "")[:100]
    try:
        rows, cursor = selectors.form_page(request.user, q=q, after=request.GET.get("after") or None)
    except DigiGovError:
        rows, cursor = selectors.form_page(request.user, q=q)
    current = {}
    if rows:
        for v in selectors.FormVersion.objects.filter(form__in=rows).order_by("form_id", "version").only("form_id", "version", "status"):
            current.setdefault(v.form_id, {"latest": v, "published": None})
            current[v.form_id]["latest"] = v
            if v.status == FormStatus.PUBLISHED:
                current[v.form_id]["published"] = v
    items = [(f, current.get(f.pk, {}).get("published"), current.get(f.pk, {}).get("latest")) for f in rows]
    can_design = can(request.user, "forms.design")
    return render(request, "forms/list.html", {
        "items": items, "next_cursor": cursor, "q": q, "can_design": can_design,
        "new_form": NewFormForm(user=request.user) if can_design else None, "first_page": not request.GET.get("after"),
    })


@requires("forms.design")
@require_POST
def form_create(request):
    form = NewFormForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            created = actions.create_form(request.user, key=form.cleaned_data["key"], name=form.cleaned_data["name"],
                                          department=form.cleaned_data["department"])
        except DigiGovError as exc:
            field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, "表单已创建，请在设计器中添加填写项")
            return redirect("forms:design", key=created.key)
    return render(request, "web/form.html", {"form": form, "title": "新建表单", "submit_label": "创建"}, status=400)


@requires("forms.view")
def form_detail(request, key):
    form = selectors.form_for(request.user, key)
    versions = list(selectors.versions(form))
    return render(request, "forms/detail.html", {
        "form": form, "versions": versions, "can_design": can(request.user, "forms.design", form),
    })


def _designer_version(form):
    return selectors.draft_version(form) or form.versions.select_related("form").order_by("-version").first()


@requires("forms.view")
def designer(request, key):
    form = selectors.form_for(request.user, key)
    version = _designer_version(form)
    can_design = can(request.user, "forms.design", form)
    catalogue = prefill.source_catalogue()
    bindings = version.bindings or {}
    fields = [(f, bindings.get(f.path, "")) for f in sc.flat_fields(version.ui) if not f.repeating]
    return render(request, "forms/designer.html", {
        "form": form, "version": version, "can_design": can_design, "is_draft": version.status == FormStatus.DRAFT,
        "doc": version.ui, "fields": fields, "sources": catalogue, "bindings": version.bindings or {},
        "problems": sc.check_document(version.ui, version.bindings, prefill.known_source) if version.status == FormStatus.DRAFT else {},
    })


def _json_body(request):
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


@requires("forms.design")
@require_POST
def save(request, key):
    """The designer's 保存草稿 (JSON: ``{"ui": <form-js document>}``); answers the problems publishing would refuse."""
    form = selectors.form_for(request.user, key, "forms.design")
    body = _json_body(request)
    if body is None:
        return JsonResponse({"ok": False, "message": "请求内容无法解析"}, status=400)
    current = _designer_version(form)
    try:
        version = actions.save_draft_version(request.user, form, body.get("ui"), current.bindings if current else {})
    except DigiGovError as exc:
        return JsonResponse({"ok": False, "message": exc.message}, status=exc.status)
    problems = sc.check_document(version.ui, version.bindings, prefill.known_source)
    return JsonResponse({"ok": True, "message": f"已保存为第 {version.version} 版草稿", "version": version.version,
                         "problems": list(problems.values()),
                         "preview": reverse("forms:preview", args=[form.key, version.version])})


@requires("forms.design")
@require_POST
def save_bindings(request, key):
    form = selectors.form_for(request.user, key, "forms.design")
    version = _designer_version(form)
    known = {f.path for f in sc.flat_fields(version.ui) if not f.repeating}
    bindings = {path: request.POST.get(f"bind-{path}", "") for path in known}
    bindings = {k: v for k, v in bindings.items() if v}
    bad = [k for k, v in bindings.items() if not prefill.known_source(v)]
    if bad:
        messages.error(request, "所选数据来源无效，请重新选择")
        return redirect("forms:design", key=form.key)
    try:
        actions.save_draft_version(request.user, form, version.ui, bindings)
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "数据绑定已保存")
    return redirect("forms:design", key=form.key)


@requires("forms.design")
@require_POST
def publish(request, key):
    form = selectors.form_for(request.user, key, "forms.design")
    version = selectors.draft_version(form)
    if version is None:
        messages.error(request, "没有待发布的草稿")
        return redirect("forms:form", key=form.key)
    try:
        actions.publish_version(request.user, version)
    except DigiGovError as exc:
        problems = exc.detail.get("problems") if isinstance(exc.detail, dict) else None
        messages.error(request, exc.message if not problems else "表单不能发布：" + "；".join(list(problems.values())[:5]))
        return redirect("forms:design", key=form.key)
    messages.success(request, f"第 {version.version} 版已发布，新的申请将使用此版本")
    return redirect("forms:form", key=form.key)


@requires("forms.design")
@require_POST
def retire(request, key, number):
    form = selectors.form_for(request.user, key, "forms.design")
    version = selectors.version_for(form, number)
    try:
        actions.retire_version(request.user, version)
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"第 {version.version} 版已停用")
    return redirect("forms:form", key=form.key)


@requires("forms.view")
@require_http_methods(["GET", "POST"])
def preview(request, key, number):
    """A version as applicants see it, rendered by the server; 试填 checks the answers (nothing is stored)."""
    form = selectors.form_for(request.user, key)
    version = selectors.version_for(form, number)
    data, errors, provenance, checked = {}, {}, {}, False
    if request.method == "POST":
        data, provenance = rd.data_from_post(version, request.POST)
        data, errors = actions.check_submission(version, data)
        checked = True
    return render(request, "forms/preview.html", {
        "form": form, "version": version, "data": data, "errors": errors, "provenance": provenance, "checked": checked,
    }, status=422 if errors else 200)


@requires("forms.view")
@require_POST
def preview_fragment(request, key):
    """The designer's 预览: the editor's current document rendered by the server renderer (nothing saved)."""
    selectors.form_for(request.user, key)
    body = _json_body(request)
    ui = body.get("ui") if body else None
    if not isinstance(ui, dict) or not isinstance(ui.get("components"), list):
        return render(request, "forms/_preview_fragment.html", {"error": "表单定义无效"}, status=400)
    problems = sc.check_document(ui)
    return render(request, "forms/_preview_fragment.html", {"ui": ui, "problems": list(problems.values())[:10]})
