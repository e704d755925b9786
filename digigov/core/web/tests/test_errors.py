"""Error pages in Chinese in the site's layout (JSON under /api/), and POST/redirect/GET for invalid forms."""

import pytest
from django import forms
from django.test import Client, RequestFactory

from digigov.core.web import forms as web_forms
from digigov.core.web import views


def test_unknown_page_is_a_chinese_404_in_the_layout(client, db):
    r = client.get("/no/such/page/")
    page = r.content.decode()
    assert r.status_code == 404
    assert "页面不存在" in page and 'class="top"' in page and "Not Found" not in page
    assert "not_found" not in page  # no raw error code


def test_unknown_api_path_stays_json(client, db):
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_permission_denied_handler_is_chinese_and_json_for_the_api(rf, db):
    from django.contrib.auth.models import AnonymousUser

    req = rf.get("/somewhere/")
    req.user = AnonymousUser()
    r = views.permission_denied(req)
    assert r.status_code == 403 and "无权访问" in r.content.decode()
    r = views.permission_denied(rf.get("/api/v1/x"))
    assert r.status_code == 403 and b'"forbidden"' in r.content


def test_csrf_failure_page_is_chinese_and_does_not_mention_debug(role_user):
    c = Client(enforce_csrf_checks=True)
    c.force_login(role_user("citizen"))
    r = c.post("/accounts/password/", {"old_password": "x"})
    page = r.content.decode()
    assert r.status_code == 403 and "页面已过期" in page and "DEBUG" not in page and 'class="top"' in page


def test_server_error_page_needs_no_database(rf):
    req = rf.get("/workbench/")  # no db fixture: any query, session or context processor would raise
    req.request_id = "abc123def456"
    r = views.server_error(req)
    assert r.status_code == 500 and "系统繁忙" in r.content.decode() and "abc123def456" in r.content.decode()
    r = views.server_error(rf.get("/api/v1/me"))
    assert r.status_code == 500 and b'"server_error"' in r.content


def test_a_crashing_view_gets_the_chinese_500(monkeypatch, role_user):
    def boom(request):
        raise RuntimeError("boom")

    from digigov.core.web import urls

    monkeypatch.setattr(urls.urlpatterns[0], "callback", boom)  # the portal
    r = Client(raise_request_exception=False).get("/")
    assert r.status_code == 500 and "系统繁忙" in r.content.decode()


# --- POST/redirect/GET --------------------------------------------------------------------------
class _Form(forms.Form):
    name = forms.CharField(max_length=5)
    secret = forms.CharField(widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("name") == "bad":
            raise forms.ValidationError("整体不通过", code="whole")
        return data


@pytest.fixture
def session_request(rf):
    from django.contrib.sessions.backends.db import SessionStore

    def make(method, path, data=None, session=None):
        req = rf.post(path, data or {}) if method == "POST" else rf.get(path)
        req.session = session if session is not None else SessionStore()
        return req

    return make


def test_keep_invalid_redirects_here_and_never_keeps_the_password(session_request, db):
    req = session_request("POST", "/form/?a=1", {"name": "toolong", "secret": "hunter2-secret"})
    form = web_forms.bind(req, _Form)
    assert not form.is_valid()
    r = web_forms.keep_invalid(req, form)
    assert r.status_code == 302 and r["Location"] == "/form/?a=1"
    assert "hunter2" not in str(dict(req.session))
    again = web_forms.bind(session_request("GET", "/form/?a=1", session=req.session), _Form)
    assert again.is_bound and again["name"].value() == "toolong" and not again["secret"].value()
    assert set(again.errors) == {"name"}  # errors as they were
    html = str(again)
    assert "toolong" in html and "hunter2" not in html
    fresh = web_forms.bind(session_request("GET", "/form/?a=1", session=req.session), _Form)
    assert not fresh.is_bound  # shown once: a reload gives the empty form


def test_keep_invalid_keeps_form_wide_errors_and_can_send_elsewhere(session_request, db):
    req = session_request("POST", "/items/1/decide/", {"name": "bad", "secret": "s"})
    form = web_forms.bind(req, _Form)
    assert not form.is_valid()
    r = web_forms.keep_invalid(req, form, to="/items/1/")
    assert r["Location"] == "/items/1/"
    assert not web_forms.bind(session_request("GET", "/items/2/", session=req.session), _Form).is_bound
    again = web_forms.bind(session_request("GET", "/items/1/", session=req.session), _Form)
    assert again.non_field_errors() == ["整体不通过"]


def test_fields_a_form_marks_never_kept_stay_out_of_the_session(session_request, db):
    class PersonalForm(_Form):
        never_kept = ("name",)

    req = session_request("POST", "/p/", {"name": "110101199003070000", "secret": "x"})
    form = web_forms.bind(req, PersonalForm)
    assert not form.is_valid()
    web_forms.keep_invalid(req, form)
    assert "110101199003070000" not in str(dict(req.session))
    assert "name" in web_forms.bind(session_request("GET", "/p/", session=req.session), PersonalForm).errors


def test_a_post_only_address_opened_directly_gets_a_chinese_405(client, role_user):
    client.force_login(role_user("citizen"))
    r = client.get("/accounts/logout/")
    assert r.status_code == 405 and r["Allow"] == "POST"
    assert "无法打开此页面" in r.content.decode() and 'class="top"' in r.content.decode()
