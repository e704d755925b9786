"""Demo city: the application platform at work — the demo processes imported and published with their
application forms, one approver per reviewing department, and cases at every stage.

* The processes of ``processes.DEMO_PROCESSES`` are imported and activated by the city administrator,
  each linked to the demo form of the same item (``FORM_FOR``).
* Each reviewing department gets an approver account (``approver.<abbr>``, the demo password), so that
  two departments really approve in parallel; the demo ``approver`` (city-wide) can take any of them.
* ``300 × scale`` walk-in applications (at least 24) are received at the counties' service halls by the
  demo window clerk through the window's own actions (look-up, application, 窗口受理), then moved on
  by the departments' approvers: some wait to be claimed, some are being reviewed, some were returned
  for correction, most are decided (approved, a few rejected) and half of the decided ones were handed
  out at the unified window.
* Each case is then dated back by up to 25 days as a whole (every timestamp of the case moved by the same
  amount) and its clock recomputed on the city calendar, so the time-limit pages show cases on time,
  in yellow, red and overdue — from the data, not set by hand.

Deterministic for a seed; everything goes through the actions, audited, named after the person acting.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db.models import F
from django.utils import timezone

from digigov.core.accounts.demo import DEMO_PASSWORD
from digigov.core.accounts.models import NaturalPerson, User, UserKind
from digigov.core.context import acting_as
from digigov.core.org.models import Department
from digigov.core.rbac.models import Role, RoleAssignment
from digigov.core.rbac.system import system_account
from digigov.core.registry import register_demo

from .models import Case, CaseEvent, ClockState, ClockSuspension, OPEN_CASE_STATUSES, ProcessVersion, TaskStatus, VersionStatus, WorkTask

CASES_FULL = 300
CASES_MIN = 24
MAX_DAYS_BACK = 25
FORM_FOR = {
    "individual_business_registration": "individual-business",
    "food_business_licence": "food-business-licence",
    "construction_permit": "construction-permit",
    "newborn_one_thing": "birth-registration",
    "resident_pension_enrolment": "resident-pension",
}


def _user(username: str):
    return User.objects.filter(username=username, is_active=True).first()


def _import_processes(admin) -> list[ProcessVersion]:
    from digigov.support.forms import selectors as form_selectors

    from . import processes
    from .actions.processes import activate_version, import_process

    out = []
    for entry in processes.DEMO_PROCESSES:
        active = ProcessVersion.objects.filter(process__key=entry["key"], status=VersionStatus.ACTIVE).first()
        if active is not None:
            out.append(active)
            continue
        form_key = FORM_FOR.get(entry["key"])
        form = form_selectors.published_version(form_key) if form_key else None
        dept = Department.objects.get(code=entry["department_code"])
        version = import_process(admin, processes.read(entry), entry["file"], department=dept, form=form, name=entry["name"],
                                 statutory_days=entry["statutory_days"], promised_days=entry["promised_days"])
        out.append(activate_version(admin, version))
    return out


def _approvers(ctx, codes) -> dict[int, User]:
    """One approver per reviewing department (created once; the demo password, hashed once)."""
    depts = list(Department.objects.filter(code__in=codes, voided_at__isnull=True).order_by("code"))
    existing = {u.username: u for u in User.objects.filter(username__in=[f"approver.{d.code.split('-', 1)[1].lower()}" for d in depts])}
    password = None
    out: dict[int, User] = {}
    for d in depts:
        username = f"approver.{d.code.split('-', 1)[1].lower()}"
        user = existing.get(username)
        if user is None:
            password = password or make_password(DEMO_PASSWORD)
            user = User.objects.create(username=username, display_name=f"{d.short_name or d.name}审批员", kind=UserKind.STAFF,
                                       password=password)
            RoleAssignment.objects.create(user=user, role=Role.APPROVER, department=d)
        out[d.pk] = user
    return out


def _decide_open_tasks(case: Case, approvers: dict[int, User], fallback, rng, *, stop: str) -> str:
    """Move the case's approver tasks on until it ends or ``stop`` says where to leave it; returns where it stopped."""
    from .actions import tasks as task_actions

    for _round in range(8):
        case.refresh_from_db(fields=["status"])
        if case.status not in OPEN_CASE_STATUSES:
            return "finished"
        open_tasks = list(case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED), candidate_role=Role.APPROVER).order_by("id"))
        if not open_tasks:
            return "waiting"
        if stop == "open":
            return "open"
        for task in open_tasks:
            handler = approvers.get(task.department_id) or fallback
            with acting_as(handler, channel="command"):
                if task.status == TaskStatus.OPEN:
                    task = task_actions.claim(handler, task)
                if stop == "claimed":
                    return "claimed"
                if stop == "correction":
                    task_actions.request_correction(handler, task, items=[{"material": "身份证明材料", "reason": "复印件不清晰，请重新提交"}],
                                                    opinion="请补正后再审")
                    return "correction"
                if stop == "reject" and rng.random() < 0.5:
                    task_actions.reject(handler, task, opinion="申请材料与现场核查情况不符，不予许可")
                else:
                    task_actions.approve(handler, task, opinion="材料齐全，符合条件，同意")
    return "waiting"


def _date_back(case: Case, days: int) -> None:
    """Move every timestamp of the case back by ``days`` and recompute its clock on the city calendar."""
    from . import timelimits

    if days:
        delta = dt.timedelta(days=days)
        Case.objects.filter(pk=case.pk).update(started_at=F("started_at") - delta, statutory_due=None, promised_due=None)
        Case.objects.filter(pk=case.pk, finished_at__isnull=False).update(finished_at=F("finished_at") - delta)
        CaseEvent.objects.filter(case=case).update(at=F("at") - delta)
        WorkTask.objects.filter(case=case, claimed_at__isnull=False).update(claimed_at=F("claimed_at") - delta)
        WorkTask.objects.filter(case=case, completed_at__isnull=False).update(completed_at=F("completed_at") - delta)
        ClockSuspension.objects.filter(case=case).update(started_at=F("started_at") - delta)
        ClockSuspension.objects.filter(case=case, ended_at__isnull=False).update(ended_at=F("ended_at") - delta)
    case = Case.objects.select_related("process_version__process").defer("state").get(pk=case.pk)
    if case.status in OPEN_CASE_STATUSES:
        timelimits.start_clock(case)
    else:
        Case.objects.filter(pk=case.pk).update(clock=ClockState.STOPPED)


SCOPES = ("日用百货零售", "餐饮服务", "服装鞋帽零售", "家电维修", "美容美发服务", "水果蔬菜零售")


def _demo_data(version, rng) -> dict:
    """What an application of the process carries that its issued licence prints (the e-licence slice's
    ``license.issue`` reads it from the case data)."""
    if version.process.key == "individual_business_registration":
        return {"business_place": f"示范市元宝区兴业街{rng.randint(1, 300)}号", "business_scope": rng.choice(SCOPES),
                "form_of_organisation": rng.choice(("个人经营", "家庭经营")), "capital": rng.randint(1, 50)}
    return {}


def generate(ctx):
    from digigov.support.window.actions import deliveries as delivery_actions
    from digigov.support.window.actions import reception as reception_actions
    from digigov.support.window.models import DeliveryStatus, ServiceHall

    from . import processes, timelimits

    rng = ctx.rng
    admin = _user("cityadmin") or system_account()
    clerk, city_approver = _user("clerk"), _user("approver")
    halls = list(ServiceHall.objects.active().select_related("division").order_by("id"))
    with acting_as(admin, channel="command"):
        versions = [v for v in _import_processes(admin) if v.process.statutory_days]  # a called process is not applied for
    approvers = _approvers(ctx, processes.DEPARTMENT_CODES)
    if clerk is None or city_approver is None or not halls:
        ctx.describe(f"流程：{len(versions)} 个流程已发布；没有窗口人员或服务大厅，未生成办件")
        return
    if Case.objects.exists():
        ctx.describe(f"流程：{len(versions)} 个流程已发布；已有办件，跳过")
        return
    n = ctx.n(CASES_FULL, minimum=CASES_MIN)
    pks = list(NaturalPerson.objects.active().order_by("pk").values_list("pk", flat=True)[: n * 20 : 20])
    people = {p.pk: p for p in NaturalPerson.objects.filter(pk__in=pks)}
    counts: dict[str, int] = {}
    handed = 0
    for i, pk in enumerate(pks):
        person, version, hall = people[pk], versions[i % len(versions)], halls[i % len(halls)]
        with acting_as(clerk, channel="command"):
            reception = reception_actions.start_reception(clerk, hall)
            reception_actions.identify(clerk, reception, kind="person", code=person.id_number)
            case = reception_actions.create_application(clerk, reception, version, data={"applicant_name": person.name, **_demo_data(version, rng)},
                                                        idempotency_key=f"demo-{i}")
        draw = rng.random()
        stop = "open" if draw < 0.12 else "claimed" if draw < 0.27 else "correction" if draw < 0.35 else "reject" if draw < 0.45 else "approve"
        where = _decide_open_tasks(case, approvers, city_approver, rng, stop=stop)
        counts[where] = counts.get(where, 0) + 1
        case.refresh_from_db(fields=["status"])
        delivery = getattr(case, "delivery", None)
        if delivery is not None:
            delivery.refresh_from_db()
            if delivery.status == DeliveryStatus.READY and rng.random() < 0.5:
                with acting_as(clerk, channel="command"):
                    delivery_actions.hand_out(clerk, delivery, recipient="applicant", name=person.name, id_number_last4=person.id_number[-4:])
                handed += 1
        _date_back(case, rng.randint(0, MAX_DAYS_BACK))
        ctx.progress(1)
    levels = timelimits.recompute_warnings()
    ctx.rows += Case.objects.count() + WorkTask.objects.count() + CaseEvent.objects.count()
    ctx.describe(f"流程与办件：{len(versions)} 个流程已发布，{len(approvers)} 个部门审批员，{len(pks)} 件窗口受理办件"
                 f"（办结 {counts.get('finished', 0)}，待认领 {counts.get('open', 0)}，审查中 {counts.get('claimed', 0)}，"
                 f"补正中 {counts.get('correction', 0)}；窗口出件 {handed} 件；预警变化 {sum(levels.values())} 件）")


register_demo("support.workflow", generate, after=("forms", "calendar", "support.window", "registries", "support.license"))
