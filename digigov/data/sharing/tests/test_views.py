import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digigov.core.testing import logged_in_client, todo_queries
from digigov.data.sharing.actions import requests as actions
from digigov.data.sharing.models import ConsumerApp, RequestStatus, ShareRequest, Subscription
from digigov.data.sharing.testing import department_app, provider_entry, request_kwargs

pytestmark = pytest.mark.django_db
BASE = "/workbench/data/sharing"
TODAY = timezone.localdate()


def _approved(actors, world):
    req = actions.file_request(actors["consumer"], **request_kwargs(world["requester"], world["entry"], world["app"]))
    return actions.decide_request(actors["provider"], req, "approve")


def test_pages_render_in_chinese_for_every_viewer(actors, world):
    req = _approved(actors, world)
    sub = Subscription.objects.get(share_request=req)
    for who in ("consumer", "consumer_dept", "provider", "leader", "city_admin"):
        c = logged_in_client(actors[who])
        urls = ["/", f"/entries/{world['entry'].public_id}/", "/requests/", "/subscriptions/", "/apps/", "/stats/",
                f"/requests/{req.public_id}/", f"/subscriptions/{sub.public_id}/"]
        if who in ("provider",):
            urls.append("/review/")
        for url in urls:
            r = c.get(BASE + url)
            assert r.status_code == 200, (who, url, r.status_code)
            text = re.sub(r"<script.*?</script>|<[^>]+>", " ", r.content.decode(), flags=re.S)  # what a reader sees
            for raw in ("None", "submitted", "approved", "conditional", "share_request", "active"):
                assert raw not in text, (who, url, raw)
    body = logged_in_client(actors["consumer"]).get(f"{BASE}/subscriptions/{sub.public_id}/").content.decode()
    assert "学生姓名" in body and "明文" in body and "按分级脱敏" in body and "近30天调用次数" in body


def test_entry_page_shows_classification_badges_and_request_button(actors, world):
    body = logged_in_client(actors["consumer"]).get(f"{BASE}/entries/{world['entry'].public_id}/").content.decode()
    assert "公民身份号码" in body and "敏感个人信息" in body or "个人信息" in body
    assert "申请共享" in body
    # the provider cannot ask for its own entry, the leader cannot file at all: no button
    for who in ("provider", "leader"):
        assert "申请共享</a>" not in logged_in_client(actors[who]).get(f"{BASE}/entries/{world['entry'].public_id}/").content.decode()


def test_request_form_files_and_the_provider_narrows(actors, world):
    c = logged_in_client(actors["consumer"])
    url = f"{BASE}/entries/{world['entry'].public_id}/request/"
    page = c.get(url).content.decode()
    assert 'name="fields" value="sfzh"' in page and "公民身份号码" in page
    data = {"requester": world["requester"].pk, "app": world["app"].pk, "fields": ["xm", "sfzh", "xx"], "clear_fields": ["sfzh"],
            "purpose": "学生资助核验", "basis": "《学生资助资金管理办法》", "period_start": TODAY.isoformat(),
            "period_end": (TODAY + dt.timedelta(days=300)).isoformat()}
    bad = c.post(url, data | {"fields": ["xm"], "clear_fields": ["nj"]})
    assert bad.status_code == 400 and "明文信息项必须是申请的信息项" in bad.content.decode()
    assert not ShareRequest.objects.exists()
    r = c.post(url, data)
    assert r.status_code == 302
    req = ShareRequest.objects.get()
    p = logged_in_client(actors["provider"])
    detail = p.get(f"{BASE}/requests/{req.public_id}/").content.decode()
    assert "提交审核结论" in detail and "撤回申请" not in detail
    assert "提交审核结论" not in c.get(f"{BASE}/requests/{req.public_id}/").content.decode()
    not_narrower = p.post(f"{BASE}/requests/{req.public_id}/decide/", {"decision": "narrow", "fields": ["xm", "sfzh", "xx"],
                                                                       "clear_fields": ["sfzh"]})
    assert not_narrower.status_code == 400 and "部分同意须减少" in not_narrower.content.decode()
    r = p.post(f"{BASE}/requests/{req.public_id}/decide/", {"decision": "narrow", "fields": ["xm", "xx"], "reply": "最小必要"})
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.NARROWED and req.approved_fields == ["xm", "xx"]
    detail = c.get(f"{BASE}/requests/{req.public_id}/").content.decode()
    assert "部分同意" in detail and "查看共享授权" in detail and "提出共享申请" in detail


def test_secret_shown_once_on_create(actors, city):
    c = logged_in_client(actors["consumer_dept"])
    r = c.post(f"{BASE}/apps/new/", {"department": city.bureau.pk, "name": "受理系统", "rate_limit": 20, "daily_quota": 1000})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    app = ConsumerApp.objects.get(name="受理系统")
    secret = app.secret
    assert secret in r.content.decode() and "只在本页显示这一次" in r.content.decode()
    assert secret not in c.get(f"{BASE}/apps/{app.public_id}/").content.decode()
    assert secret not in c.get(f"{BASE}/apps/").content.decode()
    r = c.post(f"{BASE}/apps/{app.public_id}/rotate/")
    app.refresh_from_db()
    assert app.secret != secret and app.secret in r.content.decode()
    r = c.post(f"{BASE}/apps/{app.public_id}/status/", {"status": "suspended", "reason": "停用"})
    app.refresh_from_db()
    assert r.status_code == 302 and app.status == "suspended"


def test_controls_hidden_from_those_who_may_not_use_them(actors, world):
    leader = logged_in_client(actors["leader"])
    assert "创建调用应用" not in leader.get(f"{BASE}/apps/").content.decode()
    assert "更换密钥</button>" not in leader.get(f"{BASE}/apps/{world['app'].public_id}/").content.decode()
    assert "待我审核" not in leader.get(f"{BASE}/").content.decode()
    assert leader.get(f"{BASE}/review/").status_code == 403
    assert logged_in_client(actors["outsider"]).get(f"{BASE}/apps/{world['app'].public_id}/").status_code == 404


def test_list_pages_query_counts_are_pinned(actors, world, city, django_assert_max_num_queries):
    user = actors["leader"]
    c = logged_in_client(user)
    for n in range(PAGE_ROWS := 8):
        entry = provider_entry(city.other_bureau, name=f"条目{n}")
        app = department_app(actors["consumer"], city.bureau, f"应用{n}")
        req = actions.file_request(actors["consumer"], **request_kwargs(city.bureau, entry, app))
        if n % 2:
            actions.decide_request(actors["provider"], req, "approve")
    extra = todo_queries(user)
    for url, pin in (("/", 12), ("/requests/", 10), ("/subscriptions/", 10), ("/apps/", 10), ("/stats/", 16)):
        c.get(BASE + url)
        with django_assert_max_num_queries(pin + extra):
            r = c.get(BASE + url)
        assert r.status_code == 200
    # flat: more rows, same count
    with CaptureQueriesContext(connection) as few:
        c.get(f"{BASE}/requests/")
    for n in range(4):
        entry = provider_entry(city.other_bureau, name=f"更多{n}")
        actions.file_request(actors["consumer"], **request_kwargs(city.bureau, entry, world["app"]))
    with CaptureQueriesContext(connection) as many:
        c.get(f"{BASE}/requests/")
    assert len(many) == len(few)
    assert PAGE_ROWS


def test_catalog_search_keeps_only_shareable(actors, world, city):
    provider_entry(city.other_bureau, sharing_type="none", name="学生心理健康档案")
    c = logged_in_client(actors["consumer"])
    body = c.get(f"{BASE}/").content.decode()
    assert "学生学籍信息" in body and "学生心理健康档案" not in body
    body = c.get(f"{BASE}/?q=学生").content.decode()
    assert "学生心理健康档案" not in body


def test_review_todo_counts_the_queue(actors, world):
    from digigov.core.registry import TODOS

    actions.file_request(actors["consumer"], **request_kwargs(world["requester"], world["entry"], world["app"]))
    todo = TODOS["sharing.review"]
    assert todo.count(actors["provider"]) == 1 and todo.count(actors["outsider"]) == 0 and todo.count(actors["consumer"]) == 0


def test_date_inputs_carry_iso_values(actors, world):
    page = logged_in_client(actors["consumer"]).get(f"{BASE}/entries/{world['entry'].public_id}/request/").content.decode()
    assert f'type="date" name="period_start" value="{TODAY.isoformat()}"' in page
