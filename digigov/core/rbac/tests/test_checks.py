"""can / require / scope_queryset: deny by default, department subtrees, division prefixes."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from digigov.core import context
from digigov.core.accounts import actions as accounts
from digigov.core.accounts.models import NaturalPerson
from digigov.core.context import acting_as
from digigov.core.errors import Forbidden, Unauthenticated
from digigov.core.org import actions as org
from digigov.core.org.models import Department, Division
from digigov.core.rbac.checks import Grant, can, grants, require, roles_of, scope_queryset
from digigov.core.rbac.models import RoleAssignment
from digigov.core.testing import make_user, resident_id


def fresh(user):
    """A new instance: grants are cached on the user object for one request."""
    return type(user).objects.get(pk=user.pk)


def person_in(division, seq=None):
    idn = resident_id(seq=seq)
    return NaturalPerson.objects.create(id_number=idn, name="王五", gender="M", birth_date="1990-01-01", division=division)


# --- deny by default -----------------------------------------------------------------------------
def test_unregistered_permission_is_denied_even_to_city_admin(role_user):
    admin = role_user("city_admin")
    assert can(admin, "org.manage")
    assert not can(admin, "no.such.permission")
    with acting_as(admin), pytest.raises(Forbidden) as exc:
        require(admin, "no.such.permission")
    assert "no.such.permission" in exc.value.message


@pytest.mark.parametrize("user", [None, AnonymousUser()])
def test_anonymous_is_denied(user, city):
    assert not can(user, "org.view")
    assert not can(user, "org.view", city.bureau)
    assert grants(user) == []
    with pytest.raises(Unauthenticated):
        require(user, "org.view")


def test_user_without_roles_is_denied(city):
    nobody = make_user(None)
    assert grants(nobody) == []
    for perm in ("org.view", "accounts.self", "workbench.access", "audit.view"):
        assert not can(nobody, perm)
    with acting_as(nobody), pytest.raises(Forbidden) as exc:
        require(nobody, "org.view")
    assert exc.value.status == 403 and "查看区划与组织机构" in exc.value.message


def test_inactive_user_has_no_grants(role_user):
    admin = role_user("city_admin")
    admin.is_active = False
    admin.save()
    assert not can(fresh(admin), "org.manage")


def test_role_without_the_permission_is_denied(role_user, city):
    citizen = role_user("citizen")
    assert can(citizen, "accounts.self")
    assert not can(citizen, "workbench.access")
    assert not can(citizen, "org.view", city.bureau)


# --- department subtrees -------------------------------------------------------------------------
def test_dept_admin_reaches_its_subtree_only(role_user, city):
    admin = role_user("dept_admin")  # scoped to city.bureau
    assert can(admin, "org.manage", city.bureau)
    assert can(admin, "org.manage", city.bureau_unit)  # child unit
    assert not can(admin, "org.manage", city.other_bureau)  # sibling
    assert not can(admin, "org.manage", city.gov)  # parent
    assert not can(admin, "org.manage", city.county_bureau)
    assert not can(admin, "org.manage", city.city)  # a division: no department, so outside a department scope


def test_dept_scope_covers_posts_and_staff_of_the_subtree(role_user, city):
    admin = role_user("dept_admin")
    post = org.create_post(city.system, department=city.bureau_unit, name="数据专员")
    other_post = org.create_post(city.system, department=city.other_bureau, name="数据专员")
    assert can(admin, "org.manage", post)
    assert not can(admin, "org.manage", other_post)
    with acting_as(admin):
        org.create_post(admin, department=city.bureau_unit, name="科员")
        with pytest.raises(Forbidden):
            org.create_post(admin, department=city.other_bureau, name="科员")
        with pytest.raises(Forbidden):
            org.create_department(admin, code="X-1", name="越权单位", kind="second", division=city.city, parent=city.other_bureau)


def test_dept_scope_works_three_levels_down(role_user, city):
    admin = role_user("dept_admin")
    third = org.create_department(city.system, code="CITY-BDC-1", name="数据科", kind="third", division=city.city, parent=city.bureau_unit)
    assert third.depth == city.bureau_unit.depth + 1 == 3
    assert can(admin, "org.manage", third)


def test_path_prefix_does_not_match_a_sibling_with_a_longer_id():
    grant = Grant(role="dept_admin", dept_path="/1/", division_prefix=None)
    inside = SimpleNamespace(rbac_scope=lambda: (SimpleNamespace(path="/1/5/"), None))
    sibling = SimpleNamespace(rbac_scope=lambda: (SimpleNamespace(path="/12/"), None))
    assert grant.covers(inside)
    assert not grant.covers(sibling)


def test_object_without_rbac_scope_uses_department_and_division_attributes(city):
    grant = Grant(role="dept_admin", dept_path=city.bureau.path, division_prefix=None)
    assert grant.covers(SimpleNamespace(department=city.bureau_unit, division=None))
    assert not grant.covers(SimpleNamespace(department=city.other_bureau, division=None))
    assert not grant.covers(SimpleNamespace())


# --- division subtrees (12-digit code prefix) ----------------------------------------------------
def test_division_scoped_grant_by_code_prefix(city):
    clerk = make_user("window_clerk", division=city.county_a)
    assert grants(clerk) == [Grant("window_clerk", None, "210602")]
    for inside in (city.county_a, city.town_a, city.village_a):
        assert can(clerk, "accounts.person.manage", inside)
    for outside in (city.county_b, city.town_b, city.village_b, city.city):
        assert not can(clerk, "accounts.person.manage", outside)
    assert can(clerk, "accounts.pii.view", person_in(city.village_a))
    assert not can(clerk, "accounts.pii.view", person_in(city.village_b))


def test_town_scoped_grant_uses_nine_digit_prefix(city):
    clerk = make_user("window_clerk", division=city.town_a)
    assert grants(clerk)[0].division_prefix == "210602001"
    assert can(clerk, "accounts.person.manage", city.village_a)
    assert not can(clerk, "accounts.person.manage", city.county_a)


def test_department_and_division_scope_together_are_an_intersection(city):
    user = make_user("dept_admin", department=city.bureau, division=city.county_a)
    assert not can(user, "org.manage", city.bureau)  # bureau sits in the city division, not county A
    county_unit = org.create_department(city.system, code="A-BDC", name="元宝区数据分中心", kind="second", division=city.county_a, parent=city.bureau)
    assert can(user, "org.manage", county_unit)


def test_city_wide_roles_reach_everything(role_user, city):
    admin = role_user("city_admin")
    assert grants(admin) == [Grant("city_admin", None, None)]
    for obj in (city.gov, city.bureau_unit, city.county_bureau, city.village_b, person_in(city.village_b)):
        assert can(admin, "org.view", obj)
    auditor = role_user("auditor")
    assert can(auditor, "audit.view")
    assert not can(auditor, "org.manage", city.bureau)  # city-wide reach, but only the auditor's permissions


def test_voided_assignment_grants_nothing(role_user, city):
    admin = role_user("city_admin")
    clerk = make_user("window_clerk", division=city.county_a)
    assert can(clerk, "accounts.person.manage", city.village_a)
    assignment = RoleAssignment.objects.get(user=clerk)
    with acting_as(admin):
        accounts.void(admin, assignment, "调离岗位", "rbac.manage")
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()  # kept, only voided
    clerk = fresh(clerk)
    assert grants(clerk) == []
    assert not can(clerk, "accounts.person.manage", city.village_a)
    assert not can(clerk, "workbench.access")


def test_roles_of_lists_active_roles(city):
    user = make_user("window_clerk", department=city.bureau)
    RoleAssignment.objects.create(user=user, role="approver", department=city.bureau)
    assert roles_of(fresh(user)) == {"window_clerk", "approver"}


def test_grants_are_loaded_in_one_query_and_cached(role_user, django_assert_num_queries):
    user = fresh(role_user("dept_admin"))
    with django_assert_num_queries(1):
        grants(user)
        can(user, "org.view")
        can(user, "org.manage")


# --- require and the acting role -----------------------------------------------------------------
def test_require_remembers_the_granting_role_on_the_actor(city):
    user = make_user("window_clerk", division=city.county_a)
    RoleAssignment.objects.create(user=user, role="city_admin")
    user = fresh(user)
    assert require(user, "accounts.pii.view", person_in(city.village_a)) == "window_clerk"
    assert user._digigov_acting_role == "window_clerk"
    assert require(user, "accounts.apiclient.manage") == "city_admin"
    assert user._digigov_acting_role == "city_admin"


def test_require_denied_leaves_the_role_unchanged(role_user, city):
    admin = role_user("dept_admin")
    require(admin, "org.manage", city.bureau)
    with pytest.raises(Forbidden):
        require(admin, "audit.view")
    assert admin._digigov_acting_role == "dept_admin"


def test_whole_city_operations_need_an_unscoped_grant(role_user, city):
    from digigov.core.rbac.checks import WHOLE_CITY

    scoped, city_admin = role_user("dept_admin"), role_user("city_admin")
    assert can(scoped, "org.manage") and not can(scoped, "org.manage", WHOLE_CITY)
    assert can(city_admin, "org.manage", WHOLE_CITY)


# --- scope_queryset ------------------------------------------------------------------------------
def test_scope_queryset_departments_for_dept_admin(role_user, city):
    admin = role_user("dept_admin")
    qs = scope_queryset(admin, "org.view", Department.objects.all(), department_field="", division_field="division")
    assert set(qs) == {city.bureau, city.bureau_unit}


def test_scope_queryset_by_division(city):
    inside = [person_in(city.village_a), person_in(city.town_a)]
    person_in(city.village_b)
    clerk = make_user("window_clerk", division=city.county_a)
    qs = scope_queryset(clerk, "accounts.person.view", NaturalPerson.objects.all(), None, "division")
    assert set(qs) == set(inside)
    divisions = scope_queryset(clerk, "org.view", Division.objects.all(), None, "")
    assert set(divisions.values_list("code", flat=True)) == {"210602000000", "210602001000", "210602001001"}


def test_scope_queryset_unions_several_grants(city):
    a, b = person_in(city.village_a), person_in(city.village_b)
    clerk = make_user("window_clerk", division=city.town_a)
    RoleAssignment.objects.create(user=clerk, role="approver", division=city.town_b)
    qs = scope_queryset(fresh(clerk), "accounts.person.view", NaturalPerson.objects.all(), None, "division")
    assert set(qs) == {a, b}


def test_scope_queryset_unrestricted_and_denied(role_user, city):
    people = {person_in(city.village_a), person_in(city.village_b)}
    admin = role_user("city_admin")
    assert set(scope_queryset(admin, "accounts.person.view", NaturalPerson.objects.all(), None, "division")) == people
    nobody = make_user(None)
    assert not scope_queryset(nobody, "accounts.person.view", NaturalPerson.objects.all(), None, "division").exists()
    assert not scope_queryset(admin, "no.such.perm", NaturalPerson.objects.all(), None, "division").exists()


def test_department_scoped_grant_reaches_nothing_without_a_department_relation(city):
    person_in(city.village_a)
    clerk = make_user("window_clerk", department=city.bureau)  # dept-scoped: persons have no department
    qs = scope_queryset(clerk, "accounts.person.view", NaturalPerson.objects.all(), None, "division")
    assert not qs.exists()
