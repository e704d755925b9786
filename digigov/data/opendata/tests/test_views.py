"""The public portal: Chinese search and filters, the dataset page (masked preview, chart), downloads in
three formats checked by content, 有条件开放 gating, the developer centre (secret shown once), staff pages
with the privacy check's result, and query-count pins."""

import csv
import datetime
import io
import json

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from digigov.core.testing import logged_in_client, resident_id
from digigov.data.opendata.actions import datasets as ds_actions
from digigov.data.opendata.actions import portal
from digigov.data.opendata.models import OpenDataset
from digigov.data.sharing.models import ConsumerApp, Subscription

from .factories import person_entry, school_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(role_user):
    return role_user("data_admin")


@pytest.fixture
def ds(city, admin):
    return ds_actions.open_dataset(admin, school_entry(city.bureau, user=admin), keywords=["义务教育"])[0]


@pytest.fixture
def masked(city, admin):
    """A conditional dataset with sealed names and ID numbers (k passes: one shared quasi-identifier value)."""
    from digigov.data.catalog.testing import create_dataset, make_entry

    entry = make_entry(city.bureau, [{"name": "姓名", "field_name": "xm", "personal": 1}, {"name": "身份证号", "field_name": "sfzh", "personal": 1,
                                                                                       "format": "resident_id"},
                                     {"name": "服务类型", "field_name": "fwlx", "length": 20}],
                       name="助餐服务登记", open_type="conditional", personal=1)
    rows = [{"xm": "张三丰", "sfzh": resident_id(seq=7), "fwlx": "助餐" if i % 2 else "助浴"} for i in range(10)]
    create_dataset(entry, rows, user=admin)
    return ds_actions.open_dataset(admin, entry)[0], rows


def test_home_and_catalogue_public(ds):
    c = Client()
    r = c.get("/open/")
    assert r.status_code == 200 and "示范市中小学校名录" in r.content.decode()
    r = c.get("/open/datasets/", {"q": "学校"})
    assert r.status_code == 200 and f"/open/datasets/{ds.name}/" in r.content.decode()
    r = c.get("/open/datasets/", {"q": "义务教育"})  # a keyword
    assert f"/open/datasets/{ds.name}/" in r.content.decode()
    r = c.get("/open/datasets/", {"q": "交通"})
    assert f"/open/datasets/{ds.name}/" not in r.content.decode()


@pytest.mark.parametrize("params", [{"after": "zz"}, {"q": "学校", "after": "x|y"}, {"category": "abc"}, {"department": "-1"},
                                    {"open_type": "<script>"}, {"q": "' OR 1=1 --"}, {"q": "学校\x00"}])
def test_catalogue_junk_is_never_a_500(ds, params):
    r = Client().get("/open/datasets/", params)
    assert r.status_code in (200, 400)  # a NUL byte is refused by the platform's request filter


def test_filters(city, ds, admin):
    other = ds_actions.open_dataset(admin, school_entry(city.bureau, user=admin, name="校外培训机构名录", open_type="conditional"))[0]
    body = Client().get("/open/datasets/", {"open_type": "conditional"}).content.decode()
    assert other.name in body and f"/open/datasets/{ds.name}/" not in body
    body = Client().get("/open/datasets/", {"q": "学校", "open_type": "unconditional"}).content.decode()
    assert f"/open/datasets/{ds.name}/" in body and other.name not in body
    body = Client().get("/open/datasets/", {"department": city.other_bureau.pk}).content.decode()
    assert ds.name not in body


def test_keyset_pages(city, admin):
    for i in range(23):
        ds_actions.open_dataset(admin, school_entry(city.bureau, user=admin, n=15, name=f"学校名录{i}"), name=f"school-{i}")
    c = Client()
    first = c.get("/open/datasets/").context
    assert len(first["rows"]) == 20 and first["next_url"]
    second = c.get("/open/datasets/" + first["next_url"]).context
    assert len(second["rows"]) == 3
    assert not {d.pk for d in first["rows"]} & {d.pk for d in second["rows"]}


def test_dataset_page_preview_and_chart(ds):
    r = Client().get(f"/open/datasets/{ds.name}/")
    body = r.content.decode()
    assert r.status_code == 200 and "第1中学" in body and "data-chart" in body
    assert r.context["chart"]["series"][0]["data"] == [10, 10, 10]
    assert Client().get("/open/datasets/no-such-thing/").status_code == 404


def test_downloads_unconditional(ds):
    c = Client()
    r = c.get(f"/open/datasets/{ds.name}/download.csv")
    raw = b"".join(r.streaming_content)
    assert r.status_code == 200 and raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["学校名称", "所在区域", "学生人数"] and len(rows) == 31 and rows[1][0] == "第1中学"
    r = c.get(f"/open/datasets/{ds.name}/download.json")
    body = json.loads(b"".join(r.streaming_content))
    assert len(body["rows"]) == 30 and body["rows"][0]["xxmc"] == "第1中学"
    r = c.get(f"/open/datasets/{ds.name}/download.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    values = list(wb.active.iter_rows(values_only=True))
    assert values[0] == ("学校名称", "所在区域", "学生人数") and len(values) == 31
    assert c.get(f"/open/datasets/{ds.name}/download.exe").status_code == 404
    ds.refresh_from_db()
    assert ds.download_count == 3


def test_conditional_not_downloadable_until_approved_and_masked(masked, role_user):
    ds, rows = masked
    dev = role_user("citizen")
    assert Client().get(f"/open/datasets/{ds.name}/download.csv").status_code == 403
    assert logged_in_client(dev).get(f"/open/datasets/{ds.name}/download.csv").status_code == 403
    # the page's preview is masked for everyone
    page = Client().get(f"/open/datasets/{ds.name}/").content.decode()
    assert rows[0]["sfzh"] not in page and "张**" in page
    from digigov.data.sharing.actions.apps import create_app

    app, _ = create_app(dev, kind="developer", name="助餐查询")
    today = timezone.localdate()
    a = portal.apply(dev, ds, app, purpose="研究", intended_use="统计分析", period_start=today, period_end=today + datetime.timedelta(days=30))
    assert logged_in_client(dev).get(f"/open/datasets/{ds.name}/download.csv").status_code == 403
    portal.decide_application(role_user("dept_admin"), a, decision="approved")
    r = logged_in_client(dev).get(f"/open/datasets/{ds.name}/download.csv")
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    assert r.status_code == 200
    parsed = list(csv.reader(io.StringIO(text)))
    sfzh = rows[0]["sfzh"]
    assert parsed[1][:2] == ["张**", sfzh[:6] + "********" + sfzh[-4:]]
    assert sfzh not in text


def test_developer_centre_secret_shown_once(ds, role_user):
    dev = role_user("citizen")
    c = logged_in_client(dev)
    assert c.get("/open/developer/").status_code == 200
    r = c.post("/open/developer/apps/new/", {"name": "学校查询", "description": ""})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]  # the secret never lands in a cache
    app = ConsumerApp.objects.get(owner=dev)
    assert app.secret in r.content.decode()
    assert app.secret not in c.get("/open/developer/").content.decode()
    assert c.post("/open/developer/apps/new/", {"name": ""}).status_code == 400
    r = c.post(f"/open/datasets/{ds.name}/call/", {"app": app.public_id})
    assert r.status_code == 302 and Subscription.objects.filter(app=app, entry=ds.entry).exists()
    r = c.post(f"/open/developer/apps/{app.public_id}/rotate/")
    app.refresh_from_db()
    assert r.status_code == 200 and app.secret in r.content.decode() and "no-store" in r["Cache-Control"]


def test_anonymous_and_staff_cannot_use_developer_pages(ds, admin):
    assert Client().get("/open/developer/").status_code == 302
    assert logged_in_client(admin).get("/open/developer/").status_code == 403
    body = logged_in_client(admin).get(f"/open/datasets/{ds.name}/").content.decode()
    assert "申请调用" not in body and "开通接口调用" not in body and 'name="score"' not in body


def test_rating_and_comment_pages(ds, role_user):
    c = logged_in_client(role_user("citizen"))
    assert c.post(f"/open/datasets/{ds.name}/rate/", {"score": "5"}).status_code == 302
    assert c.post(f"/open/datasets/{ds.name}/rate/", {"score": "9"}).status_code == 302
    assert c.post(f"/open/datasets/{ds.name}/comment/", {"body": "很好用"}).status_code == 302
    ds.refresh_from_db()
    assert ds.rating_count == 1 and ds.rating == 5
    assert "很好用" in Client().get(f"/open/datasets/{ds.name}/").content.decode()


def test_staff_open_page_shows_privacy_result(city, admin):
    rows = [{"xm": f"李{i}", "nl": str(20 + i), "jzdz": f"元宝区兴东街道{i}号", "fwlx": "助餐"} for i in range(12)]
    entry = person_entry(city.bureau, rows, user=admin)
    c = logged_in_client(admin)
    assert entry.name in c.get("/workbench/data/open/").content.decode()
    r = c.post(f"/workbench/data/open/entries/{entry.public_id}/open/", {"name": "yanglao", "license": "odc-gov-cn", "qi": ["xm", "nl", "jzdz"]})
    body = r.content.decode()
    assert r.status_code == 422 and "泛化建议" in body and "李" not in body.split('id="privacy-result"')[1].split("</div>")[0]
    assert not OpenDataset.objects.exists()


def test_staff_open_then_withdraw(city, admin):
    entry = school_entry(city.bureau, user=admin)
    c = logged_in_client(admin)
    r = c.post(f"/workbench/data/open/entries/{entry.public_id}/open/", {"name": "schools", "license": "odc-gov-cn", "keywords": "学校"})
    assert r.status_code == 302
    ds = OpenDataset.objects.get()
    assert c.post(f"/workbench/data/open/datasets/{ds.public_id}/", {"op": "withdraw", "reason": ""}).status_code == 422
    assert c.post(f"/workbench/data/open/datasets/{ds.public_id}/", {"op": "withdraw", "reason": "更正"}).status_code == 302
    assert Client().get("/open/datasets/schools/").status_code == 404


def test_query_pins(city, admin, django_assert_max_num_queries):
    for i in range(15):
        d = ds_actions.open_dataset(admin, school_entry(city.bureau, user=admin, n=15, name=f"学校名录{i}"), name=f"school-{i}")[0]
    c = Client()
    with django_assert_max_num_queries(12):
        assert c.get("/open/").status_code == 200
    with django_assert_max_num_queries(8):
        assert c.get("/open/datasets/").status_code == 200
    with django_assert_max_num_queries(8):
        assert c.get("/open/datasets/", {"q": "学校"}).status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get(f"/open/datasets/{d.name}/").status_code == 200
