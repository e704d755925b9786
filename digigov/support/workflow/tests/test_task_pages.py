"""Worklist, task page, staff case pages and 我的办件: what each user sees and may do, field errors in
Chinese with nothing written, pinned query counts, and the header to-do."""

import re

import pytest
from django.urls import reverse

from digigov.core.registry import TODOS
from digigov.core.testing import logged_in_client, make_user
from digigov.support.workflow.actions import cases, tasks
from digigov.support.workflow.models import CaseEvent, CaseStatus, TaskStatus
from digigov.support.workflow.selectors_tasks import tab_counts, todo_count




def new_case(version, citizen, **kw):
    return cases.start_case(citizen, version, **kw)


def open_task(case, element_id):
    return case.tasks.get(element_id=element_id, status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED))


def test_worklist_tabs_counts_and_bulk_claim(version, people, django_assert_max_num_queries):
    made = [new_case(version, people.citizen) for _ in range(3)]
    client = logged_in_client(people.clerk)
    url = reverse("tasks:list")
    with django_assert_max_num_queries(14):
        r = client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="count-open">3<' in html and 'id="count-mine">0<' in html
    ids = [open_task(c, "accept").public_id for c in made[:2]]
    r = client.post(reverse("tasks:bulk_claim"), {"task": ids})
    assert r.status_code == 302
    assert tab_counts(people.clerk) == {"open": 1, "mine": 2, "correction": 0, "done": 0}
    assert tab_counts(people.clerk2) == {"open": 1, "mine": 0, "correction": 0, "done": 0}
    assert todo_count(people.clerk) == 3 and todo_count(people.approver_a) == 0
    # the query count does not grow with the rows shown
    for _ in range(5):
        new_case(version, people.citizen)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(url + "?tab=mine").status_code == 200
    # filters: text search on the case number
    r = client.get(url, {"tab": "mine", "q": made[0].number})
    assert made[0].number in r.content.decode() and made[1].number not in r.content.decode()


def test_header_todo_is_registered_and_counts(version, people):
    todo = TODOS["workflow.tasks"]
    new_case(version, people.citizen)
    assert todo.label == "待办任务" and todo.permission == "workflow.handle" and todo.count(people.clerk) == 1


def test_task_page_shows_only_allowed_actions_and_masks_the_applicant(version, people):
    case = new_case(version, people.citizen)
    task = open_task(case, "accept")
    c = logged_in_client(people.clerk)
    html = c.get(reverse("tasks:task", args=[task.public_id])).content.decode()
    assert 'id="claim-button"' in html and 'id="complete-button"' not in html
    assert people.citizen.display_name not in html  # masked
    c.post(reverse("tasks:claim", args=[task.public_id]), {"idempotency_key": "p1"})
    html = c.get(reverse("tasks:task", args=[task.public_id])).content.decode()
    assert 'id="complete-button"' in html and 'id="correction-form"' in html and 'id="claim-button"' not in html
    assert 'id="approve-button"' not in html  # not a decision step
    # another clerk sees the task but no action buttons
    other = logged_in_client(people.clerk2).get(reverse("tasks:task", args=[task.public_id])).content.decode()
    assert 'id="complete-button"' not in other and 'id="claim-button"' not in other
    # an approver of another department cannot open it
    assert logged_in_client(people.approver_b).get(reverse("tasks:task", args=[task.public_id])).status_code == 404


def test_reject_without_opinion_is_a_field_error_and_writes_nothing(version, people):
    case = new_case(version, people.citizen)
    tasks.complete(people.clerk, tasks.claim(people.clerk, open_task(case, "accept")))
    review = tasks.claim(people.approver_a, open_task(case, "review_a"))
    c = logged_in_client(people.approver_a)
    page = c.get(reverse("tasks:task", args=[review.public_id])).content.decode()
    assert 'id="approve-button"' in page and 'id="reject-button"' in page
    keys = re.findall(r'name="idempotency_key" value="([0-9a-f]{32})"', page)
    assert len(keys) == len(set(keys)) >= 2  # one key per rendered form
    events = CaseEvent.objects.count()
    r = c.post(reverse("tasks:decide", args=[review.public_id]), {"outcome": "reject", "opinion": " ", "idempotency_key": keys[0]})
    assert r.status_code == 422 and "请填写办理意见" in r.content.decode()
    review.refresh_from_db()
    assert review.status == TaskStatus.CLAIMED and CaseEvent.objects.count() == events
    r = c.post(reverse("tasks:decide", args=[review.public_id]), {"outcome": "approve", "opinion": "同意", "idempotency_key": keys[0]})
    assert r.status_code == 302
    r = c.post(reverse("tasks:decide", args=[review.public_id]), {"outcome": "approve", "opinion": "同意", "idempotency_key": keys[0]})
    assert r.status_code == 302  # the same form sent again: applied once
    assert case.tasks.filter(element_id="review_a", status=TaskStatus.COMPLETED).count() == 1


def test_correction_from_the_task_page_and_the_portal(version, people):
    case = new_case(version, people.citizen)
    task = tasks.claim(people.clerk, open_task(case, "accept"))
    c = logged_in_client(people.clerk)
    url = reverse("tasks:correction", args=[task.public_id])
    r = c.post(url, {"item_kind": ["material", "material"], "item_name": ["", ""], "item_reason": ["", ""]})
    assert r.status_code == 422 and "请至少列出一项" in r.content.decode()
    r = c.post(url, {"item_kind": ["material", "field", "material"], "item_name": ["营业执照", "联系电话", ""],
                     "item_reason": ["复印件模糊", "位数不对", ""], "opinion": "请补正"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION
    mine = logged_in_client(people.citizen)
    assert case.number in mine.get(reverse("my_cases:list")).content.decode()
    detail = mine.get(reverse("my_cases:detail", args=[case.public_id])).content.decode()
    assert "营业执照" in detail and "复印件模糊" in detail and 'name="answer_1"' in detail
    r = mine.post(reverse("my_cases:correction", args=[case.public_id]), {"answer_0": "已重新上传"})
    assert r.status_code == 422 and "联系电话" in r.content.decode()
    r = mine.post(reverse("my_cases:correction", args=[case.public_id]), {"answer_0": "已重新上传", "answer_1": "13800000000", "note": "已补正"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RUNNING
    # another citizen cannot see the case
    assert logged_in_client(make_user("citizen")).get(reverse("my_cases:detail", args=[case.public_id])).status_code == 404


def test_portal_list_withdraw_and_public_timeline(version, people, django_assert_max_num_queries):
    case = new_case(version, people.citizen)
    tasks.claim(people.clerk, open_task(case, "accept"))
    c = logged_in_client(people.citizen)
    with django_assert_max_num_queries(12):
        assert c.get(reverse("my_cases:list")).status_code == 200
    detail = c.get(reverse("my_cases:detail", args=[case.public_id])).content.decode()
    assert "认领办理" not in detail  # staff-only events stay internal
    r = c.post(reverse("my_cases:withdraw", args=[case.public_id]), {"reason": "不再需要"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert 'id="withdraw-button"' not in c.get(reverse("my_cases:detail", args=[case.public_id])).content.decode()


def test_staff_case_list_is_scoped(version, people, city, django_assert_max_num_queries):
    case = new_case(version, people.citizen)
    for _ in range(4):
        new_case(version, people.citizen)
    own = logged_in_client(people.approver_a)
    with django_assert_max_num_queries(12):
        r = own.get(reverse("tasks:cases"))
    assert case.number in r.content.decode()
    assert own.get(reverse("tasks:case", args=[case.public_id])).status_code == 200
    other = logged_in_client(make_user("approver", department=city.county_bureau))
    assert case.number not in other.get(reverse("tasks:cases")).content.decode()
    assert other.get(reverse("tasks:case", args=[case.public_id])).status_code == 404
    r = own.get(reverse("tasks:cases"), {"status": "approved"})
    assert case.number not in r.content.decode()


def test_user_picker_lists_only_eligible_colleagues(version, people):
    case = new_case(version, people.citizen)
    task = tasks.claim(people.clerk, open_task(case, "accept"))
    c = logged_in_client(people.clerk)
    html = c.get(reverse("tasks:users", args=[task.public_id]), {"q": ""}).content.decode()
    assert people.clerk2.public_id in html and people.approver_a.public_id not in html and people.clerk.public_id not in html
    r = c.post(reverse("tasks:hand_over", args=[task.public_id]), {"user": people.approver_a.public_id})
    assert r.status_code == 422
    r = c.post(reverse("tasks:delegate", args=[task.public_id]), {"user": people.clerk2.public_id, "note": "出差"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.assignee == people.clerk2 and task.delegated_by == people.clerk
    assert tab_counts(people.clerk2)["mine"] == 1


def test_task_and_case_pages_pin_their_query_counts(version, people, django_assert_max_num_queries):
    case = new_case(version, people.citizen)
    tasks.complete(people.clerk, tasks.claim(people.clerk, open_task(case, "accept")))
    review = tasks.claim(people.approver_a, open_task(case, "review_a"))
    for _ in range(4):
        make_user("approver", department=review.department)  # more colleagues in the picker: still one query
    c = logged_in_client(people.approver_a)
    with django_assert_max_num_queries(20):
        assert c.get(reverse("tasks:task", args=[review.public_id])).status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get(reverse("tasks:case", args=[case.public_id])).status_code == 200
    applicant = logged_in_client(people.citizen)
    with django_assert_max_num_queries(12):
        assert applicant.get(reverse("my_cases:detail", args=[case.public_id])).status_code == 200


def test_a_cursor_beyond_any_id_is_ignored_not_a_500(version, people):
    c = logged_in_client(people.clerk)
    assert c.get(reverse("tasks:list"), {"after": str(10**30)}).status_code == 200
    assert c.get(reverse("tasks:cases"), {"after": "-5"}).status_code == 200


def test_department_admin_dispatches_from_the_task_page(version, people, city):
    case = new_case(version, people.citizen)
    task = open_task(case, "accept")
    admin = logged_in_client(make_user("dept_admin", department=city.bureau))
    html = admin.get(reverse("tasks:task", args=[task.public_id])).content.decode()
    assert 'id="assign-form"' in html and 'id="decide-form"' not in html and f'href="{reverse("tasks:list")}"' not in html
    assert admin.post(reverse("tasks:assign", args=[task.public_id]), {"user": people.clerk.public_id}).status_code == 302
    task.refresh_from_db()
    assert task.assignee == people.clerk
    assert admin.post(reverse("tasks:unclaim", args=[task.public_id])).status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
