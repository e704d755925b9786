"""A citizen steps up from level 1 to 2 (SMS code read from the outbox) and 3 (a generated PNG as the face
photo), on a desktop and on a 390 px phone."""

import re

import pytest

from digigov.core.notify.testing import last_message_to
from digigov.core.testing import PASSWORD
from digigov.support.realname.face import make_png
from digigov.support.realname.tests.conftest import PHONE, make_citizen

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_citizen_steps_up_to_level_3(page, shot, city, settings, tmp_path, viewport):
    settings.DIGIGOV_OUTBOX_DIR = str(tmp_path / "outbox")
    settings.DIGIGOV_SMS_SENDER = "digigov.core.notify.senders.FileSender"
    settings.DIGIGOV_FACE_VERIFIER = "digigov.support.realname.face.DevelopmentFaceVerifier"
    make_citizen(city, username="wangwu")
    page.set_viewport_size(viewport)
    name = "desktop" if viewport["width"] > 400 else "phone"
    login(page, "wangwu", PASSWORD)
    page.click("header a[data-portal-nav=realname]")
    page.wait_for_url("**/realname/")
    assert page.locator("#session-level").inner_text() == "一级实名"
    assert _fits(page)
    shot(page, f"realname-mine-{name}")

    page.click("text=进行二级实名认证")
    assert "139****5678" in page.content() and PHONE not in page.content()
    page.click("#send-sms")
    page.wait_for_load_state("networkidle")
    assert "验证码已发送至 139****5678" in page.content()
    code = re.search(r"验证码为 (\d{6})", last_message_to(PHONE, tmp_path / "outbox")["text"]).group(1)
    page.fill("input[name=code]", code)
    assert _fits(page)
    shot(page, f"realname-code-{name}")
    page.click("#check-code")
    page.wait_for_load_state("networkidle")
    assert "本次登录已达到二级实名" in page.content()

    page.goto("/realname/verify/?level=3&next=/realname/")
    assert "开发用核验器：不进行真实人脸比对，仅用于演示和测试" in page.locator("#face-notice").inner_text()
    photo = page.locator("input[name=photo]")
    assert photo.get_attribute("accept") == "image/*" and photo.get_attribute("capture") == "user"
    assert _fits(page)
    shot(page, f"realname-face-{name}")
    photo.set_input_files({"name": "me.png", "mimeType": "image/png", "buffer": make_png(240, 320)})
    page.click("#check-face")
    page.wait_for_url("**/realname/")
    assert page.locator("#session-level").inner_text() == "三级实名"
    assert page.locator("#account-level").inner_text() == "三级实名"
    assert page.locator("table").inner_text().count("人脸核验") == 1
    assert _fits(page)
    shot(page, f"realname-done-{name}")


def test_a_gif_is_refused_in_chinese(page, city, settings, tmp_path):
    settings.DIGIGOV_FACE_VERIFIER = "digigov.support.realname.face.DevelopmentFaceVerifier"
    make_citizen(city, username="zhaoliu")
    login(page, "zhaoliu", PASSWORD)
    page.goto("/realname/verify/?level=3")
    page.locator("input[name=photo]").set_input_files({"name": "x.gif", "mimeType": "image/gif", "buffer": b"GIF89a" + b"\0" * 200})
    page.click("#check-face")
    page.wait_for_load_state("networkidle")
    assert "仅支持 JPEG 或 PNG 格式的照片" in page.content()


def test_h5_login_lands_on_the_mobile_entry(page, city):
    make_citizen(city, username="sunqi")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/h5/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "sunqi")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('登录')")
    page.wait_for_url("**/h5/")
    assert page.locator("#h5-account-level").inner_text() == "一级实名"
    assert _fits(page)


def test_activity_chart_draws(page, shot, city):
    import datetime as dt

    from django.utils import timezone

    from digigov.core.accounts.models import LoginEvent
    from digigov.core.testing import make_user

    make_user("leader", username="leader9")
    people = [make_user("citizen") for _ in range(3)]
    for i, u in enumerate(people):
        for d in range(i * 3 + 1):
            LoginEvent.objects.create(user=u, channel=("portal", "h5", "h5")[i], at=timezone.now() - dt.timedelta(days=d))
    login(page, "leader9", PASSWORD)
    page.goto("/workbench/support/realname/activity/")
    page.wait_for_selector("[data-chart=chart-dau] canvas")
    assert page.locator("#dau-today").inner_text() == "4"  # three citizens and the leader signing in now
    shot(page, "realname-activity")
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
