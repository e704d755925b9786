"""数据归集 in a real browser, on a desktop and on a 390 px phone: a data admin uploads a CSV with a few
bad rows, follows the job's progress to its end, reads the row-level quarantine report, opens the batch
and sees its rows in the mounted table, and sees K05 数据归集率 move; a file of the wrong type is refused
with a field error and leaves nothing behind."""

import csv
import io

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.data.aggregation import actions
from digigov.data.aggregation.models import Job
from digigov.data.aggregation.testing import HEADER, good_row, make_entry
from digigov.data.catalog.models import DataDemand

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _csv(n=20, bad=(3, 7, 11)) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for i in range(1, n + 1):
        row = good_row(i)
        if i in bad:
            row[1] = row[1][:-1] + ("0" if row[1][-1] != "0" else "1")  # wrong check digit
        w.writerow(row)
    return buf.getvalue().encode("gb18030")


@pytest.fixture
def source(city):
    admin = make_user("data_admin", username="dataadmin", department=city.bureau)
    entry = make_entry(city.bureau)
    DataDemand.objects.create(requester=city.other_bureau, provider=city.bureau, entry=entry, title="补贴名册共享", purpose="核验",
                              filed_by=make_user("data_admin", department=city.other_bureau))
    return actions.create_source(admin, entry=entry, name="补贴发放系统导出")


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_upload_progress_quarantine_and_rows(page, shot, source, viewport, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    login(page, "dataadmin", PASSWORD)
    page.goto("/workbench/data/aggregation/")
    assert page.locator("#k05-live").inner_text() == "0.00%"
    page.goto(f"/workbench/data/aggregation/sources/{source.public_id}/")

    # a file of the wrong type: a field error, no job
    page.set_input_files("input[name=file]", files=[{"name": "名册.docx", "mimeType": "application/octet-stream", "buffer": b"PK"}])
    page.click("main button[type=submit]:has-text('上传并归集')")
    assert "不支持的文件类型" in page.locator(".errorlist").inner_text()
    assert not Job.objects.exists()

    # the GBK CSV with three bad rows
    page.set_input_files("input[name=file]", files=[{"name": "名册.csv", "mimeType": "text/csv", "buffer": _csv()}])
    page.click("main button[type=submit]:has-text('上传并归集')")
    page.wait_for_selector("#job-progress [data-state=succeeded]")
    assert page.locator("#job-progress progress").get_attribute("value") == "100"
    assert page.locator("#rows-ok").inner_text() == "17" and page.locator("#rows-bad").inner_text() == "3"
    report = page.locator("#quarantine").inner_text()
    for row_no in (4, 8, 12):  # the header is row 1
        assert f"第 {row_no} 行" in report
    assert "公民身份号码" in report and "校验" in report
    assert page.locator("a:has-text('下载错误行（CSV）')").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, f"aggregation-job-{width}")

    # the batch: lineage and its rows in the mounted table
    page.click("#batch-link")
    assert page.locator("#batch-rows").inner_text().startswith("17")
    sample = page.locator("#batch-sample").inner_text()
    assert "1990-01-01" in sample and "男性" in sample and "（个人信息，已加密存储）" in sample
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, f"aggregation-batch-{width}")

    page.goto("/workbench/data/aggregation/")
    assert page.locator("#k05-live").inner_text() == "100.00%"
    assert page.locator('[data-chart="chart-volume-day"]').count() == 1
