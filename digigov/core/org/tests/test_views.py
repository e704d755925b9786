"""Departments and divisions pages: scoped lists with a fixed number of queries."""

import pytest

from digigov.core.org import actions as org
from digigov.core.org.models import Department


def add_units(city, n):
    for i in range(n):
        org.create_department(city.system, code=f"BDC-{i:03d}", name=f"大数据科{i:03d}", kind="third", division=city.city, parent=city.bureau_unit)


ORG_PAGE_QUERIES = 6


@pytest.mark.parametrize("n", [3, 30])
def test_departments_list_query_count_does_not_grow(client, role_user, city, n, django_assert_max_num_queries):
    from digigov.core.testing import todo_queries

    add_units(city, n)
    admin = role_user("city_admin")
    client.force_login(admin)
    # the page's own queries (incl. the staff-TOTP check), plus the header's to-do total: one COUNT per
    # registered to-do the user may act on (core/web/todos.py), however many units there are
    todos = todo_queries(admin)
    with django_assert_max_num_queries(ORG_PAGE_QUERIES + todos):
        r = client.get("/workbench/org/")
    assert r.status_code == 200
    assert r.content.decode().count('<td style="padding-left:') == min(50, Department.objects.count())


def test_departments_list_is_scoped_for_a_dept_admin(client, role_user, city):
    add_units(city, 2)
    client.force_login(role_user("dept_admin"))
    body = client.get("/workbench/org/").content.decode()
    assert city.bureau.name in body and city.bureau_unit.name in body and "大数据科001" in body
    assert city.other_bureau.name not in body and city.county_bureau.name not in body and city.gov.name not in body
    assert "共 4 条" in body


def test_departments_list_shows_depth_staff_and_hides_voided(client, role_user, city):
    from digigov.core.accounts.actions import void
    from digigov.core.context import acting_as
    from digigov.core.testing import make_user

    admin = role_user("city_admin")
    org.add_staff(city.system, user=make_user(kind="staff"), department=city.bureau, employee_no="E1")
    org.add_staff(city.system, user=make_user(kind="staff"), department=city.bureau, employee_no="E2")
    with acting_as(admin):
        void(admin, city.other_bureau, "机构改革", "org.manage")
    client.force_login(admin)
    body = client.get("/workbench/org/").content.decode()
    assert f'<td style="padding-left:1rem">{city.bureau.name}</td>' in body
    assert "<td>2</td></tr>" in body  # staff count of the bureau
    assert city.other_bureau.name not in body


def test_departments_search(client, role_user, city):
    client.force_login(role_user("city_admin"))
    body = client.get("/workbench/org/", {"q": "教育"}).content.decode()
    assert city.other_bureau.name in body and city.county_bureau.name in body and city.bureau.name not in body
    body = client.get("/workbench/org/", {"q": "CITY-B"}).content.decode()
    assert city.bureau.name in body and city.bureau_unit.name in body and city.other_bureau.name not in body


def test_divisions_page(client, role_user, city, django_assert_max_num_queries):
    client.force_login(role_user("window_clerk"))
    with django_assert_max_num_queries(8):  # incl. the staff-TOTP check and the clerk's header to-do (待办任务)
        r = client.get("/workbench/org/divisions/", {"level": "4"})
    body = r.content.decode()
    assert r.status_code == 200
    assert city.village_a.name in body and city.village_b.name in body and city.county_a.name not in body.split("<tbody>")[1]
    assert client.get("/workbench/org/divisions/", {"level": "bogus"}).status_code == 200


def test_org_pages_need_org_view(client, role_user, city):
    client.force_login(role_user("citizen"))
    assert client.get("/workbench/org/").status_code == 403
    assert client.get("/workbench/org/divisions/").status_code == 403
