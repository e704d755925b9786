"""The audit log page: auditors only, searchable, a fixed number of queries, no clear PII."""

import pytest

from digigov.core.rbac.system import system_account
from digigov.core.accounts import actions as accounts
from digigov.core.audit.actions import record, start_verification
from digigov.core.audit.models import AuditEntry
from digigov.core.context import acting_as
from digigov.core.testing import resident_id


def fill(n):
    for i in range(n):
        record(system_account(), "test.event", object_type="test", object_id=f"obj{i}", object_repr=f"对象{i}")


@pytest.mark.parametrize("n", [3, 30])
def test_audit_list_query_count_does_not_grow(client, role_user, n, django_assert_num_queries, django_capture_on_commit_callbacks):
    fill(n)
    for i in range(n):  # entries by many different people: their names and departments come in one query
        record(role_user("window_clerk"), "test.event", object_type="test", object_id=f"p{i}")
    auditor = role_user("auditor")
    with django_capture_on_commit_callbacks(execute=True):
        start_verification(auditor)
    client.force_login(auditor)
    # session, user, staff-TOTP check, grants, the page of entries, actors' names and departments, last verification
    with django_assert_num_queries(7):
        r = client.get("/workbench/audit/")
    assert r.status_code == 200
    total = AuditEntry.objects.count()  # the test city's own creation is logged too
    assert total >= n and r.content.decode().count('<tr class="audit-row">') == min(total, 50)


def test_audit_page_filters(client, role_user, city, pii_keys):
    clerk = role_user("window_clerk", division=city.county_a)
    with acting_as(clerk, request_id="filterreq0000000000000000000001"):
        person = accounts.register_person(clerk, id_number=resident_id(), name="周九", division=city.village_a)
    fill(3)
    client.force_login(role_user("auditor"))
    rows = lambda r: r.content.decode().count('<tr class="audit-row">')  # noqa: E731
    assert rows(client.get("/workbench/audit/", {"actor": clerk.username})) == 1
    assert rows(client.get("/workbench/audit/", {"who": clerk.username})) == 1
    assert rows(client.get("/workbench/audit/", {"action": "accounts.person"})) == 1
    assert rows(client.get("/workbench/audit/", {"object_id": person.public_id})) == 1
    assert rows(client.get("/workbench/audit/", {"request_id": "filterreq0000000000000000000001"})) == 1
    assert rows(client.get("/workbench/audit/", {"action": "test."})) == 3
    assert rows(client.get("/workbench/audit/", {"until": "2000-01-01"})) == 0
    r = client.get("/workbench/audit/", {"since": "not-a-date"})
    assert r.status_code == 400 and "日期格式应为 YYYY-MM-DD" in r.content.decode()


def test_audit_page_never_shows_clear_id_numbers(client, role_user, city):
    clerk = role_user("window_clerk", division=city.county_a)
    idn = resident_id(seq=55)
    with acting_as(clerk):
        person = accounts.register_person(clerk, id_number=idn, name="吴十", division=city.village_a, phone="13700001111")
        accounts.reveal_person(clerk, person, purpose="核验")
    client.force_login(role_user("auditor"))
    body = client.get("/workbench/audit/").content.decode()
    rows_html = body[body.index("<tbody>"):body.index("</tbody>")]
    assert "查看个人信息明文" in rows_html and "吴十" in rows_html and "pii.read" not in rows_html
    assert idn not in body and "13700001111" not in body


@pytest.mark.parametrize("role", ["window_clerk", "dept_admin", "city_admin", "citizen"])
def test_audit_page_is_for_auditors_and_security_officers(client, role_user, role):
    client.force_login(role_user(role))
    assert client.get("/workbench/audit/").status_code == 403


def test_security_officer_may_read_the_audit_log(client, role_user):
    client.force_login(role_user("security_officer"))
    assert client.get("/workbench/audit/").status_code == 200
