import json

import pytest
from django.db import connection

from digigov.core.audit.models import AuditEntry
from digigov.data.catalog.tables import target_table_name
from digigov.data.quality.models import QualityRule, RectificationTask
from digigov.data.quality.testing import make_table

from .conftest import good_people

pytestmark = pytest.mark.django_db
BASE = "/api/v1/data/quality"


def post(client, url, data=None, method="post"):
    return getattr(client, method)(url, data=json.dumps(data or {}), content_type="application/json")


def test_rules_crud_over_the_api(people, bureau_data_admin, client_for):
    c = client_for(bureau_data_admin)
    url = f"{BASE}/entries/{people.public_id}/rules"
    derived = post(c, url + "/derive")
    assert derived.status_code == 200 and len(derived.json()["items"]) >= 5
    resp = post(c, url, {"item": "nl", "rule_type": "range", "params": {"min": 0, "max": 120}, "severity": "high", "weight": 3})
    assert resp.status_code == 201, resp.content
    rule = resp.json()
    assert rule["params"]["max"] == 120 and rule["label"] == "年龄：不小于 0、不大于 120" and rule["severity_label"] == "严重"
    resp = post(c, url, {"item": "djrq", "rule_type": "range", "params": {"min_date": "2020-01-01"}})
    assert resp.status_code == 201 and resp.json()["params"]["min"] == "2020-01-01"
    patched = post(c, f"{BASE}/rules/{rule['public_id']}", {"enabled": False, "params": {"min": 18}}, method="patch")
    assert patched.status_code == 200 and patched.json()["enabled"] is False and patched.json()["params"]["min"] == 18
    assert post(c, f"{BASE}/rules/{rule['public_id']}", method="delete").json()["voided"] is True
    listed = c.get(url).json()["items"]
    assert rule["public_id"] not in {r["public_id"] for r in listed}


@pytest.mark.parametrize("payload,field", [
    ({"item": "nl", "rule_type": "range", "params": {"min": 9, "max": 1}}, "max"),
    ({"item": "nl", "rule_type": "range", "params": {"min": 1, "min_date": "2020-01-01"}}, "min"),
    ({"item": "xm", "rule_type": "format", "params": {"format": "regex", "pattern": "[a-"}}, "pattern"),
    ({"item": "nl", "rule_type": "required", "weight": 1000}, "weight"),
])
def test_bad_rule_bodies_answer_422_in_chinese_and_write_nothing(people, bureau_data_admin, client_for, payload, field):
    before = (QualityRule.objects.count(), AuditEntry.objects.count())
    resp = post(client_for(bureau_data_admin), f"{BASE}/entries/{people.public_id}/rules", payload)
    assert resp.status_code == 422, resp.content
    body = resp.json()
    assert set(body) == {"code", "message", "detail"} and body["detail"]["field"] == field and not body["message"].isascii()
    assert (QualityRule.objects.count(), AuditEntry.objects.count()) == before


def test_unknown_param_and_wrong_types_are_refused(people, bureau_data_admin, client_for):
    c = client_for(bureau_data_admin)
    url = f"{BASE}/entries/{people.public_id}/rules"
    assert post(c, url, {"item": "nl", "rule_type": "range", "params": {"minimum": 1}}).status_code == 422
    assert post(c, url, {"item": "nl", "rule_type": "range", "params": {"min": "5"}}).status_code == 422
    assert QualityRule.objects.count() == 0


def test_run_report_scores_and_task_transitions(people, authority, bureau_data_admin, edu_data_admin, client_for, city):
    rows = good_people(10)
    rows[0]["xb"] = "8"
    rows[1]["xb"] = "8"
    make_table(people, rows, user=authority)
    auth = client_for(authority)
    run = post(auth, f"{BASE}/entries/{people.public_id}/runs")
    assert run.status_code == 201, run.content
    report = auth.get(f"{BASE}/runs/{run.json()['public_id']}").json()
    code_list = next(r for r in report["results"] if r["rule_type"] == "code_list")
    assert code_list["failed"] == 2 and code_list["pass_rate"] == 80.0
    assert [s["row_no"] for s in code_list["samples"]] == [1, 2]
    fmt = next(r for r in report["results"] if r["rule_type"] == "format" and "身份" in r["label"])
    assert fmt["failed"] == 0
    scores = auth.get(f"{BASE}/scores").json()
    assert scores["departments"][0]["name"] == city.bureau.name and scores["city_score"] == report["score"]
    trend = auth.get(f"{BASE}/scores/trend?scope=entry&id={people.public_id}").json()
    assert trend["points"][-1]["score"] == report["score"]
    assert auth.get(f"{BASE}/scores/trend?scope=entry&id=nope").status_code == 422
    assert auth.get(f"{BASE}/scores/datasets").json()["items"][0]["score"] == report["score"]

    task = RectificationTask.objects.get(entry=people)
    admin = client_for(bureau_data_admin)
    assert client_for(edu_data_admin).get(f"{BASE}/tasks/{task.public_id}").status_code == 404  # outside its reach
    assert post(admin, f"{BASE}/tasks/{task.public_id}/verify").status_code == 403
    assert post(admin, f"{BASE}/tasks/{task.public_id}/submit", {"note": ""}).status_code == 422
    assert post(admin, f"{BASE}/tasks/{task.public_id}/start").json()["status"] == "in_progress"
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {target_table_name(people)} SET xb = '1'")
    submitted = post(admin, f"{BASE}/tasks/{task.public_id}/submit", {"note": "已修正性别代码"})
    assert submitted.json()["status"] == "submitted"
    assert post(admin, f"{BASE}/tasks/{task.public_id}/submit", {"note": "再交一次"}).status_code == 409
    closed = post(auth, f"{BASE}/tasks/{task.public_id}/verify").json()
    assert closed["status"] == "closed" and [e["status"] for e in closed["events"]][-1] == "closed"


def test_scope_hides_other_departments_entries(people, edu_data_admin, client_for):
    c = client_for(edu_data_admin)
    assert c.get(f"{BASE}/entries/{people.public_id}/rules").status_code == 404
    assert post(c, f"{BASE}/entries/{people.public_id}/runs").status_code == 404
