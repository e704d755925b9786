"""The open-data portal in a real browser, on a desktop and at 390 px: a citizen developer finds a dataset by a
Chinese search, downloads it as CSV, registers an app (the secret shown once) and applies to call a
有条件开放 dataset; axe finds no serious violation on the public pages and nothing overflows."""

import csv
import io

import pytest

from digigov.core.testing import PASSWORD, make_user
from digigov.data.opendata.actions import datasets as ds_actions
from digigov.data.opendata.models import OpenApplication
from digigov.data.opendata.tests.factories import school_entry

from .axe import assert_accessible
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 390])
def test_opendata_journey(browser, live_server, shot, city, width):
    admin = make_user("data_admin", department=city.bureau)
    ds = ds_actions.open_dataset(admin, school_entry(city.bureau, user=admin), keywords=["义务教育"])[0]
    cds = ds_actions.open_dataset(admin, school_entry(city.bureau, user=admin, name="校外培训机构名录", open_type="conditional"),
                                  name="training")[0]
    make_user("citizen", username="citizen")

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto("/open/")
    assert _fits(page)
    assert_accessible(page, "open home")
    page.fill("#od-q", "中小学校")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("#results")
    assert_accessible(page, "catalogue")
    assert _fits(page)
    page.get_by_role("link", name="示范市中小学校名录").click()
    page.wait_for_selector("#dataset-title")
    assert "第1中学" in page.locator("#preview-table").inner_text()
    assert _fits(page)
    assert_accessible(page, "dataset page")
    shot(page, f"opendata-dataset-{width}")
    with page.expect_download() as dl:
        page.click("#download-csv")
    rows = list(csv.reader(io.StringIO(open(dl.value.path(), encoding="utf-8-sig").read())))
    assert rows[0] == ["学校名称", "所在区域", "学生人数"] and len(rows) == 31

    login(page, "citizen", PASSWORD)
    page.goto("/open/developer/")
    page.click("#app-new")
    page.fill("#name", "学校查询小程序")
    page.click("form.od-form button[type=submit]")
    page.wait_for_selector("#app-secret")
    assert len(page.locator("#app-secret").inner_text().strip()) >= 32
    assert _fits(page)
    page.goto(f"/open/datasets/{cds.name}/")
    page.click("#apply-call")
    page.select_option("#app", label="学校查询小程序")
    page.fill("#purpose", "为家长提供培训机构查询")
    page.fill("#intended_use", "在小程序中按区域列出机构")
    assert _fits(page)
    page.click("form.od-form button[type=submit]")
    page.wait_for_selector("#my-applications")
    assert "待审核" in page.locator("#my-applications").inner_text()
    assert _fits(page)
    shot(page, f"opendata-developer-{width}")
    assert OpenApplication.objects.filter(dataset=cds, status="submitted").count() == 1
    assert ds.pk
    context.close()
