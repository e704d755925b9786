import datetime as dt
import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from digigov.core.errors import DigiGovError, Forbidden
from digigov.core.rbac.system import system_account
from digigov.data.aggregation import actions
from digigov.data.aggregation.models import Job, JobState, Source
from digigov.data.aggregation.pipeline import engine
from digigov.data.aggregation.testing import HEADER

from .conftest import good_rows
from .helpers import run_upload, target_rows, upload_source
from .test_bad_input import xlsx

pytestmark = pytest.mark.django_db


def test_json_array_and_xlsx_uploads(data_admin, entry):
    source = upload_source(data_admin, entry)
    records = [dict(zip(HEADER, r)) for r in good_rows(7)]
    records[2]["amount"] = 12.5  # numbers and booleans as JSON types
    records[3]["active"] = False
    job, _ = run_upload(data_admin, source, "a.json", json.dumps(records, ensure_ascii=False).encode())
    assert job.state == JobState.SUCCEEDED and job.rows_ok == 7, job.error
    job, _ = run_upload(data_admin, source, "b.xlsx", xlsx(good_rows(4, start=100)))
    assert job.state == JobState.SUCCEEDED and job.rows_ok == 4, job.error
    assert target_rows(entry) == 11


def test_json_record_with_unknown_key_is_row_level(data_admin, entry):
    source = upload_source(data_admin, entry)
    records = [dict(zip(HEADER, r)) for r in good_rows(3)]
    records[1]["secret"] = "x"
    job, _ = run_upload(data_admin, source, "a.json", json.dumps(records, ensure_ascii=False).encode())
    assert (job.rows_ok, job.rows_bad) == (2, 1)
    assert job.quarantine.get().reasons[0]["field"] == "secret"


def test_sql_pull_with_sealed_url(data_admin, entry, tmp_path):
    db = tmp_path / "src.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (xm TEXT, sfzh TEXT, other TEXT)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)", [(r[0], r[1], "x") for r in good_rows(25)])
    con.commit()
    con.close()
    url = f"sqlite:///{db}"
    source = actions.create_source(data_admin, entry=entry, name="民政库", kind="sql", sql_url=url, sql_query="SELECT xm, sfzh, other FROM t",
                                   mapping={"xm": "name", "sfzh": "id_number", "other": ""})
    raw = Source.objects.values_list("sql_url_sealed", flat=True).get(pk=source.pk)
    assert url.encode() not in bytes(raw) and actions.source_url(source) == url
    job = actions.run_source(data_admin, source, enqueue=False)
    engine.run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.rows_ok == 25 and len(job.checksum) == 64, job.error
    # the same content pulled again is not imported twice
    again = actions.run_source(data_admin, source, enqueue=False)
    engine.run(again.pk)
    again.refresh_from_db()
    assert again.state == JobState.SUCCEEDED and again.duplicate_of_id and target_rows(entry) == 25


@pytest.mark.parametrize("url,query,code", [
    ("not a url", "t", "invalid_sql_url"),
    ("sqlite:///x.db", "DELETE FROM t", "invalid_sql_query"),
    ("sqlite:///x.db", "SELECT 1; DROP TABLE t", "invalid_sql_query"),
])
def test_sql_source_validation(data_admin, entry, url, query, code):
    with pytest.raises(DigiGovError) as exc:
        actions.create_source(data_admin, entry=entry, name="x", kind="sql", sql_url=url, sql_query=query)
    assert exc.value.code == code and not Source.objects.exists()


def test_the_platform_database_is_not_a_source(data_admin, entry, settings):
    own = settings.DATABASES["default"]
    if not own["ENGINE"].endswith("sqlite3"):
        pytest.skip("SQLite only")
    with pytest.raises(DigiGovError) as exc:
        actions.create_source(data_admin, entry=entry, name="x", kind="sql", sql_url=f"sqlite:///{own['NAME']}", sql_query="t")
    assert exc.value.code == "own_database"


@pytest.fixture
def api_server():
    records = [dict(zip(HEADER, r)) for r in good_rows(23)]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            q = parse_qs(urlparse(self.path).query)
            page, size = int(q.get("page", ["1"])[0]), int(q.get("size", ["10"])[0])
            body = json.dumps({"code": 0, "data": {"items": records[(page - 1) * size: page * size]}}, ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/records"
    server.shutdown()


def test_http_pull_with_paging(data_admin, entry, api_server):
    source = actions.create_source(data_admin, entry=entry, name="接口", kind="api", http_url=api_server, http_records_path="$.data.items",
                                   http_page_param="page", http_size_param="size", http_page_size=10)
    job = actions.run_source(data_admin, source, enqueue=False)
    engine.run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.rows_ok == 23, job.error


def test_http_source_down_fails_cleanly(data_admin, entry):
    source = actions.create_source(data_admin, entry=entry, name="接口", kind="api", http_url="http://127.0.0.1:9/none")
    job = actions.run_source(data_admin, source, enqueue=False)
    engine.run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "接口请求失败" in job.error and target_rows(entry) == 0


def test_scheduler_queues_due_sources(data_admin, entry, api_server, django_capture_on_commit_callbacks):
    source = actions.create_source(data_admin, entry=entry, name="接口", kind="api", http_url=api_server, http_records_path="data.items",
                                   schedule="daily")
    assert source.next_run_at > timezone.now()
    system = system_account()
    assert actions.enqueue_due(system) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.enqueue_due(system, timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
    job = Job.objects.get(source=source)
    assert job.trigger == "schedule" and job.state == JobState.SUCCEEDED and job.rows_ok == 10
    source.refresh_from_db()
    assert source.next_run_at > timezone.now() + dt.timedelta(days=1)


def test_upload_source_cannot_be_scheduled(data_admin, entry):
    with pytest.raises(DigiGovError) as exc:
        upload_source(data_admin, entry, schedule="daily")
    assert exc.value.detail["field"] == "schedule"


def test_other_departments_admin_cannot_touch_the_source(data_admin, edu_data_admin, entry):
    source = upload_source(data_admin, entry)
    with pytest.raises(Forbidden):
        actions.create_source(edu_data_admin, entry=entry, name="x")
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(Forbidden):
        actions.submit_upload(edu_data_admin, source, SimpleUploadedFile("a.csv", b"a\n1\n"))
    assert not Job.objects.exists()


def test_mapping_must_name_real_fields(data_admin, entry):
    with pytest.raises(DigiGovError) as exc:
        upload_source(data_admin, entry, mapping={"xm": "no_such_field"})
    assert exc.value.code == "unknown_mapping_field"
