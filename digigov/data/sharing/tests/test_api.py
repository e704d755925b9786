import datetime as dt
import json

import pytest
from django.utils import timezone

from digigov.core.audit.models import AuditEntry
from digigov.core.testing import logged_in_client
from digigov.data.sharing.models import ConsumerApp, ShareRequest, Subscription

pytestmark = pytest.mark.django_db
BASE = "/api/v1/data/sharing"
TODAY = timezone.localdate()


def post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def assert_error(resp, status, code=None):
    assert resp.status_code == status, resp.content
    data = resp.json()
    assert set(data) == {"code", "message", "detail"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in data["message"])
    if code:
        assert data["code"] == code
    return data


def body(world, **over):
    return {"requester": world["requester"].public_id, "entry": world["entry"].public_id, "app": world["app"].public_id,
            "fields": ["xm", "sfzh"], "clear_fields": ["xm"], "purpose": "学生资助核验", "basis": "《学生资助资金管理办法》",
            "period_start": TODAY.isoformat(), "period_end": (TODAY + dt.timedelta(days=200)).isoformat()} | over


def test_request_lifecycle_over_the_api(actors, world):
    consumer, provider = logged_in_client(actors["consumer"]), logged_in_client(actors["provider"])
    r = post(consumer, f"{BASE}/requests", body(world))
    assert r.status_code == 201, r.content
    data = r.json()
    pid = data["public_id"]
    assert data["status"] == "submitted" and data["status_label"] == "待审核" and data["subscription"] is None
    assert_error(post(consumer, f"{BASE}/requests", body(world)), 409, "request_exists")
    # the provider sees it to review; the consumer sees it as its own
    assert [x["public_id"] for x in provider.get(f"{BASE}/requests?side=review").json()["items"]] == [pid]
    assert [x["public_id"] for x in consumer.get(f"{BASE}/requests?side=made").json()["items"]] == [pid]
    assert consumer.get(f"{BASE}/requests?side=review").json()["items"] == []
    assert_error(post(consumer, f"{BASE}/requests/{pid}/decide", {"decision": "approve"}), 403)
    r = post(provider, f"{BASE}/requests/{pid}/decide", {"decision": "narrow", "fields": ["xm"], "clear_fields": [], "reply": "最小必要"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "narrowed" and r.json()["approved_fields"] == ["xm"] and r.json()["subscription"]
    sub_pid = r.json()["subscription"]
    r = consumer.get(f"{BASE}/subscriptions/{sub_pid}")
    assert r.status_code == 200 and r.json()["fields"] == ["xm"] and r.json()["clear_fields"] == [] and r.json()["rate_limit"] == 50
    assert [s["public_id"] for s in consumer.get(f"{BASE}/subscriptions").json()["items"]] == [sub_pid]
    assert [s["public_id"] for s in provider.get(f"{BASE}/subscriptions?status=active").json()["items"]] == [sub_pid]
    assert_error(post(provider, f"{BASE}/requests/{pid}/decide", {"decision": "approve"}), 409, "request_not_open")


def test_withdraw_over_the_api(actors, world):
    consumer = logged_in_client(actors["consumer"])
    pid = post(consumer, f"{BASE}/requests", body(world)).json()["public_id"]
    r = post(consumer, f"{BASE}/requests/{pid}/withdraw", {"reason": "不再需要"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


@pytest.mark.parametrize("over,status,code", [
    ({"fields": ["nope"]}, 422, "unknown_fields"),
    ({"entry": "doesnotexist"}, 404, "entry_not_found"),
    ({"app": "doesnotexist"}, 404, "app_not_found"),
    ({"requester": "doesnotexist"}, 404, "department_not_found"),
    ({"period_start": "2020-01-01"}, 422, "period_in_past"),
    ({"period_start": "not a date"}, 422, None),
    ({"fields": "xm"}, 422, None),
    ({"extra": 1}, 422, None),
    ({"purpose": "x" * 501}, 422, None),
])
def test_file_bad_input(actors, world, over, status, code):
    before = (ShareRequest.objects.count(), AuditEntry.objects.count())
    assert_error(post(logged_in_client(actors["consumer"]), f"{BASE}/requests", body(world, **over)), status, code)
    assert (ShareRequest.objects.count(), AuditEntry.objects.count()) == before


def test_permissions_and_scope(actors, world):
    consumer = logged_in_client(actors["consumer"])
    pid = post(consumer, f"{BASE}/requests", body(world)).json()["public_id"]
    outsider = logged_in_client(actors["outsider"])
    assert_error(outsider.get(f"{BASE}/requests/{pid}"), 404, "request_not_found")
    assert outsider.get(f"{BASE}/requests").json()["items"] == []
    assert_error(post(logged_in_client(actors["leader"]), f"{BASE}/requests", body(world)), 403)
    assert logged_in_client(actors["leader"]).get(f"{BASE}/requests/{pid}").status_code == 200  # city-wide viewer
    assert_error(consumer.get(f"{BASE}/requests?status=bogus"), 422, "invalid_filter")
    assert_error(consumer.get(f"{BASE}/requests?page=0"), 422)
    from django.test import Client
    assert Client().get(f"{BASE}/requests").status_code == 401


def test_apps_create_once_secret_then_rotate(actors, city):
    c = logged_in_client(actors["consumer_dept"])
    r = post(c, f"{BASE}/apps", {"department": city.bureau.public_id, "name": "一网通办受理系统"})
    assert r.status_code == 201, r.content
    data = r.json()
    secret, pid = data["secret"], data["app"]["public_id"]
    assert len(secret) >= 40 and data["app"]["app_key"]
    listed = c.get(f"{BASE}/apps").json()["items"]
    assert [a["public_id"] for a in listed] == [pid] and secret not in json.dumps(listed) and "secret" not in listed[0]
    r = post(c, f"{BASE}/apps/{pid}/rotate")
    assert r.status_code == 200 and r.json()["secret"] != secret
    assert ConsumerApp.objects.get(public_id=pid).secret == r.json()["secret"]
    assert secret not in "".join(AuditEntry.objects.values_list("after_json", flat=True))
    assert_error(post(logged_in_client(actors["provider"]), f"{BASE}/apps/{pid}/rotate"), 404)
    assert_error(post(c, f"{BASE}/apps", {"department": city.other_bureau.public_id, "name": "越权"}), 403)
    assert_error(post(c, f"{BASE}/apps", {"department": city.bureau.public_id, "name": "一网通办受理系统"}), 409, "app_exists")
    assert_error(post(c, f"{BASE}/apps", {"department": city.bureau.public_id, "name": "x", "rate_limit": 0}), 422)


def test_list_query_counts_are_flat(actors, world, city, django_assert_max_num_queries):
    from digigov.data.sharing.actions import requests as actions
    from digigov.data.sharing.testing import department_app, provider_entry, request_kwargs

    c = logged_in_client(actors["leader"])
    for n in range(6):
        entry = provider_entry(city.other_bureau, name=f"条目{n}")
        app = department_app(actors["consumer"], city.bureau, f"应用{n}")
        req = actions.file_request(actors["consumer"], **request_kwargs(city.bureau, entry, app))
        actions.decide_request(actors["provider"], req, "approve")
    c.get(f"{BASE}/requests")
    for url in ("/requests", "/subscriptions", "/apps"):
        with django_assert_max_num_queries(8):
            r = c.get(BASE + url)
        assert r.status_code == 200 and len(r.json()["items"]) >= 6
