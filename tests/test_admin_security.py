"""The admin reads like the workbench: only declared filters, no personal data or password hashes by
URL tricks, changelists and autocomplete limited to the user's reach, city-wide writes refused to
scoped admins, and a bad query string answers 400 with a Chinese page (never 500)."""

import json

import pytest
from django.contrib import admin
from django.test import Client

from digigov.core.accounts.models import ApiClient, NaturalPerson, User
from digigov.core.audit.models import AuditEntry
from digigov.core.org import actions as org_actions
from digigov.core.org.models import Division
from digigov.core.rbac.checks import can
from digigov.core.testing import make_user, resident_id

PERSONS = "/admin/accounts/naturalperson/"
USERS = "/admin/accounts/user/"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(city):
    a = NaturalPerson.objects.create(id_number=resident_id("210602", "19800101", 11), name="张三", gender="M",
                                     birth_date="1980-01-01", division=city.village_a, phone="13800000001", address="元宝区兴东社区1号")
    b = NaturalPerson.objects.create(id_number=resident_id("210603", "19900101", 22), name="张四", gender="M",
                                     birth_date="1990-01-01", division=city.village_b)
    c = NaturalPerson.objects.create(id_number=resident_id("210602", "19850101", 33), name="李五", gender="F",
                                     birth_date="1985-01-01", division=city.village_a)
    return a, b, c


def _refused(response):
    assert response.status_code == 400, response.status_code
    body = response.content.decode()
    assert "筛选" in body or "请求无效" in body
    return body


# --- item 1: only declared filters --------------------------------------------------------------
@pytest.mark.parametrize("query", [
    {"id_number__startswith": "2106"},
    {"id_number__gte": "210602"},
    {"id_number__regex": "^2106"},
    {"phone__startswith": "138"},
    {"name__regex": "("},  # an invalid regex was a 500
    {"user__password__startswith": "md5"},
    {"division__code__startswith": "2106"},
])
def test_undeclared_person_filters_are_refused(people, role_user, query):
    response = _client(role_user("city_admin")).get(PERSONS, query)
    _refused(response)


@pytest.mark.parametrize("query", [
    {"password__startswith": "md5"},
    {"password__regex": "^md5"},
    {"person__id_number__startswith": "2106"},
    {"staff__employee_no__gte": "A"},
])
def test_undeclared_user_filters_are_refused(city, role_user, query):
    response = _client(role_user("city_admin")).get(USERS, query)
    _refused(response)


def test_relation_filter_to_password_refused_on_every_admin(city, role_user):
    client = _client(role_user("city_admin"))
    for url in ("/admin/org/staffmember/", "/admin/rbac/roleassignment/", "/admin/accounts/apiclient/",
                "/admin/accounts/agentauthorization/"):
        field = "agent" if "agentauthorization" in url else "user"
        _refused(client.get(url, {f"{field}__password__startswith": "m"}))


def test_declared_filters_still_work(city, role_user):
    client = _client(role_user("city_admin"))
    response = client.get(USERS, {"kind__exact": "staff"})
    assert response.status_code == 200
    response = client.get(USERS, {"is_active__exact": "1", "kind__exact": "person"})
    assert response.status_code == 200
    assert client.get("/admin/org/division/", {"level__exact": "2"}).status_code == 200


def test_bad_declared_filter_value_and_page_are_400_not_500(city, role_user):
    client = _client(role_user("city_admin"))
    _refused(client.get("/admin/org/division/", {"level__exact": "abc"}))
    _refused(client.get("/admin/org/division/", {"is_budget_unit__exact": "1"}))  # another admin's filter


def test_to_field_trick_is_400_chinese(city, role_user):
    response = _client(role_user("city_admin")).get(USERS, {"_to_field": "password"})
    assert response.status_code == 400
    assert "请求无效" in response.content.decode()


def test_ordering_only_on_declared_safe_columns(people, role_user):
    model_admin = admin.site._registry[NaturalPerson]
    request = type("R", (), {"user": role_user("city_admin")})()
    sortable = set(model_admin.get_sortable_by(request))
    assert not sortable & {"id_number", "id_number_masked", "phone", "address", "birth_date"}
    for model, ma in admin.site._registry.items():
        forbidden = set(getattr(model, "PII_FIELDS", ())) | {"password", "key_hash"}
        assert not set(ma.get_sortable_by(request)) & forbidden, model


def test_search_fields_hold_no_personal_data_or_secrets():
    for model, model_admin in admin.site._registry.items():
        forbidden = set(getattr(model, "PII_FIELDS", ())) | {"password", "key_hash"}
        for spec in model_admin.search_fields:
            parts = spec.lstrip("^=@").split("__")
            assert not set(parts) & (forbidden | {"id_number", "phone", "address", "password", "key_hash"}), (model, spec)


def test_id_number_search_only_for_pii_roles_and_audited(people, role_user, city):
    a = people[0]
    admin_client = _client(role_user("city_admin"))  # may view persons (masked) but not personal data
    body = admin_client.get(PERSONS, {"q": a.id_number}).content.decode()
    assert "张三" not in body
    clerk = role_user("window_clerk", division=city.county_a)
    before = AuditEntry.objects.filter(action="pii.read").count()
    body = _client(clerk).get(PERSONS, {"q": a.id_number}).content.decode()
    assert "张三" in body and a.id_number not in body.replace(f'value="{a.id_number}"', "").replace(f"q%3D{a.id_number}", "")
    # (the number is only echoed back in the search box and the links that keep the search)
    reads = AuditEntry.objects.filter(action="pii.read")
    assert reads.count() == before + 1
    assert reads.order_by("-seq").first().actor == clerk.username
    # a person outside the clerk's division is not found by number either
    body = _client(clerk).get(PERSONS, {"q": people[1].id_number}).content.decode()
    assert "张四" not in body


def test_name_prefix_search(people, role_user):
    client = _client(role_user("city_admin"))
    body = client.get(PERSONS, {"q": "张"}).content.decode()
    assert "张三" in body and "张四" in body and "李五" not in body
    body = client.get(PERSONS, {"q": "三"}).content.decode()  # prefix, not substring
    assert "张三" not in body


# --- item 2: scope and masking --------------------------------------------------------------------
def test_password_hash_never_shown(city, role_user):
    client = _client(role_user("city_admin"))
    target = make_user("window_clerk", department=city.bureau)
    body = client.get(f"{USERS}{target.pk}/change/").content.decode()
    assert target.password not in body
    assert target.password.split("$")[0] + "$" not in body


def test_api_key_hash_never_shown(city, role_user):
    from digigov.core.accounts import actions

    service = make_user(username="svc_admin_test", kind="service")
    client_obj, _key = actions.create_api_client(city.system, name="测试应用", user=service)
    body = _client(role_user("city_admin")).get(f"/admin/accounts/apiclient/{client_obj.pk}/change/").content.decode()
    assert client_obj.key_hash not in body


def test_person_change_form_masks_personal_fields(people, role_user, city):
    a = people[0]
    for client in (_client(role_user("city_admin")), _client(role_user("window_clerk", division=city.county_a))):
        body = client.get(f"{PERSONS}{a.pk}/change/").content.decode()
        assert body and a.id_number not in body and a.phone not in body and a.address not in body
        assert a.id_number_masked in body
        list_body = client.get(PERSONS).content.decode()
        assert a.id_number not in list_body


def test_dept_admin_lists_only_accounts_in_reach(city, role_user):
    dept_admin = role_user("dept_admin")  # scoped to city.bureau
    own = make_user("window_clerk", department=city.bureau_unit, username="own_clerk")
    org_actions.add_staff(city.system, user=own, department=city.bureau_unit, employee_no="E-OWN")
    other = make_user("window_clerk", department=city.other_bureau, username="other_clerk")
    org_actions.add_staff(city.system, user=other, department=city.other_bureau, employee_no="E-OTHER")
    citizen = make_user("citizen", username="some_citizen")
    client = _client(dept_admin)
    body = client.get(USERS).content.decode()
    assert "own_clerk" in body
    assert "other_clerk" not in body and "some_citizen" not in body
    assert client.get(f"{USERS}{other.pk}/change/").status_code in (302, 403, 404)
    assert client.get(f"{USERS}{citizen.pk}/change/").status_code in (302, 403, 404)
    staff_body = client.get("/admin/org/staffmember/").content.decode()
    assert "E-OWN" in staff_body and "E-OTHER" not in staff_body
    ra_body = client.get("/admin/rbac/roleassignment/").content.decode()
    assert "own_clerk" in ra_body and "other_clerk" not in ra_body
    # a city admin sees everyone
    city_body = _client(role_user("city_admin")).get(USERS).content.decode()
    assert "own_clerk" in city_body and "other_clerk" in city_body and "some_citizen" in city_body


def test_scoped_city_wide_roles_do_not_read_city_registries(city):
    """Audit log, login attempts and API clients belong to no department: a grant narrowed to one
    department reaches none of them (only an unscoped grant does)."""
    from digigov.core.accounts.models import LoginAttempt

    LoginAttempt.objects.create(username="hidden_citizen", ip="10.0.0.1")
    assert AuditEntry.objects.exists()
    request = type("R", (), {"user": make_user("auditor", department=city.bureau)})()
    for model in (AuditEntry, LoginAttempt, ApiClient):
        assert not admin.site._registry[model].get_queryset(request).exists(), model
    request = type("R", (), {"user": make_user("auditor")})()
    for model in (AuditEntry, LoginAttempt):
        assert admin.site._registry[model].get_queryset(request).exists(), model


# --- item 3: city-wide writes ------------------------------------------------------------------------
def test_dept_admin_cannot_create_city_division_through_admin(city, role_user):
    client = _client(role_user("dept_admin"))
    client.post("/admin/org/division/add/", {"code": "219900000000", "name": "新市", "level": "1", "kind": "市"})
    assert not Division.objects.filter(code="219900000000").exists()
    client.post("/admin/org/division/add/", {"code": "210699000000", "name": "新区", "level": "2", "kind": "区", "parent": city.city.pk})
    assert not Division.objects.filter(code="210699000000").exists()
    # the city admin may
    _client(role_user("city_admin")).post("/admin/org/division/add/",
                                            {"code": "210699000000", "name": "新区", "level": "2", "kind": "区", "parent": city.city.pk})
    assert Division.objects.filter(code="210699000000").exists()


def test_dept_scoped_data_admin_cannot_recompute_or_act_unscoped(city, role_user):
    from digigov.core.errors import Forbidden
    from digigov.core.kpi import actions as kpi_actions
    from digigov.core.rbac import actions as rbac_actions
    from digigov.core.rbac.checks import WHOLE_CITY

    dept_admin = role_user("dept_admin")
    target = make_user("window_clerk", department=city.bureau)
    # through the admin
    response = _client(dept_admin).post("/admin/rbac/roleassignment/add/",
                                        {"user": target.pk, "role": "data_admin", "department": city.bureau.pk})
    assert response.status_code in (200, 302)
    assert target.role_assignments.filter(role="data_admin", department=city.bureau).exists()
    # and unscoped: refused
    other = make_user("window_clerk", department=city.bureau)
    _client(dept_admin).post("/admin/rbac/roleassignment/add/", {"user": other.pk, "role": "data_admin"})
    assert not other.role_assignments.filter(role="data_admin").exists()
    with pytest.raises(Exception):
        rbac_actions.assign_role(dept_admin, user=other, role="data_admin")
    target = User.objects.get(pk=target.pk)
    with pytest.raises(Forbidden):
        kpi_actions.recompute(target, "K01")
    assert not can(target, "kpi.recompute", WHOLE_CITY)
    assert not can(target, "org.manage", WHOLE_CITY)
    for perm in ("audit.view", "accounts.apiclient.manage", "rbac.manage", "accounts.pii.view"):
        assert not can(target, perm, WHOLE_CITY)


def test_unscoped_role_grant_needs_whole_city(city, role_user):
    from digigov.core.errors import DigiGovError
    from digigov.core.rbac import actions as rbac_actions

    dept_admin = make_user("dept_admin")  # an (illegitimately) unscoped department admin
    target = make_user("window_clerk", department=city.bureau)
    with pytest.raises(DigiGovError):
        rbac_actions.assign_role(dept_admin, user=target, role="leader")


# --- item 4: autocomplete, names ----------------------------------------------------------------------
def test_autocomplete_returns_only_objects_in_reach(city, role_user):
    dept_admin = role_user("dept_admin")
    own = make_user("window_clerk", department=city.bureau, username="zz_own")
    org_actions.add_staff(city.system, user=own, department=city.bureau_unit, employee_no="E-1")
    other = make_user("window_clerk", username="zz_other")
    org_actions.add_staff(city.system, user=other, department=city.other_bureau, employee_no="E-2")
    response = _client(dept_admin).get("/admin/autocomplete/", {"app_label": "rbac", "model_name": "roleassignment",
                                                                "field_name": "user", "term": "zz"})
    assert response.status_code == 200
    names = {r["text"] for r in json.loads(response.content)["results"]}
    assert "zz_own" in names and "zz_other" not in names
    response = _client(dept_admin).get("/admin/autocomplete/", {"app_label": "rbac", "model_name": "roleassignment",
                                                                "field_name": "department", "term": "示范"})
    names = {r["text"] for r in json.loads(response.content)["results"]}
    assert city.bureau.name in names and city.other_bureau.name not in names


def test_foreign_keys_use_autocomplete_and_no_raw_ids():
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("digigov."):
            continue
        assert not model_admin.raw_id_fields, model
        for name in model_admin.autocomplete_fields:
            target = model._meta.get_field(name).remote_field.model
            assert admin.site._registry[target].search_fields, (model, name)


def test_every_model_has_its_own_str():
    """No "XXX object (1)" anywhere in the admin: every registered model names itself."""
    from django.db import models

    for model in admin.site._registry:
        assert model.__str__ is not models.Model.__str__, model


def test_account_pickers_find_only_by_exact_username(city, role_user):
    """The 经办人 and new-staff pickers find an account nobody lists, by its exact username only."""
    citizen = make_user("citizen", username="citizen_picker_1")
    clerk = role_user("window_clerk", division=city.county_a)
    url = "/admin/autocomplete/"
    params = {"app_label": "accounts", "model_name": "agentauthorization", "field_name": "agent"}
    client = _client(clerk)
    assert json.loads(client.get(url, {**params, "term": "citizen_picker"}).content)["results"] == []
    assert json.loads(client.get(url, {**params, "term": ""}).content)["results"] == []
    found = json.loads(client.get(url, {**params, "term": "citizen_picker_1"}).content)["results"]
    assert [r["id"] for r in found] == [str(citizen.pk)]
    # the same picker is closed to a role that may not authorise agents
    assert client.get(url, {"app_label": "org", "model_name": "staffmember", "field_name": "user",
                            "term": "citizen_picker_1"}).status_code == 403
    # new staff: a staff account without a post, for a department admin
    fresh = make_user(username="fresh_staff", kind="staff")
    dept_admin = _client(role_user("dept_admin"))
    staff_params = {"app_label": "org", "model_name": "staffmember", "field_name": "user"}
    assert [r["id"] for r in json.loads(dept_admin.get(url, {**staff_params, "term": "fresh_staff"}).content)["results"]] == [str(fresh.pk)]
    assert json.loads(dept_admin.get(url, {**staff_params, "term": "citizen_picker_1"}).content)["results"] == []


def test_city_wide_creations_need_an_unscoped_grant(city):
    """Creating an account or an API client concerns no department: a grant narrowed to one does not
    cover it (``require`` with ``obj=None`` had let any scoped holder through)."""
    from digigov.core.accounts import actions as account_actions
    from digigov.core.errors import Forbidden

    scoped_dept_admin = make_user("dept_admin", department=city.bureau)
    with pytest.raises(Forbidden):
        account_actions.create_user(scoped_dept_admin, username="made_by_dept", password=None, display_name="越权", kind="service")
    assert not User.objects.filter(username="made_by_dept").exists()
    scoped_officer = make_user("security_officer", department=city.bureau)
    service = make_user(username="svc_scoped", kind="service")
    with pytest.raises(Forbidden):
        account_actions.create_api_client(scoped_officer, name="越权应用", user=service)
    assert not ApiClient.objects.exists()
    city_admin = make_user("city_admin")
    assert account_actions.create_user(city_admin, username="made_by_city", password=None, display_name="市级创建").pk
    assert account_actions.create_api_client(make_user("security_officer"), name="合规应用", user=service)[0].pk


def test_staff_post_through_admin_is_a_form_error_not_500(city, role_user):
    user = make_user("window_clerk", department=city.bureau, username="posted_once")
    org_actions.add_staff(city.system, user=user, department=city.bureau, employee_no="P-1")
    client = _client(role_user("city_admin"))
    response = client.post("/admin/org/staffmember/add/", {"user": user.pk, "department": city.other_bureau.pk, "employee_no": "P-2"},
                           follow=True)
    assert response.status_code == 200
    assert "该账户已登记为工作人员" in response.content.decode() or "已存在" in response.content.decode()


def test_scope_q_reaches_exactly_what_the_object_check_allows(city, people):
    """The id-subquery scope (fast on 2.2M people; the admin and the workbench share it) keeps exactly the
    objects ``can(user, perm, obj)`` allows, object by object."""
    from digigov.core.org.models import Department, StaffMember
    from digigov.core.rbac.checks import scope_q

    for i, dept in enumerate((city.bureau_unit, city.other_bureau, city.county_bureau)):
        org_actions.add_staff(city.system, user=make_user(kind="staff"), department=dept, employee_no=f"S-{i}")
    users = [make_user("city_admin"), make_user("city_admin", division=city.county_a), make_user("city_admin", department=city.bureau),
             make_user("city_admin", department=city.county_gov, division=city.county_a), make_user("window_clerk", division=city.town_b)]
    cases = [(NaturalPerson, "accounts.person.view", None, "division"), (StaffMember, "org.view", "department", "department__division"),
             (Department, "org.view", "", "division"), (Division, "org.view", None, "")]
    for user in users:
        for model, perm, dept_field, div_field in cases:
            expected = {o.pk for o in model.objects.all() if can(user, perm, o)}
            q = scope_q(user, perm, dept_field, div_field)
            got = set() if q is None else set(model.objects.filter(q).values_list("pk", flat=True))
            assert got == expected, (user.username, model)


def test_audit_and_kpi_pages_show_no_raw_json(city, role_user):
    """Users read Chinese words: an audit entry's changes are listed under the fields' Chinese names."""
    from digigov.core.kpi import actions as kpi_actions

    client = _client(role_user("auditor"))
    entry = AuditEntry.objects.filter(action="org.division.create").order_by("seq").first()
    body = client.get(f"/admin/audit/auditentry/{entry.seq}/change/").content.decode()
    assert "区划代码：210600000000" in body and '"code"' not in body and "&quot;code&quot;" not in body
    kpi_actions.ensure_definitions()
    snap = kpi_actions.recompute(city.system, "K01")
    assert snap is not None
    body = _client(role_user("city_admin")).get(f"/admin/kpi/kpisnapshot/{snap.pk}/change/").content.decode()
    assert "指标计算结果" in body and "&quot;divisions&quot;" not in body


def test_changelist_never_counts_the_whole_registry(people, role_user, monkeypatch):
    """Every COUNT the person changelist runs is bounded (a LIMIT inside); past the cap the page says so."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digigov.core.web.admin_base import CappedPaginator

    client = _client(role_user("city_admin"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PERSONS).status_code == 200
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "naturalperson" in q["sql"]]
    assert counts and all("LIMIT" in sql.upper() for sql in counts), counts
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    monkeypatch.setattr(admin.site._registry[NaturalPerson], "list_per_page", 1)
    body = client.get(PERSONS).content.decode()
    assert "结果超过 2 条" in body


def test_department_scoped_network_admin_cannot_place_a_city_level_point(city):
    """A grant scoped to a county bureau covers an access point by its department alone: the point's
    division must lie inside the department's own, or a county admin registers city-level coverage."""
    from digigov.core.errors import ValidationFailed
    from digigov.infra.network import actions as network_actions
    from digigov.infra.network.models import AccessPoint

    scoped = make_user("city_admin", department=city.county_bureau)
    with pytest.raises(ValidationFailed) as exc:
        network_actions.create_access_point(scoped, division=city.city, department=city.county_bureau, name="越级接入点")
    assert exc.value.code == "division_outside_department"
    assert not AccessPoint.objects.exists()
    point = network_actions.create_access_point(scoped, division=city.town_a, department=city.county_bureau, name="街道接入点")
    assert point.level == 3
    # a city bureau may have points anywhere in the city
    network_actions.create_access_point(make_user("city_admin"), division=city.village_b, department=city.bureau, name="社区接入点")


def test_division_add_not_offered_to_department_admins(city, role_user):
    client = _client(role_user("dept_admin"))
    assert client.get("/admin/org/division/").status_code == 200
    assert client.get("/admin/org/division/add/").status_code == 403
    assert client.get("/admin/org/department/add/").status_code == 200  # a sub-unit of its own department
    county_admin = _client(make_user("dept_admin", division=city.county_a))
    assert county_admin.get("/admin/org/division/add/").status_code == 200
    # the form is offered to a county's admin, and the action refuses a city-level division (no parent):
    # that needs an unscoped grant (WHOLE_CITY)
    response = county_admin.post("/admin/org/division/add/", {"code": "219900000000", "name": "新市", "level": "1", "kind": "市"},
                                 follow=True)
    assert "无权执行此操作" in response.content.decode() and "（forbidden）" not in response.content.decode()
    assert not Division.objects.filter(code="219900000000").exists()
    county_admin.post("/admin/org/division/add/", {"code": "210602002000", "name": "新街道", "level": "3", "kind": "街道",
                                                   "parent": city.county_a.pk})
    assert Division.objects.filter(code="210602002000").exists()


def test_add_forms_have_no_void_fields(city, role_user):
    """Voiding is its own action; an editable 作废人 was a <select> listing every account in the city."""
    body = _client(role_user("dept_admin")).get("/admin/rbac/roleassignment/add/").content.decode()
    assert 'name="voided_by"' not in body and 'name="voided_at_0"' not in body


def test_every_foreign_key_in_a_form_is_an_autocomplete(city):
    """No <select> listing a whole registry (unscoped, and megabytes on the full city)."""
    from django.contrib.admin.widgets import AutocompleteSelect
    from django.forms import ModelChoiceField
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = make_user("city_admin")
    offenders = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("digigov.") or not model_admin.has_add_permission(request):
            continue
        form = model_admin.get_form(request)()
        for name, field in form.fields.items():
            if isinstance(field, ModelChoiceField):
                widget = getattr(field.widget, "widget", field.widget)
                if not isinstance(widget, AutocompleteSelect):
                    offenders.append(f"{model.__name__}.{name}")
    assert not offenders, offenders


def test_read_only_foreign_keys_link_only_to_pages_the_viewer_may_open(city, role_user):
    """An approver may view staff records but not accounts: the staff page showed the account as a link
    to /admin/accounts/user/<id>/change/, which answered 403 (found by the crawler)."""
    colleague = make_user(None, kind="staff", username="colleague")
    staff = org_actions.add_staff(city.system, user=colleague, department=city.bureau, employee_no="E-77")
    approver = role_user("approver", division=city.city)  # as in the demo city: reach by division, not post
    client = Client()
    client.force_login(approver)
    body = client.get(f"/admin/org/staffmember/{staff.pk}/change/").content.decode()
    assert "colleague" in body and f"/admin/accounts/user/{colleague.pk}/change/" not in body
    assert client.get(f"/admin/accounts/user/{colleague.pk}/change/").status_code in (302, 403)
    admin_user = role_user("city_admin")
    client.force_login(admin_user)
    assert f"/admin/accounts/user/{colleague.pk}/change/" in client.get(f"/admin/org/staffmember/{staff.pk}/change/").content.decode()
