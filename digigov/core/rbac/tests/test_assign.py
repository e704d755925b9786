"""assign_role: who may grant what, at which scope."""

import pytest

from digigov.core.rbac.system import system_account
from digigov.core.audit.models import AuditEntry
from digigov.core.context import acting_as
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.rbac.actions import assign_role, ensure_role
from digigov.core.rbac.checks import can
from digigov.core.rbac.models import RoleAssignment
from digigov.core.testing import make_user


@pytest.fixture
def target(db):
    return make_user(None, kind="staff")


def test_city_admin_grants_a_scoped_role_and_it_is_audited(role_user, city, target):
    admin = role_user("city_admin")
    with acting_as(admin):
        ra = assign_role(admin, user=target, role="window_clerk", division=city.county_a)
    assert ra.role == "window_clerk" and ra.division == city.county_a
    assert can(target, "accounts.person.manage", city.village_a)  # cache was cleared on the target
    entry = AuditEntry.objects.get(action="rbac.assign", object_id=ra.public_id)
    assert entry.actor == admin.username and entry.role == "city_admin"
    assert entry.object_id == ra.public_id


def test_unknown_role_is_rejected(role_user, target):
    admin = role_user("city_admin")
    with acting_as(admin), pytest.raises(ValidationFailed) as exc:
        assign_role(admin, user=target, role="emperor")
    assert exc.value.code == "unknown_role"
    assert not RoleAssignment.objects.filter(user=target).exists()


@pytest.mark.parametrize("role", ["window_clerk", "approver", "dept_admin", "data_admin"])
def test_scoped_roles_require_a_scope(role_user, target, role):
    admin = role_user("city_admin")
    with acting_as(admin), pytest.raises(ValidationFailed) as exc:
        assign_role(admin, user=target, role=role)
    assert exc.value.code == "scope_required"
    with pytest.raises(ValidationFailed):  # the system gets no exception either
        assign_role(system_account(), user=target, role=role)
    assert not RoleAssignment.objects.filter(user=target).exists()


@pytest.mark.parametrize("role", ["city_admin", "leader", "auditor", "security_officer", "citizen", "enterprise_agent"])
def test_city_wide_city_admin_may_grant_unscoped_roles(role_user, target, role):
    admin = role_user("city_admin")
    with acting_as(admin):
        ra = assign_role(admin, user=target, role=role)
    assert ra.department is None and ra.division is None


def test_duplicate_assignment_is_a_conflict(role_user, city, target):
    admin = role_user("city_admin")
    with acting_as(admin):
        assign_role(admin, user=target, role="approver", department=city.bureau)
        with pytest.raises(Conflict) as exc:
            assign_role(admin, user=target, role="approver", department=city.bureau)
        assert exc.value.code == "role_exists"
        assign_role(admin, user=target, role="approver", department=city.other_bureau)  # another scope is fine
    assert RoleAssignment.objects.filter(user=target).count() == 2


def test_dept_admin_grants_inside_its_subtree_only(role_user, city, target):
    dept_admin = role_user("dept_admin")  # scoped to city.bureau
    with acting_as(dept_admin):
        assign_role(dept_admin, user=target, role="window_clerk", department=city.bureau_unit)
        with pytest.raises(Forbidden):
            assign_role(dept_admin, user=target, role="window_clerk", department=city.other_bureau)
        with pytest.raises(Forbidden):
            assign_role(dept_admin, user=target, role="approver", division=city.county_a)
    assert list(RoleAssignment.objects.filter(user=target).values_list("department", flat=True)) == [city.bureau_unit.pk]


def test_only_a_city_wide_city_admin_grants_unscoped_roles(city, target):
    scoped_admin = make_user("city_admin", division=city.county_a)
    dept_admin = make_user("dept_admin", department=city.bureau)
    for granter in (scoped_admin, dept_admin):
        with acting_as(granter), pytest.raises(ValidationFailed) as exc:
            assign_role(granter, user=target, role="citizen")
        assert exc.value.code == "scope_required"
    assert not RoleAssignment.objects.filter(user=target).exists()


@pytest.mark.parametrize("role", ["auditor", "security_officer", "city_admin", "leader"])
def test_dept_admin_cannot_hand_out_city_wide_roles_even_scoped(role_user, city, target, role):
    """A scoped auditor reads the whole audit log and a scoped security officer creates API clients:
    those roles' permissions are not object-scoped, so a department admin must not grant them."""
    dept_admin = role_user("dept_admin")
    with acting_as(dept_admin), pytest.raises((Forbidden, ValidationFailed)):
        assign_role(dept_admin, user=target, role=role, department=city.bureau_unit)
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert not can(target, "audit.view")


def test_users_without_rbac_manage_cannot_grant(role_user, city, target):
    clerk = role_user("window_clerk")
    with acting_as(clerk), pytest.raises(Forbidden):
        assign_role(clerk, user=target, role="window_clerk", department=city.bureau)


def test_ensure_role_is_idempotent(target):
    first = ensure_role(system_account(), target, "citizen")
    assert ensure_role(system_account(), target, "citizen") == first
    assert RoleAssignment.objects.filter(user=target, role="citizen").count() == 1


def test_staff_roles_go_to_staff_and_service_accounts_never_to_a_persons(role_user, city):
    """A citizen's account given a staff role reached the workbench and admin without a second factor."""
    admin = role_user("city_admin")
    citizen = make_user("citizen")
    with pytest.raises(ValidationFailed) as exc:
        assign_role(admin, user=citizen, role="window_clerk", division=city.county_a)
    assert exc.value.code == "staff_role_needs_staff_account"
    assert not RoleAssignment.objects.filter(user=citizen, role="window_clerk").exists()
    machine = make_user(None, kind="service")  # a machine caller gets its permissions from its roles
    assert assign_role(admin, user=machine, role="data_admin", department=city.bureau).role == "data_admin"
    with pytest.raises(ValidationFailed):  # nobody hands out the system role
        assign_role(admin, user=machine, role="system")
