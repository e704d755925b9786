"""The task and case API: the worklist with counts, actions with idempotency keys, 403 / 404 / 409 / 422
(never 500), the applicant's view of a case and the correction answer."""

import json

import pytest

from digigov.core.testing import logged_in_client, make_user
from digigov.support.workflow.actions import cases, tasks
from digigov.support.workflow.models import CaseStatus, TaskStatus

BASE = "/api/v1/support"




def post(client, url, data=None, **headers):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json", headers=headers)


def open_task(case, element_id):
    return case.tasks.get(element_id=element_id, status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED))


def test_worklist_claim_and_complete_once(version, people):
    case = cases.start_case(people.citizen, version)
    task = open_task(case, "accept")
    c = logged_in_client(people.clerk)
    r = c.get(f"{BASE}/tasks/")
    assert r.status_code == 200
    body = r.json()
    assert body["counts"] == {"open": 1, "mine": 0, "correction": 0, "done": 0}
    assert body["items"][0]["public_id"] == task.public_id and "*" in body["items"][0]["case"]["applicant_name"]
    assert c.get(f"{BASE}/tasks/", {"tab": "nope"}).json()["code"] == "invalid_tab"
    assert c.get(f"{BASE}/tasks/", {"department": "nope"}).status_code == 422
    r = post(c, f"{BASE}/tasks/{task.public_id}/complete", {"opinion": "受理"})
    assert r.status_code == 403 and r.json()["code"] == "not_assignee" and r.json()["message"]
    assert post(c, f"{BASE}/tasks/{task.public_id}/claim").json()["status"] == "claimed"
    first = post(c, f"{BASE}/tasks/{task.public_id}/complete", {"opinion": "受理"}, **{"Idempotency-Key": "k1"})
    again = post(c, f"{BASE}/tasks/{task.public_id}/complete", {"opinion": "受理"}, **{"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 200 and again.json()["status"] == "completed"
    assert case.tasks.filter(element_id="accept", status=TaskStatus.COMPLETED).count() == 1
    r = post(c, f"{BASE}/tasks/{task.public_id}/complete", {"opinion": "受理"})
    assert r.status_code == 409
    assert c.get(f"{BASE}/tasks/", {"tab": "done"}).json()["counts"]["done"] == 1


def test_parallel_approvers_see_only_their_own_task(version, people):
    case = cases.start_case(people.citizen, version)
    tasks.complete(people.clerk, tasks.claim(people.clerk, open_task(case, "accept")))
    a_client, b_client = logged_in_client(people.approver_a), logged_in_client(people.approver_b)
    a_items = a_client.get(f"{BASE}/tasks/").json()["items"]
    b_items = b_client.get(f"{BASE}/tasks/").json()["items"]
    assert [i["name"] for i in a_items] == [open_task(case, "review_a").name]
    assert [i["name"] for i in b_items] == [open_task(case, "review_b").name]
    review_b = open_task(case, "review_b")
    assert post(a_client, f"{BASE}/tasks/{review_b.public_id}/claim").status_code == 404  # not in reach: same as missing
    for client, t in ((a_client, open_task(case, "review_a")), (b_client, review_b)):
        assert post(client, f"{BASE}/tasks/{t.public_id}/claim").status_code == 200
    r = post(a_client, f"{BASE}/tasks/{open_task(case, 'review_a').public_id}/reject", {"opinion": ""})
    assert r.status_code == 422 and r.json()["code"] == "opinion_required"
    assert post(a_client, f"{BASE}/tasks/{open_task(case, 'review_a').public_id}/approve", {"opinion": "同意", "data": [{"name": "checked", "value": True}]}).status_code == 200
    assert post(b_client, f"{BASE}/tasks/{review_b.public_id}/approve", {"opinion": "同意"}).status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.data["checked"] is True
    mine = logged_in_client(people.citizen).get(f"{BASE}/cases/{case.public_id}").json()
    assert mine["status"] == "approved" and mine["status_label"] == "已办结（准予）"
    assert all(e["actor_name"] is None for e in mine["timeline"])


def test_correction_round_trip_over_the_api(version, people):
    case = cases.start_case(people.citizen, version)
    task = tasks.claim(people.clerk, open_task(case, "accept"))
    c = logged_in_client(people.clerk)
    assert post(c, f"{BASE}/tasks/{task.public_id}/correction", {"items": []}).status_code == 422
    assert post(c, f"{BASE}/tasks/{task.public_id}/correction", {"items": [{"kind": "x", "name": "a", "reason": "b"}]}).status_code == 422
    r = post(c, f"{BASE}/tasks/{task.public_id}/correction", {"items": [{"kind": "material", "name": "营业执照", "reason": "模糊"}]})
    assert r.status_code == 200 and r.json()["case"]["status"] == "correction"
    applicant = logged_in_client(people.citizen)
    detail = applicant.get(f"{BASE}/cases/{case.public_id}").json()
    assert detail["pending_correction"]["items"][0]["name"] == "营业执照"
    stranger = logged_in_client(make_user("citizen"))
    assert stranger.get(f"{BASE}/cases/{case.public_id}").status_code == 404
    assert post(stranger, f"{BASE}/cases/{case.public_id}/correction", {"answers": ["x"]}).status_code == 404
    assert post(applicant, f"{BASE}/cases/{case.public_id}/correction", {"answers": []}).status_code == 422
    r = post(applicant, f"{BASE}/cases/{case.public_id}/correction", {"answers": ["已重新上传"], "note": "请查收"})
    assert r.status_code == 200 and r.json()["status"] == "running"
    assert post(applicant, f"{BASE}/cases/{case.public_id}/correction", {"answers": ["已重新上传"]}).status_code == 409
    assert post(applicant, f"{BASE}/cases/{case.public_id}/withdraw", {"reason": "不办了"}).json()["status"] == "withdrawn"


def test_staff_case_list_and_hand_over(version, people, city):
    case = cases.start_case(people.citizen, version)
    task = tasks.claim(people.clerk, open_task(case, "accept"))
    c = logged_in_client(people.clerk)
    r = c.get(f"{BASE}/cases/", {"status": "running"})
    assert r.status_code == 200 and r.json()["items"][0]["number"] == case.number
    assert c.get(f"{BASE}/cases/", {"status": "nope"}).status_code == 422
    assert logged_in_client(make_user("approver", department=city.county_bureau)).get(f"{BASE}/cases/").json()["count"] == 0
    r = post(c, f"{BASE}/tasks/{task.public_id}/hand-over", {"user": people.approver_a.public_id})
    assert r.status_code == 422 and r.json()["code"] == "user_not_eligible"
    assert post(c, f"{BASE}/tasks/{task.public_id}/hand-over", {"user": "nobody"}).json()["code"] == "unknown_user"
    r = post(c, f"{BASE}/tasks/{task.public_id}/hand-over", {"user": people.clerk2.public_id, "reason": "调岗"})
    assert r.status_code == 200 and r.json()["assignee_name"] == people.clerk2.display_name
    r = post(logged_in_client(people.clerk2), f"{BASE}/tasks/claim", {"tasks": [task.public_id, "missing"]})
    assert r.status_code == 200 and len(r.json()["refused"]) == 2
