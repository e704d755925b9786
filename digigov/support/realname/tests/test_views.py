"""The pages: 我的实名认证, the step-up page and its forms, the session level, the gates, H5, the daily-active page."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import Client, RequestFactory

from digigov.core.accounts.models import LoginEvent
from digigov.core.notify.testing import last_message_to
from digigov.core.testing import PASSWORD, logged_in_client
from digigov.support.realname import face, selectors
from digigov.support.realname.decorators import requires_realname
from digigov.support.realname.models import OneTimeCode, Verification

from .conftest import PHONE

pytestmark = pytest.mark.django_db


def _code(to=PHONE):
    return re.search(r"验证码为 (\d{6})", last_message_to(to)["text"]).group(1)


def _level(client):
    page = client.get("/realname/").content.decode()
    return re.search(r'id="session-level">([^<]+)<', page).group(1), re.search(r'id="account-level">([^<]+)<', page).group(1)


def test_my_page_shows_levels_and_the_steps(citizen):
    client = logged_in_client(citizen)
    r = client.get("/realname/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "我的实名认证" in html and "本次登录的实名等级" in html and "进行二级实名认证" in html
    assert _level(client) == ("一级实名", "一级实名")
    assert 'data-portal-nav="realname"' in html  # the portal menu entry in the header


def test_step_up_to_level_2_by_sms_and_back_to_next(citizen):
    client = logged_in_client(citizen)
    r = client.get("/realname/verify/?level=2&next=/h5/")
    assert r.status_code == 200 and "139****5678" in r.content.decode() and PHONE not in r.content.decode()
    r = client.post("/realname/verify/send/", {"channel": "sms", "level": "2", "next": "/h5/"})
    assert r.status_code == 302 and "sent=sms" in r["Location"] and "next=%2Fh5%2F" in r["Location"]
    r = client.get(r["Location"])
    assert "验证码已发送至 139****5678" in r.content.decode() and 'id="code-form"' in r.content.decode()
    r = client.post("/realname/verify/code/", {"channel": "sms", "code": _code(), "level": "2", "next": "/h5/"})
    assert r.status_code == 302 and r["Location"] == "/h5/"
    assert _level(client) == ("二级实名", "二级实名")


def test_step_up_by_email(citizen):
    client = logged_in_client(citizen)
    r = client.post("/realname/verify/send/", {"channel": "email", "email": "zs@example.cn", "level": "2"})
    assert r.status_code == 302
    r = client.post("/realname/verify/code/", {"channel": "email", "code": _code("zs@example.cn"), "level": "2"})
    assert r.status_code == 302 and r["Location"].startswith("/realname/verify/")
    assert _level(client)[0] == "二级实名"


def test_wrong_code_and_bad_email_are_field_errors(citizen):
    client = logged_in_client(citizen)
    r = client.post("/realname/verify/send/", {"channel": "email", "email": "nope", "level": "2"})
    assert r.status_code == 422 and "请输入有效的电子邮件地址" in r.content.decode()
    client.post("/realname/verify/send/", {"channel": "sms", "level": "2"})
    wrong = "000000" if _code() != "000000" else "111111"
    r = client.post("/realname/verify/code/", {"channel": "sms", "code": wrong, "level": "2"})
    assert r.status_code == 422 and "验证码错误，还可尝试 4 次" in r.content.decode()
    r = client.post("/realname/verify/send/", {"channel": "sms", "level": "2"})
    assert r.status_code == 429 and "秒后再重新获取" in r.content.decode()
    assert _level(client)[0] == "一级实名"


def test_next_is_validated_like_the_login(citizen):
    client = logged_in_client(citizen)
    client.post("/realname/verify/send/", {"channel": "sms", "level": "2"})
    r = client.post("/realname/verify/code/", {"channel": "sms", "code": _code(), "level": "2", "next": "https://evil.example/x"})
    assert r.status_code == 302 and r["Location"].startswith("/realname/verify/") and "evil" not in r["Location"]
    r = client.get("/realname/verify/?level=2&next=//evil.example/")
    assert r.status_code == 200  # already at level 2, but an outside next is not followed


def test_face_page_says_it_is_a_development_verifier_and_verifies(citizen):
    client = logged_in_client(citizen)
    html = client.get("/realname/verify/?level=3").content.decode()
    assert "开发用核验器：不进行真实人脸比对，仅用于演示和测试" in html
    assert 'accept="image/*"' in html and 'capture="user"' in html
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post("/realname/verify/face/", {"level": "3", "next": "/realname/", "photo": SimpleUploadedFile("me.png", face.make_png(), "image/png")})
    assert r.status_code == 302 and r["Location"] == "/realname/"
    assert _level(client) == ("三级实名", "三级实名")


def test_face_refuses_a_non_image_in_chinese(citizen):
    client = logged_in_client(citizen)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post("/realname/verify/face/", {"level": "3", "photo": SimpleUploadedFile("x.gif", b"GIF89a" + b"\0" * 64, "image/gif")})
    assert r.status_code == 422 and "仅支持 JPEG 或 PNG 格式的照片" in r.content.decode()
    r = client.post("/realname/verify/face/", {"level": "3"})
    assert r.status_code == 422 and "请拍摄或选择一张本人正面照片" in r.content.decode()
    assert Verification.objects.count() == 0


def test_face_upload_needs_csrf(citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post("/realname/verify/face/", {"level": "3", "photo": SimpleUploadedFile("me.png", face.make_png(), "image/png")})
    assert r.status_code == 403 and Verification.objects.count() == 0


def test_oversized_photo_is_refused_without_keeping_it(citizen, monkeypatch):
    from digigov.support.realname import uploads

    monkeypatch.setattr(uploads, "MAX_PHOTO_BYTES", 1000)
    client = logged_in_client(citizen)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post("/realname/verify/face/", {"level": "3", "photo": SimpleUploadedFile("me.png", face.make_png(400, 400) + b"\0" * 5000, "image/png")})
    assert r.status_code == 422 and "照片过大" in r.content.decode()


def test_a_new_login_starts_at_level_1(client, citizen):
    client.post("/accounts/login/", {"username": citizen.username, "password": PASSWORD})
    client.post("/realname/verify/send/", {"channel": "sms", "level": "2"})
    client.post("/realname/verify/code/", {"channel": "sms", "code": _code(), "level": "2"})
    assert _level(client)[0].startswith("二级")
    client.post("/accounts/login/", {"username": citizen.username, "password": PASSWORD})  # same browser, a new login
    assert _level(client) == ("一级实名", "二级实名")


def test_session_level_function(citizen):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    assert selectors.session_level(request) == 0
    request.user = citizen
    assert selectors.session_level(request) == 1
    request.session[selectors.SESSION_KEY] = {"uid": citizen.pk + 999, "level": 3}  # another account's: ignored
    assert selectors.session_level(request) == 1
    request.session[selectors.SESSION_KEY] = {"uid": citizen.pk, "level": 3}
    assert selectors.session_level(request) == 3


def test_staff_signed_in_with_totp_count_as_level_2(role_user):
    staff = role_user("city_admin")
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = staff
    staff.is_verified = lambda: False
    assert selectors.session_level(request) == 1
    staff.is_verified = lambda: True  # django-otp: this session passed the TOTP step
    assert selectors.session_level(request) == 2


def _gated(request):
    return HttpResponse("ok")


def test_requires_realname_redirects_to_the_step_up_page(citizen):
    view = requires_realname(2)(_gated)
    request = RequestFactory().get("/services/apply/?x=1")
    request.session = SessionStore()
    request.user = AnonymousUser()
    assert view(request)["Location"].startswith("/accounts/login/")
    request.user = citizen
    r = view(request)
    assert r.status_code == 302 and r["Location"] == "/realname/verify/?level=2&next=%2Fservices%2Fapply%2F%3Fx%3D1"
    request.session[selectors.SESSION_KEY] = {"uid": citizen.pk, "level": 2}
    assert view(request).content == b"ok"
    assert requires_realname(3)(_gated)(request)["Location"].startswith("/realname/verify/?level=3")
    post = RequestFactory().post("/services/apply/")
    post.session, post.user = SessionStore(), citizen
    assert requires_realname(2)(_gated)(post)["Location"] == "/realname/verify/?level=2"  # a POST target is no page to return to


def test_h5_sends_anonymous_to_the_one_login_and_counts_an_h5_login(client, citizen):
    r = client.get("/h5/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/?next=/h5/"
    r = client.post("/accounts/login/?next=/h5/", {"username": citizen.username, "password": PASSWORD, "next": "/h5/"})
    assert r.status_code == 302 and r["Location"] == "/h5/"
    assert LoginEvent.objects.get(user=citizen).channel == "h5"
    html = client.get("/h5/").content.decode()
    assert "您好，" in html and 'id="h5-account-level"' in html and "/realname/" in html


def test_activity_page_for_leaders_only(role_user, citizen):
    LoginEvent.objects.create(user=citizen, channel="h5")
    r = logged_in_client(role_user("leader")).get("/workbench/support/realname/activity/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="dau-today">1<' in html and "chart-dau" in html and "移动端" in html
    assert logged_in_client(citizen).get("/workbench/support/realname/activity/").status_code == 403


def test_no_code_or_phone_in_the_log(citizen, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    client = logged_in_client(citizen)
    client.post("/realname/verify/send/", {"channel": "sms", "level": "2"})
    code = _code()
    client.post("/realname/verify/code/", {"channel": "sms", "code": code, "level": "2"})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "139****5678" in text
    assert PHONE not in text and code not in text
    assert OneTimeCode.objects.count() == 1


def test_portal_menu_entries_are_separate_from_the_plans_systems(citizen, role_user):
    from digigov.core.accounts.models import User
    from digigov.core.registry import NAV
    from digigov.core.web.context import build_nav, portal_nav

    assert any(i.area == "portal" and i.url_name == "realname:mine" for i in NAV)
    urls = [link["url"] for link in portal_nav(citizen)]
    assert "/realname/" in urls and "/my/cases/" in urls  # 实名认证 among the portal apps
    assert portal_nav(AnonymousUser()) == []
    assert portal_nav(User.objects.create_user(username="norole", password=None, display_name="无角色")) == []  # no accounts.self
    systems = {s["key"]: s for layer in build_nav(citizen) for s in layer["systems"]}
    assert "realname" not in systems  # a portal entry is no system of the plan's navigation
