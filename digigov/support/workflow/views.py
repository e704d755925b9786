"""Workbench pages of the process engine: process list and page (versions, import, activate/retire),
the bpmn-js modeller (edit a version, save as a new draft — the server checks it like an import), the
case diagram (where a case stands), the incident list and the business-component catalog."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core import registry
from digigov.core.errors import DigiGovError, get_or_404
from digigov.core.rbac.checks import can
from digigov.core.web.decorators import requires

from . import components as builtin_components
from . import selectors, where
from .actions import incidents as incident_actions
from .actions import processes as process_actions
from .forms import CancelForm, ImportForm
from .models import VersionStatus

PAGE = 50


def _render(request, template, ctx, status=200):
    ctx.setdefault("perms_incident", can(request.user, "workflow.incident"))
    return render(request, template, ctx, status=status)


def _form_error(form, exc: DigiGovError) -> None:
    field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
    form.add_error(field if field in form.fields else None, exc.message)
    for e in (exc.detail.get("errors") or [])[1:8] if isinstance(exc.detail, dict) else []:
        form.add_error(field if field in form.fields else None, (f"{e['element']}：" if e.get("element") else "") + e["message"])


def _import(request, form):
    data = form.cleaned_data
    upload = data["file"]
    try:
        version = process_actions.import_process(request.user, upload.read(), upload.name, department=data["department"], name=data["name"])
    except DigiGovError as exc:
        _form_error(form, exc)
        return None
    messages.success(request, _("已导入为第 %(n)s 版草稿，请检查后发布") % {"n": version.version})
    return redirect("workflow:process", public_id=version.process.public_id)


@requires("workflow.view")
@require_http_methods(["GET", "POST"])
def processes(request):
    can_design = can(request.user, "workflow.design")
    form = None
    if can_design:
        form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            done = _import(request, form)
            if done:
                return done
    try:
        after = int(request.GET.get("after") or 0) or None
    except ValueError:
        after = None
    q = (request.GET.get("q") or "")[:100]
    rows, cursor = selectors.process_list(request.user, after=after, limit=PAGE, q=q)
    return _render(request, "workflow/processes.html", {"rows": rows, "cursor": cursor, "q": q, "form": form, "can_design": can_design},
                   status=400 if form is not None and form.errors else 200)


@requires("workflow.view")
def process_detail(request, public_id):
    process = get_or_404(selectors.processes(request.user).select_related("department"), public_id=public_id)
    versions = list(process.versions.select_related("imported_by").order_by("-version"))
    can_design = can(request.user, "workflow.design", process) if process.department_id else can(request.user, "workflow.design")
    return _render(request, "workflow/process.html", {"process": process, "versions": versions, "can_design": can_design,
                                                     "active": VersionStatus.ACTIVE, "retired": VersionStatus.RETIRED})


def _version(request, public_id, perm="workflow.view"):
    return get_or_404(selectors.versions(request.user, perm), public_id=public_id)


@requires("workflow.view")
@require_http_methods(["GET", "POST"])
def modeller(request, public_id):
    """GET: the version in the bpmn-js modeller. POST (``bpmn_xml``): save the edited diagram as a new draft."""
    version = _version(request, public_id)
    can_design = can(request.user, "workflow.design", version)
    error, errors, xml, status = "", [], version.bpmn_xml, 200
    if request.method == "POST":
        if not can_design:
            return HttpResponse(status=403)
        xml = request.POST.get("bpmn_xml") or ""
        try:
            new = process_actions.import_process(request.user, xml.encode("utf-8"), version.filename or f"{version.process.key}.bpmn",
                                                 department=version.process.department or None, name=version.process.name)
        except DigiGovError as exc:
            error, status = exc.message, 400
            errors = exc.detail.get("errors", []) if isinstance(exc.detail, dict) else []
        else:
            messages.success(request, _("已保存为第 %(n)s 版草稿") % {"n": new.version})
            return redirect("workflow:modeller", public_id=new.public_id)
    return _render(request, "workflow/modeller.html", {"version": version, "xml": xml, "can_design": can_design,
                                                      "error": error, "errors": errors[:20]}, status=status)


@requires("workflow.view")
def export(request, public_id):
    version = _version(request, public_id)
    filename, data = process_actions.export_version(request.user, version)
    response = HttpResponse(data, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@requires("workflow.design")
@require_POST
def activate(request, public_id):
    version = _version(request, public_id, "workflow.design")
    try:
        process_actions.activate_version(request.user, version)
        messages.success(request, _("第 %(n)s 版已发布，新办件按此版本办理") % {"n": version.version})
    except DigiGovError as exc:
        messages.error(request, exc.message)
    return redirect("workflow:process", public_id=version.process.public_id)


@requires("workflow.design")
@require_POST
def retire(request, public_id):
    version = _version(request, public_id, "workflow.design")
    try:
        process_actions.retire_version(request.user, version)
        messages.success(request, _("第 %(n)s 版已停用") % {"n": version.version})
    except DigiGovError as exc:
        messages.error(request, exc.message)
    return redirect("workflow:process", public_id=version.process.public_id)


@requires("workflow.view")
def case_diagram(request, public_id):
    case = get_or_404(selectors.cases(request.user), public_id=public_id)
    position = where.position(case)
    metas = {}
    from . import engine

    for eid, meta in engine.element_meta(case.process_version).items():
        metas[eid] = meta.name
    return _render(request, "workflow/case_diagram.html", {
        "case": case, "xml": case.process_version.bpmn_xml,
        "markers": {"current": position.current, "completed": position.completed, "failed": position.failed},
        "current_names": [metas.get(e, e) for e in position.current],
    })


@requires("workflow.incident")
def incidents(request):
    status = request.GET.get("status") or "open"
    if status not in ("open", "resolved"):
        status = "open"
    rows = list(selectors.incidents(request.user, status=status).order_by("-pk")[:200])
    from . import engine

    for i in rows:  # the element's name as drawn, not its id
        meta = engine.element_meta(i.case.process_version).get(i.element_id)
        i.element_name = meta.name if meta else "—"
    return _render(request, "workflow/incidents.html", {"rows": rows, "status": status, "cancel_form": CancelForm()})


@requires("workflow.incident")
@require_POST
def incident_retry(request, public_id):
    incident = get_or_404(selectors.incidents(request.user, status=""), public_id=public_id)
    try:
        incident = incident_actions.retry_incident(request.user, incident)
        if incident.status == "resolved":
            messages.success(request, _("重试成功，办件继续办理"))
        else:
            messages.error(request, _("重试仍失败：%(m)s") % {"m": incident.message})
    except DigiGovError as exc:
        messages.error(request, exc.message)
    return redirect("workflow:incidents")


@requires("workflow.incident")
@require_POST
def incident_cancel(request, public_id):
    incident = get_or_404(selectors.incidents(request.user, status=""), public_id=public_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写终止原因"))
        return redirect("workflow:incidents")
    try:
        incident_actions.cancel_incident(request.user, incident, reason=form.cleaned_data["reason"])
        messages.success(request, _("办件已终止"))
    except DigiGovError as exc:
        messages.error(request, exc.message)
    return redirect("workflow:incidents")


TYPE_LABELS = {"string": "文本", "integer": "整数", "number": "数值", "boolean": "是/否", "object": "对象", "array": "列表"}


@requires("workflow.view")
def components(request):
    rows = []
    for c in sorted(registry.COMPONENTS.values(), key=lambda c: c.code):
        rows.append({"c": c, "sample": builtin_components.sample_xml(c),
                     "inputs": [(p, TYPE_LABELS.get(p.type, p.type)) for p in c.inputs],
                     "outputs": [(p, TYPE_LABELS.get(p.type, p.type)) for p in c.outputs]})
    return _render(request, "workflow/components.html", {"rows": rows})
