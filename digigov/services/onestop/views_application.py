"""The application flow in the portal (phone first): start an item or a 一件事, fill the pre-filled form
(the source next to each pre-filled value), give the materials (免提交 where an e-licence or shared data
replaces them), submit; 我的申请 (list, detail with one timeline over the member cases, drafts, withdraw,
补正 through the case page); and the public 办件进度查询 (masked name, nothing else personal, rate-limited).

Every write goes through ``actions.applications``; a refused action re-renders the page with its Chinese
message (field errors under the fields), nothing written."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core import counters
from digigov.core.errors import DigiGovError, NotFound, RateLimited, ValidationFailed
from digigov.core.web.decorators import public, requires
from digigov.core.web.middleware import client_ip

from . import requirements as req
from .actions import applications as actions
from .models import Application, ApplicationStatus, Bundle, ServiceItem
from .selectors import applications as sel

PROGRESS_MAX_PER_MINUTE = 30  # per address; settings.ONESTOP_PROGRESS_MAX_PER_MINUTE overrides (0 = no limit)
MAX_UPLOAD = 20 * 1024 * 1024


def _item(code: str) -> ServiceItem:
    item = ServiceItem.objects.filter(code=code, active=True, voided_at__isnull=True).select_related("department").first()
    if item is None:
        raise NotFound("事项不存在或已停止办理")
    return item


def _bundle(code: str) -> Bundle:
    bundle = Bundle.objects.filter(code=code, active=True, voided_at__isnull=True).select_related("lead_department").first()
    if bundle is None:
        raise NotFound("一件事不存在或已停止办理")
    return bundle


def _divisions(items):
    """The divisions an applicant may choose: where every item is offered (none listed: no choice needed)."""
    listed = [list(i.divisions.all()) for i in items if not i.citywide]
    listed = [d for d in listed if d]
    if not listed:
        return []
    common = listed[0]
    return [d for d in common if all(any(d.code.startswith(x.prefix) for x in other) for other in listed[1:])]


def _start_page(request, *, item=None, bundle=None, error="", status=200):
    from digigov.core.accounts.actions import acting_for

    items = [item] if item is not None else req.bundle_items(bundle)
    r = req.for_item(item) if item is not None else req.for_bundle(bundle, items)
    return render(request, "onestop/application/start.html", {
        "item": item, "bundle": bundle, "items": items, "req": r, "divisions": _divisions(items),
        "companies": acting_for(request.user), "enterprise": (item or bundle).audience == "enterprise", "error": error,
        "optional": [m for m in bundle.memberships.select_related("item") if m.optional] if bundle is not None else [],
    }, status=status)


@requires("workflow.apply")
@require_http_methods(["GET", "POST"])
def apply_item(request, code):
    return _start(request, item=_item(code))


@requires("workflow.apply")
@require_http_methods(["GET", "POST"])
def apply_bundle(request, code):
    return _start(request, bundle=_bundle(code))


def _start(request, *, item=None, bundle=None):
    if request.method == "GET":
        return _start_page(request, item=item, bundle=bundle)
    from digigov.core.accounts.models import LegalPerson

    lp = None
    if request.POST.get("acting_for"):
        lp = LegalPerson.objects.filter(public_id=request.POST["acting_for"][:32]).first()
        if lp is None:
            return _start_page(request, item=item, bundle=bundle, error="所选企业不存在", status=422)
    try:
        members = request.POST.getlist("members") if bundle is not None and request.POST.get("choose_members") else None
        app = actions.start_application(request.user, item=item, bundle=bundle, members=members, acting_for=lp,
                                        division=request.POST.get("division") or None,
                                        channel="mobile" if request.POST.get("mobile") else "online")
    except DigiGovError as exc:
        return _start_page(request, item=item, bundle=bundle, error=exc.message, status=exc.status)
    return redirect("my_applications:edit", public_id=app.public_id)


# --- the draft form --------------------------------------------------------------------------------------

def _edit_page(request, app: Application, *, data=None, errors=None, error="", status=200):
    r = actions.requirements_of(app)
    rows = actions.resolve_materials(app, r)
    prov = {path: {"label": f"来源：{label}", "source": "", "digest": ""} for path, label in (app.prefilled or {}).items()}
    return render(request, "onestop/application/edit.html", {
        "app": app, "req": r, "rows": rows, "form": r.form, "data": data if data is not None else app.data, "errors": errors or {},
        "sources": app.prefilled or {}, "provenance": prov, "error": error, "key": secrets.token_urlsafe(16),
        "divisions": _divisions(r.items), "needs_division": bool(_divisions(r.items)),
    }, status=status)


@requires("workflow.apply")
@require_http_methods(["GET", "POST"])
def edit(request, public_id):
    app = sel.my_application(request.user, public_id)
    if app.status != ApplicationStatus.DRAFT:
        return redirect("my_applications:detail", public_id=app.public_id)
    if request.method == "GET":
        return _edit_page(request, app)
    from digigov.support.forms.render import data_from_post

    r = actions.requirements_of(app)
    data, _prov = data_from_post(r.form, request.POST)
    try:
        division = request.POST.get("division", None)
        app = actions.save_draft(request.user, app, data=data, **({"division": division or None} if division is not None else {}))
        for need in r.materials:
            upload = request.FILES.get(f"material-{need.key}")
            if upload is not None:
                if upload.size > MAX_UPLOAD:
                    raise ValidationFailed(f"文件过大（不超过 {MAX_UPLOAD // (1024 * 1024)} MB）", code="material_too_large",
                                           detail={"field": f"material-{need.key}"})
                actions.add_material(request.user, app, key=need.key, data=upload.read(MAX_UPLOAD + 1), filename=upload.name[:200])
        if request.POST.get("remove"):
            m = app.materials.filter(public_id=request.POST["remove"][:32]).first()
            if m is None:
                raise NotFound("材料不存在")
            actions.remove_material(request.user, app, m)
        if request.POST.get("action") == "submit":
            app = actions.submit(request.user, app, request.POST.get("idempotency_key", ""))
            messages.success(request, f"申请已提交，申请编号 {app.number}")
            return redirect("my_applications:detail", public_id=app.public_id)
    except DigiGovError as exc:
        fields = (exc.detail or {}).get("fields") if isinstance(exc.detail, dict) else None
        return _edit_page(request, sel.my_application(request.user, public_id), data=data, errors=fields or {}, error=exc.message,
                          status=exc.status)
    messages.success(request, "草稿已保存")
    return redirect("my_applications:edit", public_id=app.public_id)


# --- 我的申请 --------------------------------------------------------------------------------------------

@requires("workflow.apply")
def my_list(request):
    rows, nxt = sel.page(sel.my_applications(request.user), request.GET.get("after"))
    return render(request, "onestop/application/list.html", {"rows": [(a, sel.STATUS_BADGE.get(a.status, "")) for a in rows],
                                                             "next_cursor": nxt, "after": request.GET.get("after")})


@requires("workflow.apply")
def detail(request, public_id):
    app = sel.my_application(request.user, public_id)
    links = sel.case_links(app)
    return render(request, "onestop/application/detail.html", {
        "app": app, "badge": sel.STATUS_BADGE.get(app.status, ""), "links": links, "timeline": sel.timeline(app, links),
        "materials": list(app.materials.order_by("id")), "results": sel.results(app, links),
        "corrections": [link for link in links if link.case.status == "correction"],
        "can_withdraw": app.status not in actions.FINISHED, "orders": _orders(app), **_rating(request.user, app),
    })


def _rating(user, app) -> dict:
    """好差评 on the application page: the applicant's rating if given, else the way to give one (once accepted)."""
    from digigov.core.rbac.checks import can

    from .actions.ratings import RATABLE_STATUSES
    from .models import Rating

    mine = Rating.objects.filter(application=app, rater=user).first()
    return {"my_rating": mine, "can_rate": mine is None and app.status in RATABLE_STATUSES and can(user, "onestop.rate")}


def _orders(app):
    from . import fees

    return fees.orders(app)


@requires("workflow.apply")
@require_POST
def withdraw(request, public_id):
    app = sel.my_application(request.user, public_id)
    try:
        actions.withdraw(request.user, app, reason=request.POST.get("reason", ""))
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "申请已撤回")
    return redirect("my_applications:detail", public_id=app.public_id)


@requires("workflow.apply")
def material_file(request, public_id, material_id):
    from digigov.support.workflow import materials as files

    app = sel.my_application(request.user, public_id)
    m = app.materials.filter(public_id=material_id[:32], source="upload").first()
    if m is None or not m.storage_path:
        raise Http404
    ext = files.TYPES.get(m.content_type, ("bin",))[0]
    return _attachment(files.read(m.storage_path), f"{m.name}.{ext}", m.content_type)


@requires("workflow.apply")
def decision_file(request, public_id, case_id):
    app = sel.my_application(request.user, public_id)
    found = next((d for d in sel.results(app)["decisions"] if d.case_public_id == case_id), None)
    if found is None:
        raise Http404
    return _attachment(found.path.read_bytes(), f"{found.title}.pdf", "application/pdf")


def _attachment(data: bytes, filename: str, content_type: str):
    import io

    resp = FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


# --- 办件进度查询 (public) ---------------------------------------------------------------------------------

def _check_rate(request) -> None:
    from django.conf import settings

    limit = getattr(settings, "ONESTOP_PROGRESS_MAX_PER_MINUTE", PROGRESS_MAX_PER_MINUTE)
    if limit and counters.hit(f"onestop.progress:{client_ip(request)}", 60) > limit:
        raise RateLimited("查询过于频繁，请稍后再试", code="progress_rate_limited")


@public
def progress(request):
    number = (request.GET.get("number") or "").strip()[:40]
    ctx = {"number": number, "app": None, "asked": bool(number)}
    if number:
        _check_rate(request)
        app = sel.by_number(number)
        if app is not None:
            links = sel.case_links(app)
            ctx.update(app=app, badge=sel.STATUS_BADGE.get(app.status, ""), name=sel.mask_name(app.applicant_name),
                       timeline=sel.timeline(app, links), departments=sorted({link.case.department.name for link in links}))
    return render(request, "onestop/application/progress.html", ctx)
