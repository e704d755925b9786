"""The people's side of the workflow on pages: the clerk's worklist (待办), the task page with the actions
this user may take, the staff case list and case page, and the applicant's 我的办件 in the portal.

Forms post to small views that call one action each; an action's refusal re-renders the page with the
Chinese message (and the field it names) at the action's status, nothing written. Every rendered form
carries its own idempotency key, so a double click or a resent form is applied once.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from digigov.core import registry
from digigov.core.errors import DigiGovError, get_or_404
from digigov.core.org.models import Department
from digigov.core.rbac.checks import can
from digigov.core.web.decorators import requires
from digigov.data.grading.policy import mask_name, mask_resident_id

from . import selectors_tasks as sel
from .actions import cases as case_actions
from .actions import tasks as actions
from .models import OPEN_CASE_STATUSES, CaseStatus, Channel, ProcessDefinition, TaskStatus, Warning, WorkTask

WARNING_BADGE = {"normal": "ok", "yellow": "warn", "red": "bad", "overdue": "bad"}
STATUS_BADGE = {"running": "", "correction": "warn", "suspended": "warn", "incident": "bad", "approved": "ok",
                "rejected": "bad", "withdrawn": "muted", "cancelled": "muted"}
HIDDEN_DATA = ("decision",)


def _key() -> str:
    return uuid.uuid4().hex


def _int(raw) -> int | None:
    try:
        n = int(raw)
    except (TypeError, ValueError):
        return None
    return n if 0 < n <= 2**62 else None  # a cursor beyond any id is no cursor (SQLite's integers stop at 2**63)


# --- what a case shows -----------------------------------------------------------------------------

def applicant_display(case) -> dict:
    """The applicant as staff pages show them: a person's name and ID number masked as the base registries
    mask them; a legal person's name in full (a company name is public)."""
    if case.applicant_legal_person_id:
        lp = case.applicant_legal_person
        return {"name": lp.name, "id_label": "统一社会信用代码", "id": lp.uscc}
    out = {"name": mask_name(case.applicant_name or ""), "id_label": "", "id": ""}
    person = case.applicant_person
    if person is not None:
        try:
            number = person.id_number or ""
        except Exception:  # a sealed value that cannot be opened here is not shown
            number = ""
        if number:
            out.update(id_label="公民身份号码", id=mask_resident_id(number))
    return out


def applicant_name(case) -> str:
    return case.applicant_name if case.applicant_legal_person_id else mask_name(case.applicant_name or "")


def _labels_from_ui(ui) -> dict[str, str]:
    labels: dict[str, str] = {}

    def walk(node):
        if isinstance(node, dict):
            key, label = node.get("key"), node.get("label")
            if isinstance(key, str) and isinstance(label, str) and label:
                labels[key] = label
            for child in node.get("components", []) or []:
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(ui or {})
    return labels


def _show(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple)):
        return "、".join(_show(v) for v in value)
    if isinstance(value, dict):
        return "；".join(_show(v) for v in value.values())
    return str(value)


def data_rows(case, tasks=None) -> tuple[list[dict], int]:
    """The applicant's data as submitted, labelled in Chinese from the application form's ui (form-js
    ``key`` → ``label``); decisions read as the step's name and outcome. Keys without a label are not shown
    (a raw field name is not something a reader can use): their number is returned."""
    labels = {}
    version = case.process_version
    if version.start_form_id:
        labels = _labels_from_ui(version.start_form.ui)
    step_names = {t.element_id: t.name for t in (tasks or [])}
    rows, hidden = [], 0
    for key, value in (case.data or {}).items():
        if key in HIDDEN_DATA:
            continue
        if key.endswith("_decision") and key[: -len("_decision")] in step_names:
            rows.append({"label": f"{step_names[key[:-len('_decision')]]}结论", "value": {"approve": "同意", "reject": "不同意", "complete": "已完成"}.get(value, _show(value))})
            continue
        if key in labels:
            rows.append({"label": labels[key], "value": _show(value)})
        else:
            hidden += 1
    return rows, hidden


def timeline(case, events) -> list[dict]:
    """Timeline rows for staff: the applicant's own steps read as 申请人 (their account name is not shown
    unmasked on staff pages)."""
    out = []
    for e in events:
        if e.actor_id and e.actor_id == case.applicant_id:
            who = "申请人"
        else:
            who = (e.actor.display_name or e.actor.username) if e.actor_id else ""
        out.append({"at": e.at, "text": e.text, "who": who})
    return out


def _diagram_url(case) -> str | None:
    try:
        return reverse("workflow:case_diagram", kwargs={"public_id": case.public_id})
    except NoReverseMatch:
        return None


def _corrections(task: WorkTask) -> list[dict]:
    kinds = actions.CORRECTION_KINDS
    out = []
    for r in task.corrections or []:
        if not isinstance(r, dict):
            continue
        answers = r.get("answers") or []
        items = [{"kind": kinds.get(i.get("kind"), "材料"), "name": i.get("name", ""), "reason": i.get("reason", ""),
                  "answer": answers[n] if n < len(answers) else ""} for n, i in enumerate(r.get("items") or [])]
        out.append({"round": r.get("round"), "items": items, "opinion": r.get("opinion", ""), "requested_by": r.get("requested_by", ""),
                    "note": r.get("note", ""), "answered": bool(r.get("answered_at")), "answered_by": r.get("answered_by", ""),
                    "task": task.name})
    return out


# --- the worklist ----------------------------------------------------------------------------------

def _filters(request) -> sel.Filters:
    g = request.GET
    f = sel.Filters()
    process = (g.get("process") or "").strip()
    if process and ProcessDefinition.objects.filter(key=process).exists():
        f.process = process
    dept = (g.get("department") or "").strip()
    if dept and Department.objects.filter(public_id=dept).exists():
        f.department = dept
    warning = g.get("warning") or ""
    if warning in Warning.values:
        f.warning = warning
    f.q = (g.get("q") or "").strip()[:50]
    return f


@requires("workflow.handle")
def task_list(request):
    tab = request.GET.get("tab") or "open"
    if tab not in sel.TAB_LABELS:
        tab = "open"
    f = _filters(request)
    counts = sel.tab_counts(request.user, f)
    rows, next_cursor = sel.page(sel.worklist(request.user, tab, f), tab, _int(request.GET.get("after")))
    tags = registry.process_tags({t.case.process_version.process_id for t in rows})  # 全市通办 (the portal's catalog)
    query = {k: v for k, v in (("tab", tab), ("process", f.process), ("department", f.department), ("warning", f.warning), ("q", f.q)) if v}
    return render(request, "workflow/tasks/list.html", {
        "tab": tab, "tabs": [(k, label, counts[k]) for k, label in sel.TABS], "f": f,
        "rows": [{"t": t, "applicant": applicant_name(t.case), "badge": WARNING_BADGE.get(t.case.warning, ""),
                  "tags": tags.get(t.case.process_version.process_id, [])} for t in rows],
        "next_cursor": next_cursor, "after": _int(request.GET.get("after")), "query": urlencode(query),
        "processes": ProcessDefinition.objects.filter(voided_at__isnull=True).order_by("name").values_list("key", "name"),
        "departments": Department.objects.filter(pk__in=WorkTask.objects.filter(sel.tab_filters(request.user)[tab]).values("department_id"))
        .order_by("name").values_list("public_id", "name"),
        "warnings": Warning.choices, "bulk_key": _key(),
        "filter_query": urlencode({k: v for k, v in query.items() if k != "tab"}),
    })


@requires("workflow.handle")
@require_POST
def bulk_claim(request):
    ids = [i for i in request.POST.getlist("task")[:100] if i]
    chosen = list(sel.worklist(request.user, "open").filter(public_id__in=ids))
    if not chosen:
        messages.error(request, "请先勾选要认领的任务")
        return redirect(reverse("tasks:list"))
    done, refused = actions.claim_many(request.user, chosen)
    if done:
        messages.success(request, f"已认领 {len(done)} 项任务")
    for t, why in refused[:5]:
        messages.error(request, f"{t.name}（{t.case.number}）：{why}")
    return redirect(reverse("tasks:list") + "?tab=mine")


# --- the task page ---------------------------------------------------------------------------------

def _task(request, public_id) -> WorkTask:
    qs = sel.visible_tasks(request.user).select_related(
        "case", "case__process_version__process", "case__process_version__start_form", "case__department", "case__applicant_person",
        "case__applicant_legal_person", "department", "assignee", "delegated_by", "completed_by")
    return get_or_404(qs, public_id=public_id)


def _task_page(request, task: WorkTask, *, error: str = "", field: str = "", posted=None, status: int = 200):
    case = task.case
    user = request.user
    all_tasks = sel.case_tasks(case)
    is_open = task.status in actions.OPEN
    mine = task.assignee_id == user.pk and task.status == TaskStatus.CLAIMED
    running = case.status == CaseStatus.RUNNING
    can_assign = can(user, "workflow.assign", task)
    may = {
        "claim": is_open and task.status == TaskStatus.OPEN and case.status in sel.ACTIVE_CASE and (actions.could_claim(user, task) or can_assign),
        "decide": mine and running,
        "unclaim": is_open and task.status == TaskStatus.CLAIMED and (mine or can_assign),
        "hand_over": is_open and ((mine and running) or (can_assign and task.status == TaskStatus.CLAIMED)),
        "delegate": mine and running,
        "assign": is_open and task.status == TaskStatus.OPEN and can_assign,
    }
    pickers = sel.eligible_users(task) if (may["hand_over"] or may["delegate"] or may["assign"]) else []
    rows, hidden = data_rows(case, all_tasks)
    ctx = {
        "task": task, "case": case, "applicant": applicant_display(case), "rows": rows, "hidden_rows": hidden,
        "materials": list(case.materials.select_related("added_by").order_by("id")),
        "events": timeline(case, case.events.select_related("actor").order_by("at", "id")),
        "branches": [t for t in all_tasks if t.pk != task.pk and t.status in actions.OPEN],
        "all_tasks": all_tasks, "may": may, "pickers": [u for u in pickers if u.pk != user.pk], "error": error, "field": field,
        "posted": posted or {}, "corrections": _corrections(task),
        "keys": {k: _key() for k in ("approve", "reject", "complete", "correction", "claim")},
        "diagram_url": _diagram_url(case), "is_decision": bool(task.candidate_role == "approver"),
        "case_badge": STATUS_BADGE.get(case.status, ""), "warn_badge": WARNING_BADGE.get(case.warning, ""),
        "can_view_case": can(user, "workflow.view", case), "can_handle": can(user, "workflow.handle"),
        "item_rows": range(max(3, len((posted or {}).get("item_names", [])))),
    }
    return render(request, "workflow/tasks/task.html", ctx, status=status)


@requires("workflow.view")  # the action checks who may (a handler, or an administrator with workflow.assign)
def task_detail(request, public_id):
    return _task_page(request, _task(request, public_id))


def _field_of(exc: DigiGovError) -> str:
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    return str(detail.get("field", "")) if detail else ""


def _run(request, public_id, call, success: str, *, after=None):
    task = _task(request, public_id)
    try:
        call(task)
    except DigiGovError as exc:
        posted = {k: request.POST.get(k, "") for k in ("opinion", "note", "reason")}
        posted["item_names"] = request.POST.getlist("item_name")
        return _task_page(request, _task(request, public_id), error=exc.message, field=_field_of(exc), posted=posted, status=exc.status)
    messages.success(request, success)
    return redirect(after or reverse("tasks:task", kwargs={"public_id": task.public_id}))


def _user_from_post(request, task):
    public_id = (request.POST.get("user") or "").strip()
    if not public_id:
        return None
    from digigov.core.accounts.models import User

    return User.objects.filter(public_id=public_id, is_active=True).first()


@requires("workflow.view")  # the action checks who may (a handler, or an administrator with workflow.assign)
@require_POST
def task_claim(request, public_id):
    return _run(request, public_id, lambda t: actions.claim(request.user, t, idempotency_key=request.POST.get("idempotency_key", "")), "已认领，可开始办理")


@requires("workflow.view")  # the action checks who may (a handler, or an administrator with workflow.assign)
@require_POST
def task_unclaim(request, public_id):
    return _run(request, public_id, lambda t: actions.unclaim(request.user, t), "已退回待认领", after=reverse("tasks:list"))


@requires("workflow.handle")
@require_POST
def task_decide(request, public_id):
    outcome = request.POST.get("outcome", "")
    fn = {"approve": actions.approve, "reject": actions.reject, "complete": actions.complete}.get(outcome)
    if fn is None:
        return _task_page(request, _task(request, public_id), error="请选择办理结果", field="outcome", status=422)
    label = {"approve": "已同意", "reject": "已作出不同意的意见", "complete": "已办理完成"}[outcome]
    return _run(request, public_id, lambda t: fn(request.user, t, opinion=request.POST.get("opinion", ""),
                                                 idempotency_key=request.POST.get("idempotency_key", "")),
                label, after=reverse("tasks:list") + "?tab=mine")


@requires("workflow.handle")
@require_POST
def task_correction(request, public_id):
    names, reasons = request.POST.getlist("item_name"), request.POST.getlist("item_reason")
    kinds = request.POST.getlist("item_kind")
    items = []
    for i, name in enumerate(names):
        reason = reasons[i] if i < len(reasons) else ""
        if not name.strip() and not reason.strip():
            continue  # an empty row of the dynamic list
        items.append({"kind": kinds[i] if i < len(kinds) else "material", "name": name, "reason": reason})
    return _run(request, public_id, lambda t: actions.request_correction(request.user, t, items=items, opinion=request.POST.get("opinion", ""),
                                                                         idempotency_key=request.POST.get("idempotency_key", "")),
                "已退回申请人补正，补正期间暂停计时", after=reverse("tasks:list") + "?tab=correction")


@requires("workflow.view")  # the action checks who may (a handler, or an administrator with workflow.assign)
@require_POST
def task_hand_over(request, public_id):
    return _run(request, public_id, lambda t: actions.hand_over(request.user, t, _user_from_post(request, t), reason=request.POST.get("reason", "")),
                "已转办", after=reverse("tasks:list"))


@requires("workflow.handle")
@require_POST
def task_delegate(request, public_id):
    return _run(request, public_id, lambda t: actions.delegate(request.user, t, _user_from_post(request, t), note=request.POST.get("note", "")),
                "已委托同事办理", after=reverse("tasks:list"))


@requires("workflow.assign")
@require_POST
def task_assign(request, public_id):
    return _run(request, public_id, lambda t: actions.assign(request.user, t, _user_from_post(request, t)), "已分派")


@requires("workflow.view")
def task_users(request, public_id):
    """HTMX: the options of the user picker, people who could take this task, searched by name."""
    task = _task(request, public_id)
    users = [u for u in sel.eligible_users(task, (request.GET.get("q") or "").strip()[:30]) if u.pk != request.user.pk]
    return render(request, "workflow/tasks/_user_options.html", {"pickers": users})


# --- staff case pages ------------------------------------------------------------------------------

@requires("workflow.view")
def case_list(request):
    g = request.GET
    qs = sel.staff_cases(request.user)
    status = g.get("status") or ""
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    channel = g.get("channel") or ""
    if channel in Channel.values:
        qs = qs.filter(channel=channel)
    else:
        channel = ""
    f = _filters(request)
    qs = sel.apply_filters(qs, f, prefix="")
    after = _int(g.get("after"))
    if after:
        qs = qs.filter(id__lt=after)
    rows = list(qs.select_related("department", "process_version__process").order_by("-id")[: sel.PAGE + 1])
    next_cursor = rows[sel.PAGE - 1].id if len(rows) > sel.PAGE else None
    rows = rows[: sel.PAGE]
    tags = registry.process_tags({c.process_version.process_id for c in rows})  # 全市通办 (the portal's catalog)
    query = {k: v for k, v in (("status", status), ("channel", channel), ("department", f.department), ("warning", f.warning), ("q", f.q),
                               ("process", f.process)) if v}
    return render(request, "workflow/tasks/cases.html", {
        "rows": [{"case": c, "applicant": applicant_name(c), "badge": STATUS_BADGE.get(c.status, ""), "warn": WARNING_BADGE.get(c.warning, ""),
                  "tags": tags.get(c.process_version.process_id, [])} for c in rows],
        "status": status, "channel": channel, "f": f, "statuses": CaseStatus.choices, "channels": Channel.choices,
        "warnings": Warning.choices, "departments": Department.objects.filter(voided_at__isnull=True).order_by("name").values_list("public_id", "name")[:200],
        "next_cursor": next_cursor, "after": after, "query": urlencode(query),
        "can_handle": can(request.user, "workflow.handle"),
    })


@requires("workflow.view")
def case_detail(request, public_id):
    qs = sel.staff_cases(request.user).select_related("process_version__process", "process_version__start_form", "department",
                                                       "applicant_person", "applicant_legal_person", "received_by")
    case = get_or_404(qs, public_id=public_id)
    all_tasks = sel.case_tasks(case)
    rows, hidden = data_rows(case, all_tasks)
    visible = set(sel.visible_tasks(request.user).filter(case=case).values_list("pk", flat=True))
    return render(request, "workflow/tasks/case.html", {
        "case": case, "applicant": applicant_display(case), "rows": rows, "hidden_rows": hidden, "tasks": all_tasks, "linked": visible,
        "current": [t for t in all_tasks if t.status in actions.OPEN],
        "events": timeline(case, case.events.select_related("actor").order_by("at", "id")),
        "materials": list(case.materials.order_by("id")), "diagram_url": _diagram_url(case),
        "corrections": [c for t in all_tasks for c in _corrections(t)],
        "case_badge": STATUS_BADGE.get(case.status, ""), "warn_badge": WARNING_BADGE.get(case.warning, ""),
    })


# --- the applicant's side (portal) -----------------------------------------------------------------

@requires("workflow.apply")
def my_cases(request):
    qs = sel.applicant_cases(request.user)
    status = request.GET.get("status") or ""
    if status == "open":
        qs = qs.filter(status__in=OPEN_CASE_STATUSES)
    elif status == "done":
        qs = qs.exclude(status__in=OPEN_CASE_STATUSES)
    else:
        status = ""
    after = _int(request.GET.get("after"))
    if after:
        qs = qs.filter(id__lt=after)
    rows = list(qs.order_by("-id")[: sel.PAGE + 1])
    next_cursor = rows[sel.PAGE - 1].id if len(rows) > sel.PAGE else None
    return render(request, "workflow/tasks/my_cases.html", {
        "rows": [{"case": c, "badge": STATUS_BADGE.get(c.status, "")} for c in rows[: sel.PAGE]], "status": status,
        "next_cursor": next_cursor, "after": after,
        "query": urlencode({"status": status} if status else {}),
        "waiting": sel.applicant_cases(request.user).filter(status=CaseStatus.CORRECTION).count(),
    })


def _my_case(request, public_id):
    return get_or_404(sel.applicant_cases(request.user).select_related("process_version__process", "department"), public_id=public_id)


def _my_case_page(request, case, *, error: str = "", field: str = "", posted=None, status: int = 200):
    all_tasks = sel.case_tasks(case)
    pending = None
    for t in all_tasks:
        p = actions.pending_correction(t) if t.status in actions.OPEN else None
        if p:
            pending = {"task": t.name, "items": [{**i, "kind": actions.CORRECTION_KINDS.get(i.get("kind"), "材料")} for i in p["items"]],
                       "opinion": p.get("opinion", "")}
    return render(request, "workflow/tasks/my_case.html", {
        "case": case, "events": list(case.events.filter(public=True).order_by("at", "id")),
        "current": [t.name for t in all_tasks if t.status in actions.OPEN], "pending": pending if case.status == CaseStatus.CORRECTION else None,
        "can_withdraw": case.status in OPEN_CASE_STATUSES, "error": error, "field": field, "posted": posted or {},
        "keys": {"correction": _key()}, "case_badge": STATUS_BADGE.get(case.status, ""),
    }, status=status)


@requires("workflow.apply")
def my_case_detail(request, public_id):
    return _my_case_page(request, _my_case(request, public_id))


@requires("workflow.apply")
@require_POST
def my_case_correction(request, public_id):
    case = _my_case(request, public_id)
    answers = [request.POST.get(f"answer_{i}", "") for i in range(actions.MAX_CORRECTION_ITEMS)]
    while answers and not answers[-1]:
        answers.pop()
    try:
        if case.status == CaseStatus.CORRECTION:
            pending = next((actions.pending_correction(t) for t in sel.case_tasks(case) if t.status in actions.OPEN and actions.pending_correction(t)), None)
            if pending:
                answers += [""] * (len(pending["items"]) - len(answers))
        actions.submit_correction(request.user, case, answers=answers, note=request.POST.get("note", ""),
                                  idempotency_key=request.POST.get("idempotency_key", ""))
    except DigiGovError as exc:
        posted = {k: v for k, v in request.POST.items() if k.startswith("answer_") or k == "note"}
        return _my_case_page(request, _my_case(request, public_id), error=exc.message, field=_field_of(exc), posted=posted, status=exc.status)
    messages.success(request, "补正已提交，办件继续办理")
    return redirect("my_cases:detail", public_id=case.public_id)


@requires("workflow.apply")
@require_POST
def my_case_withdraw(request, public_id):
    case = _my_case(request, public_id)
    try:
        case_actions.withdraw_case(request.user, case, reason=request.POST.get("reason", ""))
    except DigiGovError as exc:
        return _my_case_page(request, _my_case(request, public_id), error=exc.message, field=_field_of(exc), status=exc.status)
    messages.success(request, "办件已撤回")
    return redirect("my_cases:detail", public_id=case.public_id)

