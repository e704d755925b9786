"""Issue 13 "Done when", end to end through the real parts (actions, the gateway ASGI app on a real port, the
portal's pages, a real CKAN client against the live server):

1. a consumer department requests an entry's data, the provider narrows the request, and the consumer's app
   calls the gateway with a signed request and gets the approved fields, the ID number masked;
2. a citizen developer finds an open dataset by a Chinese search, downloads it as CSV, registers an app and
   calls the dataset through the gateway;
3. ``ckanapi`` lists and searches the portal.

Each slice has its own detailed tests; this one checks that they fit together.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from digigov.core.testing import logged_in_client, make_user
from digigov.data.catalog import testing as catalog_testing
from digigov.data.gateway import testing as gw
from digigov.data.gateway.accesslog import verify_access_chain
from digigov.data.gateway.server import Gateway, build_app
from digigov.data.opendata.actions import datasets as open_actions, portal as open_portal
from digigov.data.sharing.actions import apps as app_actions, requests as share_actions
from digigov.data.sharing.models import AccessRecord, RequestStatus, UsageDaily

pytestmark = [pytest.mark.django_db(transaction=True)]

MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
BUS_ITEMS = [
    dict(name="线路名称", field_name="xlmc"),
    dict(name="站点名称", field_name="zdmc"),
    dict(name="所属区县", field_name="ssqx"),
    dict(name="日均客流", field_name="rjkl", data_type="N"),
]


def test_done_when(city, live_server):
    ckanapi = pytest.importorskip("ckanapi")
    provider = make_user("data_admin", department=city.bureau)
    consumer = make_user("data_admin", department=city.other_bureau)

    # --- 1. 供需对接 → narrowed approval → a signed call returns masked data ------------------------------
    entry = gw.make_people_entry(city.bureau, provider, rows=12, sharing_type="conditional", sharing_condition="用于救助资格核查")
    app, secret = app_actions.create_app(consumer, kind="department", name="救助核查系统", department=city.other_bureau)
    today = timezone.localdate()
    req = share_actions.file_request(consumer, requester=city.other_bureau, entry=entry, app=app, fields=["xm", "sfzh", "sjhm", "nl"],
                                     clear_fields=["xm", "sfzh"], purpose="临时救助资格核查", basis="《社会救助暂行办法》第四十七条",
                                     period_start=today, period_end=today + dt.timedelta(days=180))
    assert req.status == RequestStatus.SUBMITTED
    req = share_actions.decide_request(provider, req, "narrow", fields=["xm", "sfzh", "nl"], clear_fields=["xm"],
                                       reply="手机号码不予共享；身份号码脱敏提供")
    assert req.status == RequestStatus.NARROWED
    sub = req.subscription

    gateway = Gateway(db_threads=2, refresh_every=0.2)
    with gw.serve(build_app(gateway)) as base:
        path = f"/gw/v1/resources/{entry.code}/rows"
        status, body, _ = gw.call(base, app.app_key, secret, path, {"limit": 5})
        assert status == 200, body
        assert body["fields"] == ["xm", "sfzh", "nl"] and len(body["rows"]) == 5
        first = body["rows"][0]
        assert set(first) == {"xm", "sfzh", "nl"}
        assert first["xm"].startswith("张") and "*" not in first["xm"]  # approved in clear
        assert MASKED_ID.match(first["sfzh"]), first["sfzh"]  # approved masked
        # a field the provider took out, a replayed nonce, a wrong secret
        status, body, _ = gw.call(base, app.app_key, secret, path, {"fields": "sjhm"})
        assert (status, body["code"]) == (403, "field_not_approved")
        status, body, _ = gw.call(base, app.app_key, secret, path, {"limit": 1}, nonce="replayed-nonce-0001")
        assert status == 200
        status, body, _ = gw.call(base, app.app_key, secret, path, {"limit": 1}, nonce="replayed-nonce-0001")
        assert (status, body["code"]) == (401, "replayed_nonce")
        status, body, _ = gw.call(base, app.app_key, "wrong-secret", path)
        assert (status, body["code"]) == (401, "bad_signature")

    calls = AccessRecord.objects.filter(app_id=app.pk, entry_id=entry.pk)
    assert calls.filter(status=200).count() == 2 and calls.filter(status=403).count() == 1
    assert sum(UsageDaily.objects.filter(app_ref=app.pk, entry=entry).values_list("calls", flat=True)) == calls.count()
    assert verify_access_chain().ok
    assert sub.status == "active"

    # --- 2. a citizen developer: find, download, register, call -------------------------------------------
    bus = catalog_testing.make_entry(city.bureau, BUS_ITEMS, name="公交站点客流统计", open_type="unconditional", sharing_type="unconditional",
                                     abstract="全市公交线路各站点的日均客流")
    catalog_testing.create_dataset(bus, [{"xlmc": f"{n % 3 + 1}路", "zdmc": f"站点{n}", "ssqx": "元宝区" if n % 2 else "振兴区",
                                          "rjkl": str(100 + n)} for n in range(20)], user=provider)
    ds, check = open_actions.open_dataset(provider, bus, keywords=["公交", "交通"], quasi_identifiers=[])
    assert check.passed

    citizen = make_user("citizen")
    web = logged_in_client(citizen)
    page = web.get("/open/datasets/", {"q": "公交客流"})
    assert page.status_code == 200 and f"/open/datasets/{ds.name}/" in page.content.decode()
    download = web.get(f"/open/datasets/{ds.name}/download.csv")
    assert download.status_code == 200
    text = b"".join(download.streaming_content).decode("utf-8-sig") if download.streaming else download.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 21  # the header and 20 rows

    dev_app, dev_secret = app_actions.create_app(citizen, kind="developer", name="公交出行助手")
    open_portal.subscribe_public(citizen, ds, dev_app)
    with gw.serve(build_app(Gateway(db_threads=2, refresh_every=0.2))) as base:
        status, body, _ = gw.call(base, dev_app.app_key, dev_secret, f"/gw/v1/resources/{bus.code}/rows", {"limit": 50},
                                  purpose="出行应用展示客流")
    assert status == 200 and len(body["rows"]) == 20 and set(body["fields"]) == {"xlmc", "zdmc", "ssqx", "rjkl"}

    # --- 3. a CKAN client lists and searches the portal ----------------------------------------------------
    ckan = ckanapi.RemoteCKAN(live_server.url, user_agent="digigov-done-when/1.0")
    assert ds.name in ckan.action.package_list()
    found = ckan.action.package_search(q="公交", rows=10)
    assert found["count"] == 1 and found["results"][0]["name"] == ds.name
    assert found["results"][0]["organization"]["title"] == city.bureau.name
    assert ckan.action.package_show(id=ds.name)["num_resources"] >= 1
