"""Divisions (12-digit codes, prefix tree) and departments (materialised path)."""

import pytest

from digigov.core.audit.actions import verify_chain
from digigov.core.audit.models import AuditEntry
from digigov.core.context import acting_as
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.org import actions as org
from digigov.core.org.models import Department, Division, DivisionLevel
from digigov.core.testing import make_user

L = DivisionLevel


# --- division codes ------------------------------------------------------------------------------
def test_city_fixture_builds_a_valid_tree(city):
    assert city.county_a.parent == city.city and city.village_a.parent == city.town_a
    assert [city.city.prefix, city.county_a.prefix, city.town_a.prefix, city.village_a.prefix] == ["2106", "210602", "210602001", "210602001001"]
    assert AuditEntry.objects.filter(action="org.division.create").count() == 7
    assert verify_chain().ok


@pytest.mark.parametrize("code", ["21060200000", "2106020000000", "21060200000a", "２１０６０２０００００", "", None])
def test_division_code_must_be_12_digits(city, code):
    with pytest.raises(ValidationFailed) as exc:
        org.validate_division_code(code, L.COUNTY, city.city)
    assert exc.value.code == "invalid_division_code"


@pytest.mark.parametrize("code, level", [
    ("210602001000", L.COUNTY),  # town digits set on a county
    ("210600000001", L.CITY),
    ("210602001001", L.TOWN),  # village digits set on a town
])
def test_division_code_must_match_its_level(city, code, level):
    parent = {L.CITY: None, L.COUNTY: city.city, L.TOWN: city.county_a}[level]
    with pytest.raises(ValidationFailed) as exc:
        org.validate_division_code(code, level, parent)
    assert exc.value.code == "invalid_division_code" and "层级" in exc.value.message


def test_division_code_must_extend_its_parent(city):
    with pytest.raises(ValidationFailed) as exc:  # a town of county B declared under county A
        org.create_division(city.system, code="210603002000", name="错挂街道", level=L.TOWN, parent=city.county_a)
    assert exc.value.code == "invalid_parent"
    with pytest.raises(ValidationFailed) as exc:  # a village attached directly to a county
        org.create_division(city.system, code="210602001002", name="越级社区", level=L.VILLAGE, parent=city.county_a)
    assert exc.value.code == "invalid_parent"
    with pytest.raises(ValidationFailed) as exc:  # missing parent
        org.create_division(city.system, code="210604000000", name="无上级区", level=L.COUNTY)
    assert exc.value.code == "invalid_parent"
    with pytest.raises(ValidationFailed) as exc:  # a city with a parent
        org.create_division(city.system, code="210700000000", name="他市", level=L.CITY, parent=city.city)
    assert exc.value.code == "invalid_parent"
    assert not Division.objects.filter(code__in=["210603002000", "210602001002", "210604000000", "210700000000"]).exists()


def test_invalid_level_is_rejected(city):
    with pytest.raises(ValidationFailed) as exc:
        org.validate_division_code("210602000000", 5, city.city)
    assert exc.value.code == "invalid_level"


def test_duplicate_division_code_is_a_conflict(city):
    with pytest.raises(Conflict) as exc:
        org.create_division(city.system, code="210602000000", name="重复", level=L.COUNTY, parent=city.city)
    assert exc.value.code == "division_exists"


def test_expected_parent_code():
    assert org.expected_parent_code("210602001001", L.VILLAGE) == "210602001000"
    assert org.expected_parent_code("210602001000", L.TOWN) == "210602000000"
    assert org.expected_parent_code("210602000000", L.COUNTY) == "210600000000"
    assert org.expected_parent_code("210600000000", L.CITY) is None


def test_create_division_needs_org_manage_over_the_parent(city):
    county_admin = make_user("city_admin", division=city.county_a)
    with acting_as(county_admin):
        org.create_division(county_admin, code="210602002000", name="新街道", level=L.TOWN, parent=city.county_a)
        with pytest.raises(Forbidden):
            org.create_division(county_admin, code="210603002000", name="越权街道", level=L.TOWN, parent=city.county_b)
    assert AuditEntry.objects.filter(action="org.division.create", actor=county_admin.username).count() == 1


# --- departments ---------------------------------------------------------------------------------
def test_department_path_and_depth(city):
    assert city.gov.path == f"/{city.gov.pk}/" and city.gov.depth == 0
    assert city.bureau.path == f"/{city.gov.pk}/{city.bureau.pk}/" and city.bureau.depth == 1
    assert city.bureau_unit.path == f"{city.bureau.path}{city.bureau_unit.pk}/" and city.bureau_unit.depth == 2
    stored = Department.objects.get(pk=city.bureau_unit.pk)
    assert (stored.path, stored.depth) == (city.bureau_unit.path, 2)
    assert set(org.subtree(city.bureau)) == {city.bureau, city.bureau_unit}
    assert set(org.subtree(city.gov)) == {city.gov, city.bureau, city.bureau_unit, city.other_bureau}


def test_create_department_validation(city):
    with pytest.raises(ValidationFailed) as exc:
        org.create_department(city.system, code="X1", name="某局", kind="ministry", division=city.city)
    assert exc.value.code == "invalid_kind"
    with pytest.raises(ValidationFailed) as exc:
        org.create_department(city.system, code="X2", name="", kind="committee", division=city.city)
    assert exc.value.code == "invalid_name"
    with pytest.raises(ValidationFailed):
        org.create_department(city.system, code="X3", name="局" * 101, kind="committee", division=city.city)
    with pytest.raises(Conflict) as exc:
        org.create_department(city.system, code="CITY-BDB", name="重复", kind="committee", division=city.city)
    assert exc.value.code == "department_exists"
    assert not Department.objects.filter(code__in=["X1", "X2", "X3"]).exists()


def test_no_child_under_a_voided_parent(city, role_user):
    from digigov.core.accounts.actions import void

    admin = role_user("city_admin")
    with acting_as(admin):
        void(admin, city.other_bureau, "机构改革撤销", "org.manage")
    with pytest.raises(ValidationFailed) as exc:
        org.create_department(city.system, code="EDU-1", name="撤销局下属", kind="second", division=city.city, parent=city.other_bureau)
    assert exc.value.code == "parent_voided"


def test_update_department_changes_allowed_fields_and_audits_the_diff(role_user, city):
    admin = role_user("dept_admin")
    with acting_as(admin):
        org.update_department(admin, city.bureau_unit, short_name="数据中心", is_budget_unit=False)
    stored = Department.objects.get(pk=city.bureau_unit.pk)
    assert stored.short_name == "数据中心" and stored.is_budget_unit is False
    entry = AuditEntry.objects.get(action="org.department.update")
    assert entry.before == {"is_budget_unit": True, "short_name": "大数据中心"}
    assert entry.after == {"is_budget_unit": False, "short_name": "数据中心"}
    assert entry.role == "dept_admin"


@pytest.mark.parametrize("field, value", [("path", "/1/"), ("parent", None), ("code", "NEW"), ("division", None), ("depth", 0)])
def test_update_department_rejects_unknown_fields(role_user, city, field, value):
    admin = role_user("city_admin")
    before = Department.objects.get(pk=city.bureau.pk)
    with acting_as(admin), pytest.raises(ValidationFailed) as exc:
        org.update_department(admin, city.bureau, name="新名称", **{field: value})
    assert exc.value.code == "unknown_fields" and exc.value.detail == [field]
    after = Department.objects.get(pk=city.bureau.pk)
    assert (after.name, after.path, after.code, after.parent_id) == (before.name, before.path, before.code, before.parent_id)
    assert not AuditEntry.objects.filter(action="org.department.update").exists()


@pytest.mark.parametrize("name", ["", "局" * 101], ids=["empty", "too_long"])
def test_update_department_invalid_value_is_a_validation_failure(role_user, city, name):
    admin = role_user("city_admin")
    with acting_as(admin), pytest.raises(ValidationFailed) as exc:
        org.update_department(admin, city.bureau, name=name)
    assert exc.value.status == 422 and exc.value.code == "invalid_department" and "name" in exc.value.detail
    assert Department.objects.get(pk=city.bureau.pk).name == "示范市营商环境建设局（大数据管理局）"


def test_update_department_outside_scope_is_forbidden(role_user, city):
    admin = role_user("dept_admin")
    with acting_as(admin), pytest.raises(Forbidden):
        org.update_department(admin, city.other_bureau, name="改名")
    assert Department.objects.get(pk=city.other_bureau.pk).name == "示范市教育局"


def test_department_cannot_be_deleted(city):
    with pytest.raises(PermissionError):
        city.bureau_unit.delete()
    with pytest.raises(PermissionError):
        Department.objects.filter(pk=city.bureau_unit.pk).delete()
    assert Department.objects.filter(pk=city.bureau_unit.pk).exists()


# --- posts and staff -----------------------------------------------------------------------------
def test_posts_and_staff(city):
    post = org.create_post(city.system, department=city.bureau, name="科长")
    with pytest.raises(Conflict):
        org.create_post(city.system, department=city.bureau, name="科长")
    other_post = org.create_post(city.system, department=city.other_bureau, name="科长")
    user = make_user("window_clerk", department=city.bureau)
    staff = org.add_staff(city.system, user=user, department=city.bureau, employee_no="E0001", post=post)
    assert str(staff) == f"{user.display_name}（{city.bureau.name}）"
    with pytest.raises(ValidationFailed) as exc:
        org.add_staff(city.system, user=make_user(kind="staff"), department=city.bureau, employee_no="E0002", post=other_post)
    assert exc.value.code == "post_mismatch"
    with pytest.raises(Conflict) as exc:
        org.add_staff(city.system, user=make_user(kind="staff"), department=city.bureau, employee_no="E0001")
    assert exc.value.code == "employee_no_exists"
    # one post per account (was an IntegrityError: a 500 in the admin); staff accounts only
    with pytest.raises(Conflict) as exc:
        org.add_staff(city.system, user=user, department=city.other_bureau, employee_no="E0003")
    assert exc.value.code == "already_staff"
    with pytest.raises(ValidationFailed) as exc:
        org.add_staff(city.system, user=make_user("citizen"), department=city.bureau, employee_no="E0004")
    assert exc.value.code == "not_staff_account"
    assert {e.action for e in AuditEntry.objects.all()} >= {"org.post.create", "org.staff.add"}
