"""Test helpers of the 一件事 part (import from tests only): the departments, licence types and seals the
eight modelled bundles need in the small test city, the reused platform processes, and a runner that moves
a case through its tasks with the workflow actions (claim, then approve / reject / complete)."""

from __future__ import annotations

from digigov.core.testing import make_user, resident_id

LICENCE_CODES = ("100000PSB001", "100000PSB002", "100000CA001", "100000HEA001", "100000HSA001", "100000HRSS001",
                 "100000SAMR001", "100000SAMR002", "100000SAMR005", "100000NR001")


def bundle_world(city, *, seals: bool = True) -> dict:
    """Departments, licence types (with their issuing bureaus' seals), the reused processes, a city admin."""
    from digigov.core.org import actions as org_actions
    from digigov.core.org.models import Department, DepartmentKind
    from digigov.support.license import catalog
    from digigov.support.license.models import LicenceType
    from digigov.support.workflow.actions.processes import activate_version, import_process
    from digigov.support.workflow.models import ProcessVersion, VersionStatus
    from digigov.support.workflow.processes import DEMO_PROCESSES, read

    from .bundles_data import REUSED_PROCESSES
    from .processes import department_codes

    codes = set(department_codes()) | {f"CITY-{t['abbr']}" for t in catalog.catalog() if t["code"] in LICENCE_CODES}
    codes |= {e["department_code"] for e in DEMO_PROCESSES if e["key"] in REUSED_PROCESSES}
    have = set(Department.objects.values_list("code", flat=True))
    for code in sorted(codes - have):
        org_actions.create_department(city.system, code=code, name=f"示范市{code}", kind=DepartmentKind.COMMITTEE, division=city.city,
                                      parent=city.gov)
    depts = {d.code: d for d in Department.objects.filter(code__in=codes)}
    types = {}
    for t in catalog.catalog():
        if t["code"] in LICENCE_CODES and not LicenceType.objects.filter(code=t["code"]).exists():
            types[t["code"]] = LicenceType.objects.create(code=t["code"], name=t["name"], holder_kind=t["holder_kind"],
                                                          department=depts[f"CITY-{t['abbr']}"], fields=t["fields"], layout=t["layout"],
                                                          valid_years=t["valid_years"], is_licensing=t["is_licensing"])
    if seals:
        from digigov.support.seal.testing import make_seal

        for dept_code in sorted({f"CITY-{t['abbr']}" for t in catalog.catalog() if t["code"] in LICENCE_CODES}):
            make_seal(depts[dept_code])
    admin = make_user("city_admin")
    for entry in DEMO_PROCESSES:
        if entry["key"] in REUSED_PROCESSES and not ProcessVersion.objects.filter(process__key=entry["key"], status=VersionStatus.ACTIVE).exists():
            v = import_process(admin, read(entry), entry["file"], department=depts[entry["department_code"]], name=entry["name"],
                               statutory_days=entry["statutory_days"], promised_days=entry["promised_days"])
            activate_version(admin, v)
    return {"departments": depts, "admin": admin}


def citizen(city, *, name: str = "王小明", birth: str = "19900101"):
    """A citizen account with a natural person (so licences land in the wallet)."""
    from digigov.core.accounts.models import NaturalPerson

    person = NaturalPerson.objects.create(id_number=resident_id("210602", birth), name=name, gender="M", birth_date=f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
                                          division=city.county_a)
    user = make_user("citizen")
    user.person = person
    user.display_name = name
    user.save(update_fields=["person", "display_name"])
    return user


def enterprise_agent(city, *, name: str = "示范市好味道餐饮管理有限公司"):
    """An enterprise agent acting for a legal person (current authorisation)."""
    import datetime as dt

    from django.utils import timezone

    from digigov.core.accounts.models import AgentAuthorization, LegalPerson
    from digigov.core.testing import uscc

    lp = LegalPerson.objects.create(uscc=uscc(), name=name, division=city.county_a, address="示范市元宝区兴业街8号")
    user = citizen(city, name="赵经理", birth="19850505")
    fields = {f.name for f in AgentAuthorization._meta.get_fields()}
    kwargs = {"agent": user, "legal_person": lp}
    if "valid_until" in fields:
        kwargs["valid_until"] = timezone.localdate() + dt.timedelta(days=365)
    if "valid_from" in fields:
        kwargs["valid_from"] = timezone.localdate() - dt.timedelta(days=1)
    AgentAuthorization.objects.create(**kwargs)
    return user, lp


_handlers: dict = {}


def handler(role: str, department):
    key = (role, department.pk)
    user = _handlers.get(key)
    if user is None or not type(user).objects.filter(pk=user.pk).exists():
        user = _handlers[key] = make_user(role, department=department)
    return user


def run_case(case, *, reject: set[str] = frozenset(), data: dict | None = None) -> None:
    """Move ``case`` through every open task with the workflow actions: the task's candidate role in its
    department claims it, then completes 窗口受理 and approves (or rejects, for element ids in ``reject``) the
    reviews, until the case waits for no one."""
    from digigov.core.context import acting_as
    from digigov.support.workflow.actions import tasks as task_actions
    from digigov.support.workflow.models import OPEN_CASE_STATUSES, TaskStatus

    for _ in range(10):
        case.refresh_from_db()
        if case.status not in OPEN_CASE_STATUSES:
            return
        open_tasks = list(case.tasks.filter(status=TaskStatus.OPEN).select_related("department").order_by("id"))
        if not open_tasks:
            return
        for task in open_tasks:
            user = handler(task.candidate_role or "approver", task.department)
            with acting_as(user):
                task = task_actions.claim(user, task)
                if task.element_id in reject:
                    task_actions.reject(user, task, opinion="材料与实际情况不符，不予办理")
                elif task.candidate_role == "window_clerk":
                    task_actions.complete(user, task, opinion="材料齐全，予以受理")
                else:
                    task_actions.approve(user, task, opinion="符合条件，同意", data=data)
