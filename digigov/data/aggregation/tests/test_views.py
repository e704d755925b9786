import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from digigov.core.testing import logged_in_client, make_user
from digigov.data.aggregation.models import Job, Source

from .conftest import csv_bytes, good_rows
from .helpers import run_upload, upload_source

pytestmark = pytest.mark.django_db
W = "/workbench/data/aggregation"


def test_pages_render_for_admin_and_viewers(data_admin, entry):
    source = upload_source(data_admin, entry)
    rows = good_rows(4)
    rows[0][5] = "99"
    job, _ = run_upload(data_admin, source, "a.csv", csv_bytes(rows))
    c = logged_in_client(data_admin)
    for url in (f"{W}/", f"{W}/sources/", f"{W}/sources/new/", f"{W}/sources/{source.public_id}/", f"{W}/jobs/", f"{W}/jobs/{job.public_id}/",
                f"{W}/jobs/{job.public_id}/progress/", f"{W}/batches/{job.batch.public_id}/"):
        resp = c.get(url)
        assert resp.status_code == 200, url
    page = c.get(f"{W}/jobs/{job.public_id}/").content.decode()
    assert "第 2 行" in page and "手机号码：**" in page and "下载错误行" in page
    assert "id_number" not in page  # raw columns are named by their data items' Chinese names
    batch = c.get(f"{W}/batches/{job.batch.public_id}/").content.decode()
    assert "（个人信息，已加密存储）" in batch and "1990-01-01" in batch and job.batch.checksum in batch
    overview = c.get(f"{W}/").content.decode()
    assert "chart-volume-day" in overview and "K05" in overview
    viewer = logged_in_client(make_user("leader"))
    assert viewer.get(f"{W}/jobs/{job.public_id}/").status_code == 200
    assert "上传并归集" not in viewer.get(f"{W}/sources/{source.public_id}/").content.decode()
    assert viewer.get(f"{W}/sources/new/").status_code == 403


def test_new_source_form_and_field_errors(data_admin, entry):
    c = logged_in_client(data_admin)
    resp = c.post(f"{W}/sources/new/", {"entry": entry.public_id, "name": "", "kind": "upload", "policy": "commit_good"})
    assert resp.status_code == 400 and not Source.objects.exists()
    resp = c.post(f"{W}/sources/new/", {"entry": entry.public_id, "name": "库", "kind": "sql", "policy": "commit_good",
                                        "sql_url": "zzz", "sql_query": "t"})
    assert resp.status_code == 400 and "数据库连接串格式不正确" in resp.content.decode() and not Source.objects.exists()
    resp = c.post(f"{W}/sources/new/", {"entry": entry.public_id, "name": "名册", "kind": "upload", "policy": "commit_good",
                                        "mapping": "xm=name\n姓名2="})
    assert resp.status_code == 302
    assert Source.objects.get().mapping == {"xm": "name", "姓名2": ""}


def test_upload_form_errors_and_success(data_admin, entry, settings, django_capture_on_commit_callbacks):
    source = upload_source(data_admin, entry)
    c = logged_in_client(data_admin)
    url = f"{W}/sources/{source.public_id}/upload/"
    resp = c.post(url, {})
    assert resp.status_code == 400 and not Job.objects.exists()
    resp = c.post(url, {"file": SimpleUploadedFile("a.doc", b"x")})
    assert resp.status_code == 422 and "不支持的文件类型" in resp.content.decode()
    settings.DIGIGOV_AGGREGATION_MAX_FILE_BYTES = 50
    resp = c.post(url, {"file": SimpleUploadedFile("a.csv", csv_bytes(good_rows(5)))})
    assert resp.status_code == 413 and "超过上限" in resp.content.decode() and not Job.objects.exists()
    settings.DIGIGOV_AGGREGATION_MAX_FILE_BYTES = 10**6
    with django_capture_on_commit_callbacks(execute=True):
        resp = c.post(url, {"file": SimpleUploadedFile("a.csv", csv_bytes(good_rows(5)))})
    job = Job.objects.get()
    assert resp.status_code == 302 and resp["Location"].endswith(f"/jobs/{job.public_id}/")
    job.refresh_from_db()
    assert job.state == "succeeded" and job.rows_ok == 5


def test_progress_partial_polls_while_running(data_admin, entry):
    source = upload_source(data_admin, entry)
    job = Job.objects.create(source=source, actor=data_admin, state="running", file_size=1000, bytes_read=400, rows_read=12)
    c = logged_in_client(data_admin)
    html = c.get(f"{W}/jobs/{job.public_id}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="40"' in html and "12" in html


def test_missing_table_is_a_message_not_a_500(data_admin, entry):
    from django.db import connection

    source = upload_source(data_admin, entry)
    job, _ = run_upload(data_admin, source, "a.csv", csv_bytes(good_rows(2)))
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE dr_{entry.pk}")
    resp = logged_in_client(data_admin).get(f"{W}/batches/{job.batch.public_id}/")
    assert resp.status_code == 200 and "目标库表尚未建立" in resp.content.decode()
