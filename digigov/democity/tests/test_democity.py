import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from digigov.core.rbac.system import system_account
from digigov.core import registry
from digigov.core.accounts import ids
from digigov.core.accounts.demo import CITY_DIVISION, DEMO_ACCOUNTS, DEMO_PASSWORD
from digigov.core.accounts.models import AgentAuthorization, LegalPerson, NaturalPerson, User, UserKind
from digigov.core.audit.models import AuditEntry
from digigov.core.org import demo as org_demo
from digigov.core.org.actions import validate_division_code
from digigov.core.org.models import Department, DepartmentKind, Division, DivisionLevel, Post, StaffMember
from digigov.core.rbac.models import Role, RoleAssignment
from digigov.democity.models import DemoRun
from digigov.democity.tasks import generate_demo_city

MINE = "org,accounts"
SCALE = 0.01
WHOLE_CITY_SCALE = 0.002  # every generator, the smallest city where each still writes rows


def democity(*args, **opts) -> str:
    out = io.StringIO()
    call_command("democity", *args, no_progress=True, stdout=out, **opts)
    return out.getvalue()


def digest() -> str:
    """Every generated row (timestamps aside) of the org and accounts generators, in id order."""
    h = hashlib.sha256()
    tables = [
        (Division, ("id", "public_id", "code", "name", "level", "kind", "parent_id")),
        (Department, ("id", "public_id", "code", "name", "short_name", "kind", "division_id", "parent_id", "is_budget_unit", "path", "depth")),
        (Post, ("id", "public_id", "department_id", "name")),
        (User, ("id", "public_id", "username", "display_name", "kind", "person_id", "password", "is_staff", "date_joined")),
        (StaffMember, ("id", "public_id", "user_id", "department_id", "post_id", "employee_no")),
        (NaturalPerson, ("id", "public_id", "id_number", "name", "gender", "birth_date", "phone", "address", "division_id")),
        (LegalPerson, ("id", "public_id", "uscc", "name", "kind", "legal_representative_id", "division_id", "address", "established_on")),
        (AgentAuthorization, ("id", "public_id", "legal_person_id", "agent_id", "scope", "valid_from", "valid_until")),
        (RoleAssignment, ("id", "public_id", "user_id", "role", "department_id", "division_id")),
    ]
    for model, fields in tables:
        h.update(model._meta.label.encode())
        # the platform's own system account (created at first use) is not part of the city
        platform = {RoleAssignment: {"role": "system"}, User: {"username": "system"}}.get(model)
        rows = model.objects.exclude(**platform) if platform else model.objects
        for row in rows.order_by("pk").values_list(*fields).iterator(chunk_size=5000):
            h.update(repr(row).encode())
    return h.hexdigest()


def test_same_seed_same_city_different_seed_other_city(db):
    # the platform's system account exists before the runs: created inside the rolled-back ones, it would
    # advance PostgreSQL's id sequence (not rolled back) and shift the ids the generators hand out
    system_account()
    with transaction.atomic():
        democity(scale=SCALE, seed=7, only=[MINE])
        first = digest()
        transaction.set_rollback(True)
    assert not Division.objects.exists()
    with transaction.atomic():
        democity(scale=SCALE, seed=8, only=[MINE])
        other = digest()
        transaction.set_rollback(True)
    democity(scale=SCALE, seed=7, only=[MINE])
    assert digest() == first
    assert other != first
    assert NaturalPerson.objects.count() == round(2_200_000 * SCALE)
    assert LegalPerson.objects.count() == round(150_000 * SCALE)


def test_task_then_command_is_idempotent(db):
    results = generate_demo_city.call_local(WHOLE_CITY_SCALE, 5)
    names = [g.name for g in registry.demo_order()]
    assert [r["name"] for r in results] == names
    assert all(not r["skipped"] and r["rows"] > 0 for r in results)
    counts = (Division.objects.count(), Department.objects.count(), NaturalPerson.objects.count(), LegalPerson.objects.count(),
              User.objects.count())
    entries = AuditEntry.objects.filter(action="democity.generate")
    assert entries.count() == len(names)
    entry = entries.get(object_repr="accounts")
    assert entry.channel == "task" and entry.after["seed"] == 5 and entry.after["rows"] > 0

    out = democity(scale=WHOLE_CITY_SCALE, seed=5)
    assert out.count("跳过") == len(names)
    assert counts == (Division.objects.count(), Department.objects.count(), NaturalPerson.objects.count(),
                      LegalPerson.objects.count(), User.objects.count())
    assert DemoRun.objects.count() == len(names)
    assert AuditEntry.objects.filter(action="democity.generate").count() == len(names)


def test_if_empty(db):
    out = democity("--if-empty", scale=SCALE, seed=3, only=["org"])
    assert "org:" in out and Division.objects.exists()
    n = Division.objects.count()
    DemoRun.objects.all().delete()  # even with no record of the run, existing divisions stop it
    out = democity("--if-empty", scale=SCALE, seed=4, only=["org"])
    assert "--if-empty" in out
    assert Division.objects.count() == n and not DemoRun.objects.exists()


def test_only_checks_names_and_dependencies(db):
    with pytest.raises(CommandError, match="未注册"):
        democity(scale=SCALE, only=["nosuch"])
    with pytest.raises(CommandError, match="依赖"):
        democity(scale=SCALE, only=["accounts"])


def test_generated_identifiers_are_valid(db):
    democity(scale=SCALE, seed=11, only=[MINE])
    persons = list(NaturalPerson.objects.select_related("division").order_by("?")[:400])
    for p in persons:
        assert ids.is_valid_resident_id(p.id_number), p.id_number
        assert p.id_number[:6] == p.division.code[:6] and p.division.level == DivisionLevel.VILLAGE
        assert p.id_number[6:14] == p.birth_date.strftime("%Y%m%d")
        assert dt.date(1930, 1, 1) <= p.birth_date <= dt.date(2023, 12, 31)
        assert int(p.id_number[16]) % 2 == (1 if p.gender == "M" else 0)
        assert 2 <= len(p.name) <= 4 and p.address.startswith("示范市")
    persons[0].full_clean()
    firms = list(LegalPerson.objects.select_related("division").order_by("?")[:300])
    for lp in firms:
        assert ids.is_valid_uscc(lp.uscc), lp.uscc
        assert lp.uscc[2:8] == lp.division.code[:6]
    firms[0].full_clean()
    assert NaturalPerson.objects.values("id_number_bidx").distinct().count() == NaturalPerson.objects.count()
    assert LegalPerson.objects.filter(legal_representative__isnull=False).exists()
    assert AgentAuthorization.objects.count() >= 20


def test_divisions_and_department_tree(db):
    democity(scale=SCALE, seed=12, only=["org"])
    levels = {lvl: Division.objects.filter(level=lvl).count() for lvl in DivisionLevel.values}
    assert levels[DivisionLevel.CITY] == 1 and 5 <= levels[DivisionLevel.COUNTY] <= 8
    assert 90 <= levels[DivisionLevel.TOWN] <= 110 and 900 <= levels[DivisionLevel.VILLAGE] <= 1100
    for d in Division.objects.select_related("parent"):
        validate_division_code(d.code, d.level, d.parent)
    assert Division.objects.get(code=org_demo.CITY_CODE).name == "示范市"

    assert Department.objects.count() == org_demo.DEPARTMENT_COUNT == 235
    depts = {d.pk: d for d in Department.objects.all()}
    for d in depts.values():
        parent = depts.get(d.parent_id)
        assert d.path == (parent.path if parent else "/") + f"{d.pk}/"
        assert d.depth == d.path.count("/") - 2
        if parent:
            assert d.division.code.startswith(parent.division.prefix) or parent.kind == DepartmentKind.GOVERNMENT
    assert Department.objects.filter(is_budget_unit=True).count() > 200
    bureau = Department.objects.get(code=org_demo.BIG_DATA_BUREAU_CODE)
    assert "大数据管理局" in bureau.name and bureau.kind == DepartmentKind.COMMITTEE
    center = Department.objects.get(code=org_demo.BIG_DATA_CENTER_CODE)
    assert center.name.endswith("大数据管理中心") and center.path.startswith(bureau.path)
    assert Department.objects.filter(kind=DepartmentKind.GOVERNMENT).count() == 1 + levels[DivisionLevel.COUNTY]
    assert Post.objects.count() >= 3 * 235
    assert StaffMember.objects.count() == round(3000 * SCALE)
    assert not User.objects.get(pk=StaffMember.objects.first().user_id).has_usable_password()


def test_demo_accounts_listed_and_can_log_in(db, client):
    democity(scale=SCALE, seed=13, only=[MINE])
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    assert "用户名" in text and "密码" in text and DEMO_PASSWORD in text
    for username, role, kind, scope, unit in DEMO_ACCOUNTS:
        assert username in text and str(Role(role).label) in text
        user = User.objects.get(username=username)
        assert user.kind == kind
        ra = RoleAssignment.objects.get(user=user)
        assert ra.role == role
        if scope == CITY_DIVISION:  # service-hall staff reach the whole city's people by division
            assert ra.department_id is None and ra.division.code == "210600000000"
        else:
            assert (ra.department.code if ra.department_id else None) == scope and ra.division_id is None
        if kind == UserKind.STAFF:
            assert StaffMember.objects.get(user=user).department.code == unit
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()
    assert User.objects.get(username="citizen").person is not None
    agent = User.objects.get(username="agent")
    assert agent.person is not None and AgentAuthorization.objects.filter(agent=agent).exists()
    assert "营商环境建设局（大数据管理局）" in text
    # one hash for the ten demo accounts; everybody else cannot log in with a password
    assert User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS]).values("password").distinct().count() == 1
    assert not client.login(username=User.objects.exclude(username__in=[a[0] for a in DEMO_ACCOUNTS]).first().username, password="")


def test_demo_accounts_before_generation(db):
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert "democity" in out.getvalue()
