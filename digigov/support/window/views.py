"""Pages of the comprehensive window (/workbench/support/window/): the halls, the clerk's console (queue
and walk-ins), reception step by step, the receipt (受理回执), where a case is now, and unified output."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core import registry
from digigov.core.errors import DigiGovError, NotFound
from digigov.core.org.models import Division
from digigov.core.rbac.checks import can, scope_queryset
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import selectors
from .actions import deliveries as delivery_actions
from .actions import halls as hall_actions
from .actions import queue
from .actions import reception as reception_actions
from .forms import (
    ApplicationForm, CallNextForm, ConsentForm, HallForm, HandOutForm, IdentifyForm, PostForm, forms_api, schema_fields,
)
from .models import DeliveryMethod, DeliveryStatus, TicketStatus


def _field_error(form, exc: DigiGovError) -> None:
    field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
    form.add_error(field if field in form.fields else None, exc.message)


@requires("window.view")
def home(request):
    halls = list(selectors.halls(request.user).order_by("division__code", "name"))
    waiting = dict(selectors.QueueTicket.objects.filter(hall__in=halls, day=timezone.localdate(), status=TicketStatus.WAITING)
                   .values_list("hall").annotate(n=Count("id")).values_list("hall", "n")) if halls else {}
    ready = selectors.deliveries(request.user).filter(status=DeliveryStatus.READY).count()
    return render(request, "window/home.html", {
        "halls": [(h, waiting.get(h.pk, 0)) for h in halls], "ready": ready,
        "can_manage": can(request.user, "window.manage"),
    })


def _manage_divisions(user):
    return scope_queryset(user, "window.manage", Division.objects.all(), department_field=None, division_field="").order_by("code")


@requires("window.manage")
@require_http_methods(["GET", "POST"])
def hall_new(request):
    form = HallForm(request.POST or None, divisions=_manage_divisions(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            hall = hall_actions.create_hall(request.user, name=d["name"], division=d["division"], address=d["address"], counters=d["counters"])
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("大厅已新建"))
            return redirect("window:hall", public_id=hall.public_id)
    return render(request, "web/form.html", {"form": form, "title": _("新建政务服务大厅"), "submit_label": _("保存")},
                  status=400 if form.errors else 200)


@requires("window.manage")
@require_http_methods(["GET", "POST"])
def hall_edit(request, public_id):
    hall = selectors.hall_for(request.user, public_id, "window.manage")
    form = HallForm(request.POST or None, instance=hall)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            hall_actions.update_hall(request.user, selectors.hall_for(request.user, public_id, "window.manage"),
                                     name=d["name"], address=d["address"], counters=d["counters"])
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("大厅信息已保存"))
            return redirect("window:hall", public_id=hall.public_id)
    return render(request, "web/form.html", {"form": form, "title": _("修改政务服务大厅"), "submit_label": _("保存")},
                  status=400 if form.errors else 200)


def _hall_page(request, hall, call_form=None, status=200):
    tickets = (selectors.today_tickets(hall).exclude(status=TicketStatus.WAITING).select_related("served_by")
               .order_by("-called_at", "-id")[:30])
    receptions = selectors.receptions(request.user).filter(hall=hall, created_at__date=timezone.localdate()).order_by("-created_at")[:20]
    return render(request, "window/hall.html", {
        "hall": hall, "screen": selectors.screen(hall), "tickets": tickets, "receptions": receptions,
        "call_form": call_form or CallNextForm(initial={"counter": request.session.get("window_counter", 1)}),
        "can_queue": can(request.user, "window.queue", hall), "can_receive": can(request.user, "window.receive", hall),
        "can_manage": can(request.user, "window.manage", hall),
    }, status=status)


@requires("window.view")
def hall(request, public_id):
    return _hall_page(request, selectors.hall_for(request.user, public_id))


@requires("window.queue")
@require_POST
def hall_call(request, public_id):
    hall = selectors.hall_for(request.user, public_id, "window.queue")
    form = CallNextForm(request.POST)
    if not form.is_valid():
        return _hall_page(request, hall, form, status=400)
    try:
        ticket = queue.call_next(request.user, hall, form.cleaned_data["counter"], form.cleaned_data["category"] or None)
    except DigiGovError as exc:
        _field_error(form, exc)
        return _hall_page(request, hall, form, status=exc.status)
    request.session["window_counter"] = form.cleaned_data["counter"]
    if ticket is None:
        messages.info(request, _("当前没有等候的排队号"))
    else:
        messages.success(request, _("已叫号：%(number)s 请到 %(counter)s 号窗口") % {"number": ticket.number, "counter": ticket.counter})
    return redirect("window:hall", public_id=hall.public_id)


_MOVES = {"finish": (queue.finish, "已办结"), "absent": (queue.no_show, "已过号"), "recall": (queue.recall, "已重新叫号")}


@requires("window.queue")
@require_POST
def ticket_move(request, public_id, move):
    if move not in _MOVES:
        raise NotFound("不支持的操作")
    ticket = selectors.ticket_for(request.user, public_id)
    func, label = _MOVES[move]
    try:
        ticket = func(request.user, ticket)
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{ticket.number} {label}")
    return redirect("window:hall", public_id=ticket.hall.public_id)


@requires("window.receive")
@require_POST
def reception_start(request, public_id):
    hall = selectors.hall_for(request.user, public_id, "window.receive")
    ticket = None
    if request.POST.get("ticket"):
        ticket = selectors.today_tickets(hall).filter(public_id=request.POST["ticket"][:22]).first()
        if ticket is None:
            raise NotFound("排队号不存在")
    try:
        r = reception_actions.start_reception(request.user, hall, ticket=ticket)
    except DigiGovError as exc:
        messages.error(request, exc.message)
        return redirect("window:hall", public_id=hall.public_id)
    return redirect("window:reception", public_id=r.public_id)


def _application_form(request, r, *, bound=False):
    consent_lic = reception_actions.live_consent(r, "licences")
    licences = list(reception_actions.holder_licences(r)) if consent_lic else []
    versions = list(reception_actions.open_versions())
    chosen = request.POST.get("version") if bound else request.GET.get("version")
    version = next((v for v in versions if v.public_id == chosen), None)
    fields, prefill = schema_fields(version.start_form) if version and version.start_form_id else [], {}
    api = forms_api()
    if version and version.start_form_id and api is not None and reception_actions.live_consent(r, "registries"):
        try:
            prefill = api.prefill(version.start_form, actor=request.user, person=r.person, legal_person=r.legal_person) or {}
        except DigiGovError:
            prefill = {}
    tags = registry.process_tags({v.process_id for v in versions})
    kwargs = {"versions": versions, "licences": licences, "data_fields": fields, "prefill": prefill, "tags": tags}
    if bound:
        form = ApplicationForm(request.POST, request.FILES, **kwargs)
    else:
        form = ApplicationForm(initial={"version": chosen or "", "recipient_name": r.person.name if r.person_id else ""}, **kwargs)
    # 全市通办 and other tags: a note per tagged service naming the department the case will be routed to
    # (shown for the chosen one; app.js shows the right one as the clerk changes the choice)
    form.version_notes = [{"public_id": v.public_id, "tags": tags[v.process_id], "chosen": v.public_id == chosen,
                           "department": v.process.department.name if v.process.department_id else "",
                           "division": v.process.department.division.name if v.process.department_id and v.process.department.division_id else ""}
                          for v in versions if v.process_id in tags]
    return form, versions


def _reception_page(request, r, *, status=200, identify_form=None, consent_form=None, app_form=None, pulled=None):
    if app_form is None and (r.person_id or r.legal_person_id) and r.case_id is None and r.finished_at is None:
        app_form, _v = _application_form(request, r)
    return render(request, "window/reception.html", {
        "r": r, "identify_form": identify_form or IdentifyForm(), "consent_form": consent_form or ConsentForm(),
        "app_form": app_form, "pulled": pulled, "open": r.case_id is None and r.finished_at is None,
        "consent_registries": reception_actions.live_consent(r, "registries"), "consent_licences": reception_actions.live_consent(r, "licences"),
        "consents": r.consents.order_by("-granted_at")[:5],
        "has_start_forms": bool(app_form) and reception_actions.open_versions().filter(start_form__isnull=False).exists(),
    }, status=status)


@requires("window.receive")
def reception(request, public_id):
    return _reception_page(request, selectors.reception_for(request.user, public_id))


@requires("window.receive")
@require_POST
def reception_identify(request, public_id):
    r = selectors.reception_for(request.user, public_id)
    form = IdentifyForm(request.POST)
    if form.is_valid():
        try:
            reception_actions.identify(request.user, r, kind=form.cleaned_data["kind"], code=form.cleaned_data["code"])
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            return redirect("window:reception", public_id=r.public_id)
    return _reception_page(request, r, identify_form=form, status=400 if form.errors else 200)


@requires("window.receive")
@require_POST
def reception_consent(request, public_id):
    r = selectors.reception_for(request.user, public_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            reception_actions.record_consent(request.user, r, method=form.cleaned_data["method"], scope=form.cleaned_data["scope"])
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("已记录申请人授权"))
            return redirect("window:reception", public_id=r.public_id)
    return _reception_page(request, r, consent_form=form, status=400)


@requires("window.receive")
@require_POST
def reception_pull(request, public_id):
    """The pulled data is shown in this answer only (a reload does not bring it back)."""
    r = selectors.reception_for(request.user, public_id)
    try:
        pulled = reception_actions.pull(request.user, r, scope=request.POST.get("scope", ""))
    except DigiGovError as exc:
        messages.error(request, exc.message)
        return redirect("window:reception", public_id=r.public_id)
    pulled["scope"] = request.POST.get("scope")
    response = _reception_page(request, selectors.reception_for(request.user, public_id), pulled=pulled)
    response["Cache-Control"] = "no-store"
    return response


@requires("window.receive")
@require_POST
def reception_apply(request, public_id):
    r = selectors.reception_for(request.user, public_id)
    form, versions = _application_form(request, r, bound=True)
    if form.is_valid():
        d = form.cleaned_data
        version = next((v for v in versions if v.public_id == d["version"]), None)
        files = [(f.name.rsplit(".", 1)[0][:200] or "申请材料", f.read(50 * 1024 * 1024)) for f in d["files"]]
        try:
            case = reception_actions.create_application(
                request.user, r, version, data=form.application_data(), files=files, licences=d.get("licences") or [],
                delivery_method=d["delivery_method"], recipient_name=d["recipient_name"], address=d["address"], phone=d["phone"],
                idempotency_key=d.get("idempotency_key") or "")
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("已受理，办件编号 %(number)s") % {"number": case.number})
            return redirect("window:receipt", number=case.number)
    return _reception_page(request, selectors.reception_for(request.user, public_id), app_form=form, status=400)


@requires("window.receive")
@require_POST
def reception_finish(request, public_id):
    r = selectors.reception_for(request.user, public_id)
    try:
        reception_actions.finish_reception(request.user, r)
    except DigiGovError as exc:
        messages.error(request, exc.message)
    return redirect("window:hall", public_id=r.hall.public_id)


def _case(request, number):
    from digigov.support.workflow.models import Case

    case = (scope_queryset(request.user, "window.view", Case.objects.select_related("department__division", "division", "process_version__process"))
            .filter(number=number[:32]).first())
    if case is None:
        raise NotFound("办件不存在或不在您的范围内")
    return case


def _tags(case) -> list[str]:
    """全市通办 and other tags the portal puts on the case's process (``registry.process_tags``)."""
    return registry.process_tags({case.process_version.process_id}).get(case.process_version.process_id, [])


@requires("window.view")
def receipt(request, number):
    """受理回执: printable."""
    case = _case(request, number)
    r = selectors.Reception.objects.filter(case=case).select_related("hall", "clerk").first()
    return render(request, "window/receipt.html", {
        "case": case, "reception": r, "materials": case.materials.order_by("id"), "tags": _tags(case),
        "delivery": selectors.Delivery.objects.filter(case=case).select_related("hall").first(),
    })


@requires("window.view")
def route(request, number):
    """Where a case is now: its steps, and for the open ones which department holds them (in parallel)."""
    from digigov.support.workflow.models import TaskStatus

    case = _case(request, number)
    tasks = list(case.tasks.select_related("department", "assignee", "completed_by").order_by("created_at", "id"))
    open_tasks = [t for t in tasks if t.status in (TaskStatus.OPEN, TaskStatus.CLAIMED)]
    return render(request, "window/route.html", {
        "case": case, "tasks": tasks, "tags": _tags(case), "open_tasks": open_tasks, "parallel": len({t.department_id for t in open_tasks}) > 1,
        "events": case.events.filter(public=True).order_by("-at", "-id")[:30],
    })


@requires("window.view")
def delivery_list(request):
    status = request.GET.get("status", "ready")
    qs = selectors.deliveries(request.user).filter(selectors.delivery_filter(status)).select_related("case", "hall")
    return render(request, "window/deliveries.html", {
        "status": status, "statuses": [("waiting", _("待办结")), ("ready", _("待领取/待邮寄")), ("done", _("已出件")), ("all", _("全部"))],
        **paginate(request, qs.order_by("-updated_at", "-id")),
    })


def _delivery_page(request, d, *, hand_form=None, post_form=None, status=200):
    may = d.status == DeliveryStatus.READY and can(request.user, "window.deliver", d.hall or d.case)
    return render(request, "window/delivery.html", {
        "d": d, "case": d.case,
        "hand_form": (hand_form or HandOutForm()) if may and d.method == DeliveryMethod.PICKUP else None,
        "post_form": (post_form or PostForm()) if may and d.method == DeliveryMethod.POST else None,
    }, status=status)


@requires("window.view")
def delivery(request, public_id):
    return _delivery_page(request, selectors.delivery_for(request.user, public_id, "window.view"))


@requires("window.deliver")
@require_POST
def delivery_hand_out(request, public_id):
    d = selectors.delivery_for(request.user, public_id)
    form = HandOutForm(request.POST)
    if form.is_valid():
        c = form.cleaned_data
        try:
            delivery_actions.hand_out(request.user, d, recipient=c["recipient"], name=c["name"], id_number_last4=c["id_number_last4"],
                                      agent_id_number=c["agent_id_number"], power_of_attorney=c["power_of_attorney"])
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("已出件：办理结果已交领取人"))
            return redirect("window:delivery", public_id=d.public_id)
    return _delivery_page(request, selectors.delivery_for(request.user, public_id), hand_form=form, status=400)


@requires("window.deliver")
@require_POST
def delivery_post(request, public_id):
    d = selectors.delivery_for(request.user, public_id)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            delivery_actions.post(request.user, d, tracking_no=form.cleaned_data["tracking_no"])
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("已登记邮寄"))
            return redirect("window:delivery", public_id=d.public_id)
    return _delivery_page(request, selectors.delivery_for(request.user, public_id), post_form=form, status=400)
