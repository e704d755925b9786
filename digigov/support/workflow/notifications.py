"""Workflow signals turned into notices (``digigov.core.notify.inbox``): who hears about what.

* the applicant (``Case.applicant``): case accepted (``case_started``), correction requested (with the
  list of what to fix), case finished (with the outcome);
* the staff who may take a new task (``task_created``): its assignee when it has one, else the active
  users holding its ``candidate_role`` with a grant covering the task's department/division (the same
  scope rule as ``rbac.checks``), at most ``MAX_TASK_RECIPIENTS`` of them, in one INSERT;
* the clerks of a case that turned yellow, red or overdue (``timelimits.warning_raised``): the assignees
  of its open tasks, else the candidates of those tasks, else the clerk who received it.

Receivers run inside the engine step's transaction: the in-site messages commit or roll back with it,
SMS/e-mail go out only after it commits.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from digigov.core.notify.inbox import notify, notify_batch, notify_many
from digigov.core.rbac.checks import Grant
from digigov.core.rbac.models import RoleAssignment

from . import signals, timelimits
from .models import Case, TaskStatus, Warning, WorkTask

MAX_TASK_RECIPIENTS = 50
TOPIC_CASE, TOPIC_TASK, TOPIC_WARNING = "办件进度", "待办任务", "时限预警"
WARNING_WORDS = {Warning.YELLOW: "黄灯预警：即将到期", Warning.RED: "红灯预警：今天到期", Warning.OVERDUE: "已超期"}


def _link(name: str, **kwargs) -> str:
    """A page of another slice (the case, the task) when it exists; the message still stands without it."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def case_link(case: Case, *, staff: bool) -> str:
    return _link("tasks:case", public_id=case.public_id) if staff else _link("my_cases:detail", public_id=case.public_id)


class _Scope:
    def __init__(self, department, division):
        self.department, self.division = department, division


def candidates(role: str, department, division, limit: int | None = None) -> list:
    """Active users holding ``role`` with a grant that covers ``department``/``division``, at most ``limit``
    (default ``MAX_TASK_RECIPIENTS``)."""
    limit = limit or MAX_TASK_RECIPIENTS
    if not role:
        return []
    qs = RoleAssignment.objects.active().filter(role=role, user__is_active=True)
    if department is not None:
        parts = [p for p in (department.path or "").split("/") if p]
        prefixes = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
        qs = qs.filter(Q(department__isnull=True) | Q(department__path__in=prefixes))
    else:
        qs = qs.filter(department__isnull=True)
    scope = _Scope(department, division)
    users, seen = [], set()
    for ra in qs.select_related("user", "department", "division").order_by("id"):
        grant = Grant(ra.role, ra.department.path if ra.department_id else None, ra.division.prefix if ra.division_id else None)
        if ra.user_id in seen or not grant.covers(scope):
            continue
        seen.add(ra.user_id)
        users.append(ra.user)
        if len(users) >= limit:
            break
    return users


def task_recipients(task: WorkTask) -> list:
    if task.assignee_id:
        return [task.assignee]
    return candidates(task.candidate_role, task.department or task.case.department, task.division or task.case.division)


# --- receivers --------------------------------------------------------------------------------------

def on_case_started(sender, case, **kwargs):
    if case.applicant_id:
        due = f"，承诺办结期限 {case.promised_due:%Y年%m月%d日}" if case.promised_due else ""
        notify(case.applicant, TOPIC_CASE, f"您的申请已受理：{case.title}", f"办件编号 {case.number}{due}。", case_link(case, staff=False))


def on_correction_requested(sender, case, task=None, **kwargs):
    if not case.applicant_id:
        return
    items = []
    rounds = getattr(task, "corrections", None) or []
    # the task keeps one round per request ({"items": [...], "requested_by", "answers" …}); the newest is this one
    latest = rounds[-1] if rounds and isinstance(rounds[-1], dict) and isinstance(rounds[-1].get("items"), list) else None
    for c in (latest["items"] if latest else rounds):
        if isinstance(c, dict):
            text = c.get("item") or c.get("name") or c.get("text") or ""
            reason = c.get("reason") or c.get("note") or ""
            items.append(f"{text}（{reason}）" if reason else str(text))
        else:
            items.append(str(c))
    body = "请补正以下内容：\n" + "\n".join(f"{i}. {t}" for i, t in enumerate(items, 1)) if items else "请按审批意见补正材料。"
    if task is not None and task.opinion:
        body += f"\n审批意见：{task.opinion}"
    notify(case.applicant, TOPIC_CASE, f"需要补正材料：{case.title}", body + "\n补正期间暂停计时。", case_link(case, staff=False))


def on_case_finished(sender, case, **kwargs):
    if case.applicant_id:
        note = f"：{case.outcome_note}" if case.outcome_note else ""
        notify(case.applicant, TOPIC_CASE, f"办件{case.get_status_display()}：{case.title}", f"办件编号 {case.number}{note}", case_link(case, staff=False))


def on_task_created(sender, case, task=None, **kwargs):
    if task is None:
        return
    recipients = task_recipients(task)
    if recipients:
        due = f"，承诺期限 {case.promised_due:%Y-%m-%d}" if case.promised_due else ""
        notify_many(recipients, TOPIC_TASK, f"新的待办：{task.name}（{case.title}）", f"办件编号 {case.number}，申请人 {case.applicant_name}{due}。",
                    _link("tasks:task", public_id=task.public_id) or case_link(case, staff=True))


def on_warning_raised(sender, cases, level, **kwargs):
    """One notice per clerk per case; the open tasks of all the cases are read in one query."""
    if not cases:
        return
    open_tasks: dict[int, list] = {}
    for t in (WorkTask.objects.filter(case_id__in=[c.pk for c in cases], status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])
              .select_related("assignee", "department", "division", "case__department", "case__division").defer("case__data", "case__state").order_by("id")):
        open_tasks.setdefault(t.case_id, []).append(t)
    received = {u.pk: u for u in _users({c.received_by_id for c in cases if c.received_by_id})}
    memo: dict = {}
    batch = []
    for case in cases:
        tasks = open_tasks.get(case.pk, [])
        recipients = [t.assignee for t in tasks if t.assignee_id]
        if not recipients:
            for t in tasks:
                key = (t.candidate_role, t.department_id or case.department_id, t.division_id or case.division_id)
                if key not in memo:
                    memo[key] = candidates(t.candidate_role, t.department or t.case.department, t.division or t.case.division)
                recipients += memo[key]
        if not recipients and case.received_by_id in received:
            recipients = [received[case.received_by_id]]
        due = f"{case.promised_due:%Y-%m-%d}" if case.promised_due else "—"
        title, link = f"{WARNING_WORDS.get(level, '时限预警')}：{case.title}", case_link(case, staff=True)
        body = f"办件编号 {case.number}，承诺期限 {due}，请抓紧办理。"
        batch += [(u, TOPIC_WARNING, title, body, link) for u in {u.pk: u for u in recipients}.values()]
    notify_batch(batch)


def _users(ids):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=ids, is_active=True) if ids else []


def connect() -> None:
    """Called from ``apps_timelimits.ready``."""
    signals.case_started.connect(on_case_started, sender=Case, dispatch_uid="notifications.case_started")
    signals.correction_requested.connect(on_correction_requested, sender=Case, dispatch_uid="notifications.correction_requested")
    signals.case_finished.connect(on_case_finished, sender=Case, dispatch_uid="notifications.case_finished")
    signals.task_created.connect(on_task_created, sender=Case, dispatch_uid="notifications.task_created")
    timelimits.warning_raised.connect(on_warning_raised, sender=Case, dispatch_uid="notifications.warning_raised")
