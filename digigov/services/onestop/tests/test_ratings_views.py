"""好差评 pages and API: the phone-first rating page, refusals shown in Chinese with nothing written, the staff
list's pinned query count, the rectification reply/visit forms, the statistics page and its drill-down, exports."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from digigov.core.testing import logged_in_client
from digigov.services.onestop.actions import ratings as actions
from digigov.services.onestop.models import ApplicationStatus, Rating, RectificationStatus
from digigov.services.onestop.testing import item_with_process

from .ratings_fixtures import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(city, role_user):
    return item_with_process(city, user=role_user("city_admin"), name="个体工商户设立登记")


@pytest.fixture
def citizen(role_user):
    return role_user("citizen")


def test_rate_page_posts_a_rating_and_refuses_in_chinese(item, citizen, role_user):
    app = make_application(item, citizen, status=ApplicationStatus.DONE)
    web = logged_in_client(citizen)
    url = reverse("ratings:rate", args=[app.public_id])
    page = web.get(url).content.decode()
    assert page.count('name="level"') == 5 and "非常满意" in page and "非常不满意" in page and 'name="reasons"' in page
    r = web.post(url, {"level": "2", "comment": "太慢"})  # poor without a reason
    assert r.status_code == 422 and "差评请至少选择一项原因" in r.content.decode() and not Rating.objects.exists()
    assert "太慢" in r.content.decode()  # what was typed is kept
    r = web.post(url, {"level": "2", "reasons": ["P04"], "comment": "太慢"}, HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile")
    assert r.status_code == 302 and r["Location"] == reverse("ratings:mine")
    rating = Rating.objects.get()
    assert rating.channel == "mobile" and rating.rectification.status == RectificationStatus.OPEN
    again = web.get(url).content.decode()
    assert "您已评价" in again and 'name="level"' not in again
    assert web.post(url, {"level": "5"}).status_code == 409 and Rating.objects.count() == 1
    mine = web.get(reverse("ratings:mine")).content.decode()
    assert "不满意" in mine and "待整改" in mine and "超过承诺时限未办结" in mine
    draft = make_application(item, citizen, status=ApplicationStatus.SUBMITTED)
    page = web.get(reverse("ratings:rate", args=[draft.public_id])).content.decode()
    assert 'id="not-ready"' in page and 'name="level"' not in page
    # somebody else's application answers 404, as a missing one
    assert logged_in_client(role_user("citizen")).get(url).status_code == 404


def test_staff_list_is_scoped_and_its_queries_pinned(item, city, role_user, django_assert_max_num_queries):
    viewer = role_user("dept_admin")
    web = logged_in_client(viewer)
    for _ in range(2):
        u = role_user("citizen")
        actions.rate(u, application=make_application(item, u, status=ApplicationStatus.DONE), level=1, reasons=["P05"])
    web.get(reverse("ratings:staff"))
    with django_assert_max_num_queries(20) as few:
        r = web.get(reverse("ratings:staff"))
    assert r.status_code == 200
    for _ in range(6):
        u = role_user("citizen")
        actions.rate(u, application=make_application(item, u, status=ApplicationStatus.DONE), level=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = web.get(reverse("ratings:staff"))
    assert r.content.decode().count("data-rating=") == 8
    assert web.get(reverse("ratings:staff") + "?poor=1").content.decode().count("data-rating=") == 2
    other = logged_in_client(role_user("dept_admin", department=city.other_bureau))
    assert other.get(reverse("ratings:staff")).content.decode().count("data-rating=") == 0
    # exports of what the viewer sees
    csv_text = b"".join(web.get(reverse("ratings:export_csv") + "?poor=1").streaming_content).decode()
    assert csv_text.count("\n") == 3 and "评价编号" in csv_text
    data = json.loads(b"".join(web.get(reverse("ratings:export_json")).streaming_content))
    assert len(data) == 8
    assert json.loads(b"".join(other.get(reverse("ratings:export_json")).streaming_content)) == []


def test_rectification_reply_and_visit_forms(item, citizen, role_user, city):
    rect = actions.rate(citizen, application=make_application(item, citizen, status=ApplicationStatus.DONE), level=2,
                        reasons=["P01"]).rectification
    dept = logged_in_client(role_user("dept_admin"))
    queue = dept.get(reverse("ratings:rect_queue")).content.decode()
    assert rect.public_id in queue and "待整改" in queue
    detail = dept.get(reverse("ratings:rect", args=[rect.public_id])).content.decode()
    assert 'id="reply-form"' in detail and 'id="visit-form"' not in detail
    r = dept.post(reverse("ratings:rect_reply", args=[rect.public_id]), {"reply": ""})
    assert r.status_code == 422 and "请填写整改情况" in r.content.decode()
    r = dept.post(reverse("ratings:rect_reply", args=[rect.public_id]), {"reply": "已修订办事指南"})
    assert r.status_code == 302
    admin = logged_in_client(role_user("city_admin"))
    detail = admin.get(reverse("ratings:rect", args=[rect.public_id])).content.decode()
    assert 'id="visit-form"' in detail and 'id="reply-form"' not in detail and "已修订办事指南" in detail
    r = admin.post(reverse("ratings:rect_visit", args=[rect.public_id]), {"satisfied": "yes", "note": "申请人满意"})
    assert r.status_code == 302
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.CLOSED
    # another department's admin cannot reach the ticket
    other = logged_in_client(role_user("dept_admin", department=city.other_bureau))
    assert other.get(reverse("ratings:rect", args=[rect.public_id])).status_code == 404


def test_stats_page_and_drill_down(item, citizen, role_user):
    actions.rate(citizen, application=make_application(item, citizen, status=ApplicationStatus.DONE), level=4)
    web = logged_in_client(role_user("city_admin"))
    page = web.get(reverse("ratings:stats")).content.decode()
    assert "网上受理率" in page and "满意率" in page and item.department.name in page
    for dim in ("item", "hall", "bogus"):
        assert web.get(reverse("ratings:stats") + f"?dim={dim}&from=bad&to=2026-13-01").status_code == 200
    rows = web.get(reverse("ratings:stats_rows") + f"?metric=participation&dim=department&key={item.department.public_id}").content.decode()
    assert 'id="rows-summary"' in rows and "计入分子 1 / 分母 1" in rows
    rows = web.get(reverse("ratings:stats_rows") + "?metric=satisfaction&dim=item&key=" + item.code).content.decode()
    assert "满意" in rows and item.name in rows
    assert logged_in_client(citizen).get(reverse("ratings:stats")).status_code == 403


def test_api_rate_list_and_stats(item, citizen, role_user):
    app = make_application(item, citizen, status=ApplicationStatus.DONE)
    api = logged_in_client(citizen)
    r = api.post("/api/v1/services/ratings/", {"application": app.public_id, "level": 1, "reasons": ["Z01"]}, content_type="application/json")
    assert r.status_code == 422 and not Rating.objects.exists()
    r = api.post("/api/v1/services/ratings/", {"application": app.public_id, "level": 1, "reasons": ["P02"]}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["level_label"] == "非常不满意" and body["rectification"]["status"] == "open"
    r = api.post("/api/v1/services/ratings/", {"application": app.public_id, "level": 5}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "already_rated"
    assert api.get("/api/v1/services/ratings/mine").json()["count"] == 1
    dept = logged_in_client(role_user("dept_admin"))
    rect_id = body["rectification"]["public_id"]
    r = dept.post("/api/v1/services/ratings/rectifications/reply", {"rectification": rect_id, "reply": "已整改"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "replied"
    stats = dept.get("/api/v1/services/stats/?dimension=item").json()
    assert stats["total"]["ratings"] == 1 and stats["total"]["satisfaction"] == 0.0 and stats["groups"][0]["key"] == item.code
