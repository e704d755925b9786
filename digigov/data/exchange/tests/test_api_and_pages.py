"""The API and the workbench pages: create a job, run it (Huey runs inline under tests), see the run, download
the file (only the consumer department), dead letters and retry; bad input 4xx writing nothing; query pins."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from digigov.core.audit.models import AuditEntry
from digigov.core.testing import logged_in_client, make_user, todo_queries
from digigov.data.exchange import actions, engine
from digigov.data.exchange.models import ExchangeJob, ExchangeRun, RunStatus, SyncMode

pytestmark = pytest.mark.django_db
BASE = "/api/v1/data/exchange"


def post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def assert_error(resp, status, code=None):
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"code", "message", "detail"}
    if code:
        assert body["code"] == code
    return body


def test_api_create_run_and_list(consumer_admin, subscription, django_capture_on_commit_callbacks):
    c = logged_in_client(consumer_admin)
    resp = post(c, f"{BASE}/jobs", {"subscription": subscription.public_id, "name": "名册同步", "mode": "full", "delivery": "csv"})
    assert resp.status_code == 201, resp.content
    job = resp.json()
    assert job["mode_label"] == "全量（替换）" and job["delivery_label"] == "CSV 文件" and job["status_label"] == "启用"
    with django_capture_on_commit_callbacks(execute=True):
        resp = post(c, f"{BASE}/jobs/{job['public_id']}/run")
    assert resp.status_code == 202, resp.content
    run = c.get(f"{BASE}/runs/{resp.json()['public_id']}").json()
    assert run["status"] == "succeeded" and run["rows"] == 10 and run["has_file"] and run["status_label"] == "成功"
    listing = c.get(f"{BASE}/runs", {"job": job["public_id"]}).json()
    assert listing["count"] == 1
    paused = post(c, f"{BASE}/jobs/{job['public_id']}", {"status": "paused"})
    assert paused.json()["status_label"] == "已暂停"
    assert_error(post(c, f"{BASE}/jobs/{job['public_id']}/run"), 409, "job_paused")


@pytest.mark.parametrize("payload, status, code", [
    ({"name": "x", "mode": "sideways"}, 422, "bad_mode"),
    ({"name": "x", "delivery": "ftp"}, 422, "bad_delivery"),
    ({"name": "x", "schedule": "yearly"}, 422, "bad_schedule"),
    ({"name": " "}, 422, None),
    ({"name": "x", "subscription": "nope"}, 404, None),
    ({"name": "x", "extra": 1}, 422, None),
    ({"name": "x'; DROP TABLE exchange_exchangejob;--", "mode": "full' OR 1=1"}, 422, "bad_mode"),
])
def test_api_bad_job_input_writes_nothing(consumer_admin, subscription, payload, status, code):
    c = logged_in_client(consumer_admin)
    body = {"subscription": subscription.public_id, **payload}
    assert_error(post(c, f"{BASE}/jobs", body), status, code)
    assert not ExchangeJob.objects.exists()


def test_api_bad_filters_and_unknown_objects(consumer_admin, subscription):
    c = logged_in_client(consumer_admin)
    assert_error(c.get(f"{BASE}/runs", {"status": "gone' OR 1=1"}), 422, "bad_status")
    assert_error(c.get(f"{BASE}/runs", {"page": 0}), 422)
    assert_error(c.get(f"{BASE}/jobs/none"), 404)
    assert_error(post(c, f"{BASE}/runs/none/retry"), 404)
    assert_error(c.get(f"{BASE}/returns/none"), 404)


def test_permissions(consumer_admin, provider_admin, subscription, city):
    # the provider's staff cannot create a job over another department's subscription (not in their reach)
    assert_error(post(logged_in_client(provider_admin), f"{BASE}/jobs", {"subscription": subscription.public_id, "name": "x"}), 404)
    # roles without exchange.manage cannot create at all; a citizen sees nothing
    leader = make_user("leader")
    assert_error(post(logged_in_client(leader), f"{BASE}/jobs", {"subscription": subscription.public_id, "name": "x"}), 403)
    assert_error(logged_in_client(make_user("citizen")).get(f"{BASE}/jobs"), 403)
    job = actions.create_job(consumer_admin, subscription=subscription, name="权限", mode=SyncMode.FULL)
    # the provider sees the job over its entry but cannot run it
    assert logged_in_client(provider_admin).get(f"{BASE}/jobs/{job.public_id}").status_code == 200
    assert_error(post(logged_in_client(provider_admin), f"{BASE}/jobs/{job.public_id}/run"), 404)
    # a third department sees nothing
    third = make_user("data_admin", department=city.county_bureau)
    assert logged_in_client(third).get(f"{BASE}/jobs").json()["count"] == 0
    assert not ExchangeRun.objects.exists()


def _finished_file_run(actor, subscription):
    job = actions.create_job(actor, subscription=subscription, name="文件", mode=SyncMode.FULL, delivery="csv")
    return engine.execute(actions.run_job(actor, job, enqueue=False).pk)


def test_file_download_only_by_the_consumer_department(consumer_admin, provider_admin, subscription, city):
    run = _finished_file_run(consumer_admin, subscription)
    url = f"/workbench/data/exchange/runs/{run.public_id}/file.csv"
    resp = logged_in_client(consumer_admin).get(url)
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    body = b"".join(resp.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") and body == engine.file_path(run).read_bytes()
    assert AuditEntry.objects.filter(action="exchange.run.download").count() == 1
    assert logged_in_client(consumer_admin).get(url.replace(".csv", ".json")).status_code == 404
    page = logged_in_client(consumer_admin).get(f"/workbench/data/exchange/runs/{run.public_id}/").content.decode()
    assert "下载交换文件" in page
    # the provider sees the run but gets no download, neither the link nor the file
    page = logged_in_client(provider_admin).get(f"/workbench/data/exchange/runs/{run.public_id}/").content.decode()
    assert "下载交换文件" not in page
    assert logged_in_client(provider_admin).get(url).status_code == 403
    # a city-wide auditor sees runs but downloads nothing
    assert logged_in_client(make_user("auditor")).get(url).status_code == 403


def test_dead_letter_page_and_retry(consumer_admin, subscription, entry, django_capture_on_commit_callbacks):
    job = actions.create_job(consumer_admin, subscription=subscription, name="死信", mode=SyncMode.FULL)
    table = entry.mounts.get().table_name
    with connection.cursor() as cur:
        cur.execute(f"ALTER TABLE {connection.ops.quote_name(table)} RENAME TO hold_tbl2")
    run = engine.execute(actions.run_job(consumer_admin, job, enqueue=False).pk)
    for _ in range(2):
        run = engine.execute(run.pk)
    assert run.status == RunStatus.DEAD
    c = logged_in_client(consumer_admin)
    page = c.get("/workbench/data/exchange/dead-letters/").content.decode()
    assert "尚未归集" in page and "失败（死信）" not in page and ">dead<" not in page
    with connection.cursor() as cur:
        cur.execute(f"ALTER TABLE hold_tbl2 RENAME TO {connection.ops.quote_name(table)}")
    with django_capture_on_commit_callbacks(execute=True):
        resp = c.post(f"/workbench/data/exchange/runs/{run.public_id}/retry/")
    assert resp.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.rows == 10
    assert_error(post(c, f"{BASE}/runs/{run.public_id}/retry"), 409, "not_dead")


def test_pages_render_and_create_a_job_by_form(consumer_admin, subscription, django_capture_on_commit_callbacks):
    c = logged_in_client(consumer_admin)
    assert "新建交换任务" in c.get("/workbench/data/exchange/").content.decode()
    assert c.get("/workbench/data/exchange/jobs/new/").status_code == 200
    resp = c.post("/workbench/data/exchange/jobs/new/", {"subscription": "bogus", "name": "x", "mode": "full", "delivery": "table",
                                                         "schedule": "manual"})
    assert resp.status_code == 400 and not ExchangeJob.objects.exists()
    resp = c.post("/workbench/data/exchange/jobs/new/", {"subscription": subscription.public_id, "name": "表单任务", "mode": "full",
                                                         "delivery": "table", "schedule": "daily"})
    assert resp.status_code == 302
    job = ExchangeJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        resp = c.post(f"/workbench/data/exchange/jobs/{job.public_id}/run/")
    page = c.get(resp["Location"]).content.decode()
    assert "成功" in page and "succeeded" not in page
    for url in ("runs/", "runs/?status=dead", "dead-letters/", "returns/", "returns/new/", f"jobs/{job.public_id}/"):
        assert c.get(f"/workbench/data/exchange/{url}").status_code == 200, url
    # a leader sees the pages but no controls
    page = logged_in_client(make_user("leader")).get(f"/workbench/data/exchange/jobs/{job.public_id}/").content.decode()
    assert "立即执行" not in page and "暂停" not in page and "新建交换任务" not in page


def test_list_pages_query_counts_are_pinned(consumer_admin, subscription, django_assert_max_num_queries):
    for n in range(6):
        job = actions.create_job(consumer_admin, subscription=subscription, name=f"任务{n}", mode=SyncMode.FULL, delivery="csv")
        engine.execute(actions.run_job(consumer_admin, job, enqueue=False).pk)
    c = logged_in_client(consumer_admin)
    c.get("/workbench/data/exchange/")  # warm the session
    base = todo_queries(consumer_admin)
    for url in ("/workbench/data/exchange/", "/workbench/data/exchange/runs/", "/workbench/data/exchange/dead-letters/"):
        with django_assert_max_num_queries(12 + base):
            assert c.get(url).status_code == 200
    with django_assert_max_num_queries(12 + base):
        assert c.get(f"{BASE}/runs").json()["count"] == 6
    with django_assert_max_num_queries(12 + base):
        assert c.get(f"{BASE}/jobs").json()["count"] == 6
