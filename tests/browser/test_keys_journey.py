"""The security officer rotates the personal-data key and re-encrypts every person to 100 %, in a real
browser, on a desktop and on a 390 px phone; the people stay readable throughout."""

import pytest

from digigov.core.accounts import actions as accounts
from digigov.core.accounts.models import NaturalPerson
from digigov.core.testing import PASSWORD, make_user, resident_id

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_officer_rotates_the_pii_key_and_reencrypts_to_100_percent(page, shot, city, viewport):
    clerk = make_user("window_clerk", division=city.county_a)
    people = [accounts.register_person(clerk, id_number=resident_id(seq=400 + i), name="居民", division=city.village_a,
                                       phone=f"1390000{i:04d}", address=f"兴东社区{i}号") for i in range(6)]
    make_user("security_officer", username="secofficer")
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() of data-confirm
    login(page, "secofficer", PASSWORD)
    page.goto("/workbench/security/keys/")
    card = page.locator('.key-purpose[data-purpose="pii"]')
    assert "个人信息字段加密" in card.inner_text() and "第 1 版" in card.inner_text()
    assert page.locator('.key-purpose[data-purpose="pii.blind_index"]').get_by_text("不能在线轮换").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, f"keys-before-{width}")

    card.get_by_role("button", name="轮换密钥").click()
    page.wait_for_load_state("networkidle")
    assert "已轮换" in page.content()
    card = page.locator('.key-purpose[data-purpose="pii"]')
    assert "已轮换（仅解密）" in card.inner_text()
    assert card.locator("tr.coverage").first.inner_text().split()[-1] == "0.0%"  # nothing on version 2 yet

    card.get_by_role("button", name="重新加密旧数据").click()
    page.wait_for_load_state("networkidle")
    assert "已发起重新加密" in page.content()
    card = page.locator('.key-purpose[data-purpose="pii"]')
    progress = card.locator(".reencrypt-progress")
    progress.locator('[data-state="done"]').wait_for()
    assert progress.locator(".percent").inner_text() == "100%"
    assert progress.locator("progress").get_attribute("value") == "100"
    for row in card.locator("tr.coverage").all():
        assert row.inner_text().split()[-1] == "100.0%"
    assert card.get_by_role("button", name="重新加密旧数据").count() == 0  # nothing left behind
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, f"keys-after-{width}")
    for p in people:
        fresh = NaturalPerson.objects.get(pk=p.pk)
        assert (fresh.id_number, fresh.phone, fresh.address) == (p.id_number, p.phone, p.address)
