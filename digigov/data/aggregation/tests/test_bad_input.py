"""Issue 8's bad input for aggregation, table-driven: each case ends with nothing in the target table,
no staging table left behind, and a report that names the row and the field (or a clear job error)."""

import io
import json
import sqlite3

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from digigov.core.errors import DigiGovError
from digigov.data.aggregation import actions
from digigov.data.aggregation.models import Batch, Job, JobState, QuarantineRow
from digigov.data.aggregation.pipeline import engine, readers
from digigov.data.aggregation.testing import HEADER

from .conftest import csv_bytes, good_rows
from .helpers import no_staging_left, run_upload, target_rows, upload_source

pytestmark = pytest.mark.django_db


def xlsx(rows, header=HEADER, merge=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _bad_check_digit():
    rows = good_rows(3)
    rows[1][1] = rows[1][1][:-1] + ("0" if rows[1][1][-1] != "0" else "1")
    return csv_bytes(rows)


def _unknown_code():
    rows = good_rows(3)
    rows[2][2] = "未知"
    return csv_bytes(rows)


def _broken_quote():
    body = csv_bytes(good_rows(2)).decode()
    return (body + 'a"b,"x,1,1990-01-01,1,13800138000,是\n').encode()


def _formula():
    rows = [list(r) for r in good_rows(2)]
    rows[1][4] = "=SUM(1,2)"
    return xlsx(rows)


def _merged_data():
    return xlsx(good_rows(3), merge="E3:E4")


# name, file name, content, policy, row named in the report, field named ("" = whole row)
ROW_CASES = [
    ("check digit", "a.csv", _bad_check_digit, "all_or_nothing", 3, "id_number"),
    ("unknown code value", "a.csv", _unknown_code, "all_or_nothing", 4, "gender"),
    ("broken quoting", "a.csv", _broken_quote, "all_or_nothing", 4, ""),
    ("xlsx formula without cached value", "a.xlsx", _formula, "all_or_nothing", 3, ""),
    ("xlsx merged data cells", "a.xlsx", _merged_data, "all_or_nothing", 3, ""),
]


@pytest.mark.parametrize("name,file_name,content,policy,row,field", ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_bad_rows_are_reported_and_nothing_lands(data_admin, entry, name, file_name, content, policy, row, field):
    source = upload_source(data_admin, entry, policy=policy)
    job, _ = run_upload(data_admin, source, file_name, content())
    assert job.state == JobState.QUARANTINED, (job.state, job.error)
    assert target_rows(entry) == 0 and not Batch.objects.exists() and no_staging_left()
    q = QuarantineRow.objects.filter(job=job, row_no=row).first()
    assert q is not None, list(QuarantineRow.objects.values_list("row_no", "reasons"))
    assert [r for r in q.reasons if r["field"] == field and r["message"]]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in q.reason_text)


# name, file name, content, the Chinese words the job's error contains
JOB_CASES = [
    ("undecodable bytes mid-file", "a.csv",
     lambda: csv_bytes(good_rows(3000)) + "张三,".encode("utf-8") + b"\xff\xfe\xfa\n", "编码"),
    ("schema mismatch: unknown and missing columns", "a.csv",
     lambda: csv_bytes([["x", "y"]], header=["姓名", "住址"]), "未知列：住址"),
    ("xlsx merged header", "a.xlsx", lambda: xlsx(good_rows(2), merge="A1:B1"), "合并单元格"),
    ("not an xlsx", "a.xlsx", lambda: b"PK\x03\x04 broken", "Excel"),
    ("broken json array", "a.json", 
     lambda: ("[" + json.dumps(dict(zip(HEADER, good_rows(1)[0])), ensure_ascii=False) + ', {"name": ').encode(), "JSON"),
    ("empty csv", "a.csv", lambda: b"\n", "表头"),
]


@pytest.mark.parametrize("name,file_name,content,words", JOB_CASES, ids=[c[0] for c in JOB_CASES])
def test_unreadable_inputs_fail_the_job_cleanly(data_admin, entry, name, file_name, content, words):
    source = upload_source(data_admin, entry)
    job, _ = run_upload(data_admin, source, file_name, content())
    assert job.state == JobState.FAILED and words in job.error, job.error
    assert target_rows(entry) == 0 and not Batch.objects.exists() and no_staging_left()


def test_wrong_encoding_is_detected_not_garbled(data_admin, entry):
    """A GBK file is read as GBK (not as mojibake and not refused)."""
    source = upload_source(data_admin, entry)
    job, _ = run_upload(data_admin, source, "gbk.csv", csv_bytes(good_rows(4), encoding="gb18030"))
    assert job.rows_ok == 4
    from django.db import connection
    from digigov.core import pii
    from digigov.data.catalog.tables import target_table_name

    table = target_table_name(entry)
    with connection.cursor() as cur:
        cur.execute(f"SELECT name FROM {table} ORDER BY _row_no LIMIT 1")
        assert pii.unseal_text(table, "name", cur.fetchone()[0]) == "张1"


def test_oversize_file_is_refused_with_413_before_anything_is_stored(data_admin, entry, settings):
    settings.DIGIGOV_AGGREGATION_MAX_FILE_BYTES = 1000
    source = upload_source(data_admin, entry)
    with pytest.raises(DigiGovError) as exc:
        actions.submit_upload(data_admin, source, SimpleUploadedFile("big.csv", csv_bytes(good_rows(50))))
    assert exc.value.status == 413 and "超过上限" in exc.value.message
    assert not Job.objects.exists()


def test_unsupported_file_type_is_a_field_error(data_admin, entry):
    source = upload_source(data_admin, entry)
    with pytest.raises(DigiGovError) as exc:
        actions.submit_upload(data_admin, source, SimpleUploadedFile("a.exe", b"MZ"))
    assert exc.value.status == 422 and exc.value.detail["field"] == "file"


def test_retry_of_the_same_file_does_not_import_twice(data_admin, entry):
    source = upload_source(data_admin, entry)
    content = csv_bytes(good_rows(5))
    first, created = run_upload(data_admin, source, "a.csv", content)
    again, created_again = run_upload(data_admin, source, "a (1).csv", content)
    assert created and not created_again and again.pk == first.pk
    assert target_rows(entry) == 5 and Batch.objects.count() == 1
    # even a job forced through with the same content commits nothing more
    forced = Job.objects.create(source=source, actor=data_admin, checksum=first.checksum, file_name="a.csv")
    forced.upload.name = first.upload.name
    forced.save()
    engine.run(forced.pk)
    forced.refresh_from_db()
    assert forced.state == JobState.SUCCEEDED and forced.duplicate_of_id == first.batch.pk and "未重复导入" in forced.error
    assert target_rows(entry) == 5 and Batch.objects.count() == 1


def test_sql_source_vanishing_mid_pull_commits_nothing(data_admin, entry, tmp_path, monkeypatch):
    db = tmp_path / "source.db"
    con = sqlite3.connect(db)
    con.execute(f"CREATE TABLE people ({', '.join(HEADER)})")
    con.executemany(f"INSERT INTO people VALUES ({', '.join('?' * len(HEADER))})", good_rows(12000))
    con.commit()
    con.close()
    source = actions.create_source(data_admin, entry=entry, name="民政库", kind="sql", sql_url=f"sqlite:///{db}", sql_query="people")
    monkeypatch.setattr(engine, "CHUNK", 1000)
    real_iter = readers.SqlReader.__iter__

    def dying(self):
        for n, raw in enumerate(real_iter(self), 1):
            if n == 7000:  # several chunks already staged
                db.unlink()
                raise readers.SourceFailed("源数据库读取失败（已读取的数据均未入库）：disk I/O error", code="source_db_failed")
            yield raw

    monkeypatch.setattr(readers.SqlReader, "__iter__", dying)
    job = actions.run_source(data_admin, source, enqueue=False)
    engine.run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "未入库" in job.error and job.rows_read >= 6000
    assert target_rows(entry) == 0 and not Batch.objects.exists() and no_staging_left()


def test_sql_source_that_is_gone_fails_cleanly(data_admin, entry, tmp_path):
    source = actions.create_source(data_admin, entry=entry, name="民政库", kind="sql",
                                   sql_url=f"sqlite:///file:{tmp_path}/missing.db?mode=ro&uri=true", sql_query="people")
    job = actions.run_source(data_admin, source, enqueue=False)
    engine.run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "源数据库读取失败" in job.error
    assert target_rows(entry) == 0


def test_a_generator_that_raises_anything_leaves_nothing(data_admin, entry):
    source = upload_source(data_admin, entry)
    job, _ = actions.submit_upload(data_admin, source, SimpleUploadedFile("a.csv", csv_bytes(good_rows(3))), enqueue=False)

    class Boom(readers.Reader):
        columns = HEADER

        def __iter__(self):
            yield readers.Raw(2, dict(zip(HEADER, good_rows(1)[0])))
            raise RuntimeError("disk gone")

    engine.run(job.pk, reader=Boom())
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "未写入任何数据" in job.error
    assert target_rows(entry) == 0 and no_staging_left()


def test_json_lines_bad_line_is_row_level(data_admin, entry):
    source = upload_source(data_admin, entry)
    lines = [json.dumps(dict(zip(HEADER, r)), ensure_ascii=False) for r in good_rows(3)]
    lines.insert(1, "{not json")
    job, _ = run_upload(data_admin, source, "a.jsonl", "\n".join(lines).encode())
    assert job.state == JobState.SUCCEEDED and job.rows_ok == 3 and job.rows_bad == 1
    assert QuarantineRow.objects.get(job=job).row_no == 2
