from django.test import RequestFactory

from digigov.core.rbac.system import system_account
from digigov.core.audit.actions import record
from digigov.core.audit.models import AuditEntry
from digigov.core.web.listing import paginate


def test_uncounted_pages_know_their_neighbours_without_counting(db, django_assert_num_queries):
    for i in range(120):
        record(system_account(), "test.row", object_type="t", object_id=str(i))
    qs = AuditEntry.objects.filter(action="test.row").order_by("seq")
    rf = RequestFactory()
    with django_assert_num_queries(1):  # one LIMIT 51 query, no COUNT(*)
        page = paginate(rf.get("/x", {"page": "1", "actor": "a"}), qs, 50, count=False)
    assert [e.object_id for e in page["object_list"]][:2] == ["0", "1"] and len(page["object_list"]) == 50
    assert page["page_obj"].has_next() and not page["page_obj"].has_previous()
    assert page["querystring_base"] == "actor=a&"
    last = paginate(rf.get("/x", {"page": "3"}), qs, 50, count=False)
    assert len(last["object_list"]) == 20 and not last["page_obj"].has_next() and last["page_obj"].previous_page_number() == 2
    for bad in ("abc", "-5", "0", ""):
        assert paginate(rf.get("/x", {"page": bad}), qs, 50, count=False)["page_obj"].number == 1


def test_counted_pages_report_totals(db):
    for i in range(7):
        record(system_account(), "test.row", object_type="t", object_id=str(i))
    page = paginate(RequestFactory().get("/x", {"page": "2"}), AuditEntry.objects.filter(action="test.row").order_by("seq"), 5)
    assert page["page_obj"].paginator.count == 7 and len(page["object_list"]) == 2
