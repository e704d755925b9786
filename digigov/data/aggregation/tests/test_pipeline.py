import pytest

from digigov.core import pii
from digigov.data.aggregation.models import Batch, JobState, QuarantineRow
from digigov.data.aggregation.pipeline import target
from digigov.data.catalog.models import MountedResource
from digigov.data.catalog.signals import dataset_loaded
from digigov.data.catalog.tables import target_table_name

from .conftest import csv_bytes, good_rows
from .helpers import no_staging_left, run_upload, target_rows, upload_source

pytestmark = pytest.mark.django_db


def test_good_csv_lands_whole_with_lineage_mount_and_signal(data_admin, entry, django_capture_on_commit_callbacks):
    source = upload_source(data_admin, entry)
    received = []
    dataset_loaded.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t1")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job, created = run_upload(data_admin, source, "名册.csv", csv_bytes(good_rows(30)))
    finally:
        dataset_loaded.disconnect(dispatch_uid="t1")
    assert created and job.state == JobState.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_ok, job.rows_bad) == (30, 30, 0)
    batch = Batch.objects.get(job=job)
    table = target_table_name(entry)
    assert batch.rows == 30 and batch.target_table == table and len(batch.checksum) == 64
    assert target_rows(entry) == 30
    mount = MountedResource.objects.get(entry=entry, kind="table")
    assert mount.table_name == table and mount.record_count == 30
    assert received and received[0]["batch_id"] == batch.pk and received[0]["rows"] == 30 and received[0]["mount"] == mount
    assert no_staging_left()
    # standardised: code list label → code, personal values sealed under the target table
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"SELECT gender, id_number, _row_no FROM {table} ORDER BY _row_no LIMIT 2")
        rows = cur.fetchall()
    assert [r[0] for r in rows] == ["1", "2"]
    assert rows[0][2] == 2  # the header is row 1
    assert pii.unseal_text(table, "id_number", rows[0][1]).startswith("210602")


def test_commit_good_rows_quarantines_the_bad_ones_with_row_and_field(data_admin, entry):
    source = upload_source(data_admin, entry)
    rows = good_rows(5)
    rows[1][1] = "210602199001010000"  # wrong check digit
    rows[3][2] = "男"  # not in the code list (label is 男性)
    rows[3][3] = "2024-13-45"
    job, _ = run_upload(data_admin, source, "x.csv", csv_bytes(rows))
    assert job.state == JobState.SUCCEEDED and (job.rows_ok, job.rows_bad) == (3, 2)
    assert target_rows(entry) == 3
    q = {r.row_no: r for r in QuarantineRow.objects.filter(job=job)}
    assert set(q) == {3, 5}
    assert [r["field"] for r in q[3].reasons] == ["id_number"] and "校验" in q[3].reasons[0]["message"]
    assert {r["field"] for r in q[5].reasons} == {"gender", "birth"}
    assert "代码表" in next(r["message"] for r in q[5].reasons if r["field"] == "gender")
    assert "*" in q[3].raw["id_number"] and q[3].raw["id_number"] != rows[1][1]  # personal values masked in the report


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(data_admin, entry):
    source = upload_source(data_admin, entry, policy="all_or_nothing")
    rows = good_rows(5)
    rows[4][5] = "12345"
    job, _ = run_upload(data_admin, source, "x.csv", csv_bytes(rows))
    assert job.state == JobState.QUARANTINED and "未入库" in job.error
    assert target_rows(entry) == 0 and not Batch.objects.exists()
    assert QuarantineRow.objects.get(job=job).row_no == 6
    assert no_staging_left()


def test_full_width_and_blank_are_normalised(data_admin, entry):
    source = upload_source(data_admin, entry)
    row = good_rows(1)[0]
    row[1] = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in row[1])  # full-width digits
    row[4] = "  1,234.5 "
    row[3] = "1990年1月2日"
    job, _ = run_upload(data_admin, source, "x.csv", csv_bytes([row]))
    assert job.rows_ok == 1, list(QuarantineRow.objects.values_list("reasons", flat=True))


def test_gbk_tab_separated(data_admin, entry):
    source = upload_source(data_admin, entry)
    job, _ = run_upload(data_admin, source, "x.csv", csv_bytes(good_rows(10), encoding="gbk", delimiter="\t"))
    assert job.state == JobState.SUCCEEDED and job.rows_ok == 10, job.error


def test_chinese_header_names_map_to_items(data_admin, entry):
    source = upload_source(data_admin, entry)
    header = ["姓名", "公民身份号码", "性别", "出生日期", "补贴金额", "手机号码", "是否有效"]
    job, _ = run_upload(data_admin, source, "x.csv", csv_bytes(good_rows(3), header=header, encoding="utf-8-sig"))
    assert job.rows_ok == 3, job.error


def test_new_items_add_columns(data_admin, entry):
    from digigov.data.catalog.models import DataItem

    source = upload_source(data_admin, entry)
    run_upload(data_admin, source, "a.csv", csv_bytes(good_rows(2)))
    DataItem.objects.create(entry=entry, seq=99, field_name="note", name="备注", data_type="C", length=20)
    job, _ = run_upload(data_admin, source, "b.csv", csv_bytes(good_rows(2, start=5)))
    assert job.rows_ok == 2 and "note" in target.existing_columns(target_table_name(entry))
    assert target_rows(entry) == 4
