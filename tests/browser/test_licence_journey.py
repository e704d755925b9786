"""E-licences in a real browser, on a desktop and at 390 px: a department admin picks a licence type, fills the
issue form (a wrong ID number first, refused on its field), issues the licence sealed by the unit's seal,
sees it in the list and downloads the OFD and the PDF as attachments."""

import pytest

from digigov.core.testing import PASSWORD, make_user, resident_id
from digigov.support.license.models import Licence
from digigov.support.license.testing import make_type

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest.importorskip("digigov.support.seal.documents", reason="seal.documents (sign_ofd/sign_pdf) not merged yet")


@pytest.mark.parametrize("width", [1280, 390])
def test_dept_admin_issues_and_downloads_a_licence(browser, live_server, shot, city, width):
    from digigov.support.seal.testing import make_seal

    make_seal(city.bureau)
    lt = make_type(city.bureau)
    make_user("dept_admin", username="deptadmin", department=city.bureau)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, "deptadmin", PASSWORD)

    page.goto("/workbench/support/licences/issue/")
    page.get_by_label("证照类型").select_option(lt.public_id)
    page.click("button:has-text('下一步')")
    page.fill("input[name=holder_name]", "张三")
    page.fill("input[name=holder_code]", "210602199001011230")
    page.fill("input[name=f_spouse_name]", "李四")
    page.fill("input[name=f_spouse_id_number]", resident_id())
    page.fill("input[name=f_register_date]", "2025-05-20")
    page.click("button:has-text('签发并盖章')")
    page.wait_for_selector(".errorlist")
    assert "身份证" in page.locator(".errorlist").first.inner_text() and not Licence.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.fill("input[name=holder_code]", resident_id())
    page.click("button:has-text('签发并盖章')")
    page.wait_for_selector("[data-licence-status]")
    lic = Licence.objects.get()
    assert page.locator("[data-licence-status]").inner_text() == "有效" and lic.identifier in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, f"licence-detail-{width}")

    for fmt, magic in (("ofd", b"PK"), ("pdf", b"%PDF")):
        with page.expect_download() as info:
            page.click(f"[data-download={fmt}]")
        download = info.value
        assert download.suggested_filename.endswith(f".{fmt}")
        with open(download.path(), "rb") as fh:
            assert fh.read(4).startswith(magic)

    page.goto("/workbench/support/licences/")
    assert "张三" in page.locator("table").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()
