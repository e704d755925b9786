import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from digigov.core.testing import logged_in_client, make_user
from digigov.data.aggregation.models import Batch, Job, Source

from .conftest import csv_bytes, good_rows
from .helpers import target_rows

pytestmark = pytest.mark.django_db
BASE = "/api/v1/data/aggregation"


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def assert_error(resp, status, code=None):
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"code", "message", "detail"}
    if code:
        assert body["code"] == code
    return body


def test_source_upload_job_quarantine_and_lineage(data_admin, entry, django_capture_on_commit_callbacks):
    c = logged_in_client(data_admin)
    resp = post(c, f"{BASE}/sources", {"entry": entry.public_id, "name": "名册", "kind": "upload"})
    assert resp.status_code == 201, resp.content
    sid = resp.json()["public_id"]
    rows = good_rows(6)
    rows[2][1] = "123"
    with django_capture_on_commit_callbacks(execute=True):
        resp = c.post(f"{BASE}/sources/{sid}/upload", {"file": SimpleUploadedFile("a.csv", csv_bytes(rows))})
    assert resp.status_code == 202, resp.content
    jid = resp.json()["public_id"]
    job = c.get(f"{BASE}/jobs/{jid}").json()
    assert job["state"] == "succeeded" and job["rows_ok"] == 5 and job["rows_bad"] == 1 and job["percent"] == 100 and job["batch"]
    q = c.get(f"{BASE}/jobs/{jid}/quarantine").json()
    assert q["count"] == 1 and q["items"][0]["row_no"] == 4 and q["items"][0]["reasons"][0]["field"] == "id_number"
    batch = c.get(f"{BASE}/batches/{job['batch']}").json()
    assert batch["rows"] == 5 and batch["rows_bad"] == 1 and batch["target_table"] == f"dr_{entry.pk}" and batch["job"] == jid
    assert c.get(f"{BASE}/batches").json()["count"] == 1
    # the same file again: 200 with the first job, nothing imported twice
    again = c.post(f"{BASE}/sources/{sid}/upload", {"file": SimpleUploadedFile("a.csv", csv_bytes(rows))})
    assert again.status_code == 200 and again.json()["public_id"] == jid
    assert target_rows(entry) == 5 and Batch.objects.count() == 1
    # the workbench CSV of the report
    csv_resp = c.get(f"/workbench/data/aggregation/jobs/{jid}/quarantine.csv")
    text = b"".join(csv_resp.streaming_content).decode("utf-8-sig")
    assert csv_resp.status_code == 200 and "公民身份号码" in text and text.splitlines()[1].startswith("4,")


def test_oversize_upload_is_413(data_admin, entry, settings):
    settings.DIGIGOV_AGGREGATION_MAX_FILE_BYTES = 100
    c = logged_in_client(data_admin)
    sid = post(c, f"{BASE}/sources", {"entry": entry.public_id, "name": "名册"}).json()["public_id"]
    body = assert_error(c.post(f"{BASE}/sources/{sid}/upload", {"file": SimpleUploadedFile("a.csv", csv_bytes(good_rows(10)))}), 413,
                        "file_too_large")
    assert "超过上限" in body["message"] and not Job.objects.exists()


@pytest.mark.parametrize("data,status,code", [
    ({"name": "x", "kind": "ftp"}, 422, "invalid_kind"),
    ({"name": "x", "policy": "some"}, 422, "invalid_policy"),
    ({"name": "x", "mapping": [{"column": "a", "field": "nope"}]}, 422, "unknown_mapping_field"),
    ({"name": "x", "kind": "sql", "sql_url": "zzz", "sql_query": "t"}, 422, "invalid_sql_url"),
    ({"name": "x", "kind": "api", "http_url": "ftp://x"}, 422, "invalid_http_url"),
    ({"name": "x", "kind": "api", "http_url": "http://x", "http_page_size": 0}, 422, "invalid_page_size"),
    ({"name": "x", "surprise": 1}, 422, "validation_error"),
    ({"name": ""}, 422, "name_required"),
])
def test_bad_source_bodies_are_4xx_and_write_nothing(data_admin, entry, data, status, code):
    c = logged_in_client(data_admin)
    assert_error(post(c, f"{BASE}/sources", {"entry": entry.public_id, **data}), status, code)
    assert not Source.objects.exists()


def test_unknown_entry_is_404(data_admin):
    c = logged_in_client(data_admin)
    assert_error(post(c, f"{BASE}/sources", {"entry": "nope", "name": "x"}), 404)


def test_scope_and_permissions(city, data_admin, edu_data_admin, entry):
    c = logged_in_client(data_admin)
    sid = post(c, f"{BASE}/sources", {"entry": entry.public_id, "name": "名册"}).json()["public_id"]
    other = logged_in_client(edu_data_admin)
    assert other.get(f"{BASE}/sources").json()["count"] == 0
    assert_error(other.get(f"{BASE}/sources/{sid}"), 404)
    assert_error(other.post(f"{BASE}/sources/{sid}/upload", {"file": SimpleUploadedFile("a.csv", b"a\n")}), 404)
    leader = logged_in_client(make_user("leader"))
    assert leader.get(f"{BASE}/sources").json()["count"] == 1
    assert_error(leader.post(f"{BASE}/sources/{sid}/run"), 403)
    assert_error(c.post(f"{BASE}/sources/{sid}/run"), 422, "upload_source")


def test_update_and_void(data_admin, entry):
    c = logged_in_client(data_admin)
    sid = post(c, f"{BASE}/sources", {"entry": entry.public_id, "name": "名册"}).json()["public_id"]
    resp = post(c, f"{BASE}/sources/{sid}", {"name": "新名册", "policy": "all_or_nothing", "mapping": [{"column": "xm", "field": "name"}]})
    assert resp.status_code == 200 and resp.json()["policy"] == "all_or_nothing" and resp.json()["mapping"] == [{"column": "xm", "field": "name"}]
    assert_error(post(c, f"{BASE}/sources/{sid}/void", {"reason": ""}), 422)
    assert post(c, f"{BASE}/sources/{sid}/void", {"reason": "停用"}).json()["voided"] is True
    assert_error(post(c, f"{BASE}/sources/{sid}/void", {"reason": "停用"}), 409, "source_voided")


def test_upload_without_a_file_names_the_field(data_admin, entry):
    c = logged_in_client(data_admin)
    sid = post(c, f"{BASE}/sources", {"entry": entry.public_id, "name": "名册"}).json()["public_id"]
    body = assert_error(c.post(f"{BASE}/sources/{sid}/upload", {"file": "not a file"}), 422, "file_required")
    assert body["detail"]["field"] == "file" and not Job.objects.exists()
