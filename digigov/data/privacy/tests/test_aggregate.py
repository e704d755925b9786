import json
import math
import random
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from digigov.core.audit.models import AuditEntry
from digigov.core.testing import City, make_user
from digigov.data.catalog.models import CodeList, CodeListValue
from digigov.data.catalog.testing import create_dataset, make_entry
from digigov.data.privacy import actions, noise
from digigov.data.privacy.models import PrivacySpend
from digigov.data.sharing import signing
from digigov.data.sharing.actions.apps import create_app
from digigov.data.sharing.models import SeenNonce, Subscription

PATH = "/api/v1/privacy/aggregate"


def build_world(city):
    admin = make_user("data_admin", department=city.bureau)
    districts = CodeList.objects.create(code="QX", name="区县")
    CodeListValue.objects.bulk_create([CodeListValue(code_list=districts, value=v, label=l, order=i)
                                       for i, (v, l) in enumerate([("210602", "元宝区"), ("210603", "振兴区"), ("210604", "振安区")])])
    entry = make_entry(city.bureau, [
        {"name": "姓名", "field_name": "xm", "personal": 1},
        {"name": "区县", "field_name": "qx", "code_list": districts},
        {"name": "月收入", "field_name": "sr", "data_type": "N"},
        {"name": "内部评分", "field_name": "pf", "data_type": "N", "level": 3},
    ], name="低保家庭收入", sharing_type="conditional", open_type="none")
    rows = [{"xm": f"人{i}", "qx": "210602", "sr": str(1000 + i), "pf": "1"} for i in range(40)]
    rows += [{"xm": "独户", "qx": "210603", "sr": "999999", "pf": "1"}]  # one household alone in its district; an outlier income
    create_dataset(entry, rows, user=admin)
    app, secret = create_app(admin, kind="department", name="民政统计", department=city.bureau)
    Subscription.objects.create(app=app, entry=entry, source="share_request", fields=["qx", "sr"], purpose="统计", valid_from=timezone.localdate(),
                                created_by=admin)
    return {"admin": admin, "entry": entry, "app": app, "secret": secret}


@pytest.fixture
def world(city):
    return build_world(city)


def post(world, body, *, secret=None, nonce=None, timestamp=None, key=None):
    raw = json.dumps(body).encode()
    headers = signing.sign_headers(key or world["app"].app_key, secret or world["secret"], "POST", PATH, "", raw, nonce=nonce, timestamp=timestamp)
    return Client().post(PATH, data=raw, content_type="application/json", **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})


def test_count_with_groups_spends_budget_and_suppresses_small_groups(world):
    response = post(world, {"entry": world["entry"].code, "measure": "count", "group_by": "qx", "epsilon": 0.5})
    assert response.status_code == 200, response.content
    body = response.json()
    groups = {g["key"]: g for g in body["groups"]}
    assert list(groups) == ["210602", "210603", "210604"] and groups["210602"]["label"] == "元宝区"
    assert groups["210602"]["suppressed"] is False and abs(groups["210602"]["value"] - 40) < 40  # noisy, near 40
    assert groups["210604"]["value"] is None or groups["210604"]["value"] >= 5  # an empty group never shows a small count
    assert body["noise_scale"] == 2.0 and body["budget"]["spent"] == 0.5 and body["budget"]["remaining"] == 0.5
    assert PrivacySpend.objects.get().spent_micro == 500_000
    audit = AuditEntry.objects.filter(action="privacy.aggregate").get()
    assert "999999" not in json.dumps(audit.after, ensure_ascii=False) and audit.after["app"] == world["app"].app_key


def test_a_single_household_is_not_revealed(world):
    """The lone household of 振兴区 is never shown as a small count: its group is suppressed, or the noise
    lifted it to the threshold or above (seeded noise, so the run is reproducible)."""
    actions.set_policy(world["admin"], world["entry"], daily_epsilon=10, max_query_epsilon=1, min_group_count=5, bounds={})
    rng = random.Random(7)
    shown = []
    for _ in range(8):
        answer = actions.aggregate(world["app"], actions.Query(entry=world["entry"].code, measure="count", group_by="qx", epsilon=1), rng=rng)
        shown.append(next(g for g in answer["groups"] if g["key"] == "210603")["value"])
    assert all(v is None or v >= 5 for v in shown) and shown.count(None) >= 7
    assert PrivacySpend.objects.get().spent_micro == 8_000_000


def test_sum_is_clamped_to_declared_bounds(world):
    actions.set_policy(world["admin"], world["entry"], daily_epsilon=5, max_query_epsilon=5, min_group_count=5, bounds={"sr": [0, 5000]})
    body = post(world, {"entry": world["entry"].code, "measure": "sum", "item": "sr", "epsilon": 5}).json()
    true_clamped = sum(1000 + i for i in range(40)) + 5000  # the outlier counts for 5000, not 999999
    assert body["noise_scale"] == 5000 / 2.5 and abs(body["value"] - true_clamped) < 20 * body["noise_scale"]
    assert body["value"] < true_clamped + 900_000


def test_budget_is_enforced_with_429_and_retry_after(world):
    code = world["entry"].code
    for _ in range(2):
        assert post(world, {"entry": code, "measure": "count", "epsilon": 0.5}).status_code == 200
    response = post(world, {"entry": code, "measure": "count", "epsilon": 0.01})
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "budget_exhausted" and body["detail"]["resets_at"] and int(response["Retry-After"]) > 0
    assert PrivacySpend.objects.get().spent_micro == 1_000_000


@pytest.mark.parametrize("body,status,code", [
    ({"entry": "NOPE", "measure": "count"}, 404, "entry_not_found"),
    ({"entry": "", "measure": "count"}, 422, None),
    ({"entry": "X", "measure": "avg"}, 422, None),
    ({"measure": "count", "group_by": "xm"}, 403, "item_not_allowed"),  # personal
    ({"measure": "sum", "item": "pf"}, 403, "item_not_allowed"),  # core
    ({"measure": "sum", "item": "sr"}, 409, "bounds_missing"),
    ({"measure": "sum", "item": "qx"}, 422, "not_numeric"),
    ({"measure": "count", "group_by": "sr"}, 422, "group_without_domain"),
    ({"measure": "count", "filters": {"xm": "独户"}}, 403, "item_not_allowed"),
    ({"measure": "count", "filters": {"qx": "210602' OR 1=1 --"}}, 200, None),  # bound as a parameter: just no match
    ({"measure": "count", "epsilon": 0.9}, 422, "out_of_range"),  # above the per-query ceiling
    ({"measure": "count", "epsilon": -1}, 422, None),
    ({"measure": "count", "item": "sr"}, 422, "item_not_needed"),
])
def test_bad_input(world, body, status, code):
    body = {"entry": world["entry"].code, **body} if "entry" not in body else body
    response = post(world, body)
    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code
    if status != 200:
        assert not PrivacySpend.objects.filter(spent_micro__gt=0).exists()  # nothing spent on a refused query


def test_signature_errors(world):
    body = {"entry": world["entry"].code, "measure": "count"}
    assert post(world, body, secret="wrong-secret").json()["code"] == "bad_signature"
    assert post(world, body, timestamp=int(time.time()) - 3600).json()["code"] == "stale_timestamp"
    nonce = signing.new_nonce()
    assert post(world, body, nonce=nonce).status_code == 200
    replay = post(world, body, nonce=nonce)
    assert replay.status_code == 401 and replay.json()["code"] == "replayed_nonce"
    assert post(world, body, key="A" * 20).status_code == 401
    assert Client().post(PATH, data=json.dumps(body), content_type="application/json").status_code == 401
    staff = Client()
    staff.force_login(world["admin"])
    assert staff.post(PATH, data=json.dumps(body), content_type="application/json").json()["code"] == "signed_request_required"
    assert SeenNonce.objects.filter(app_id=world["app"].pk).count() == 1
    other = make_user("data_admin", department=world["entry"].department)
    app2, secret2 = create_app(other, kind="department", name="无授权应用", department=world["entry"].department)
    assert post(world, body, key=app2.app_key, secret=secret2).json()["code"] == "not_subscribed"


def test_policy_api(world, city):
    url = f"/api/v1/privacy/policies/{world['entry'].code}"
    body = json.dumps({"daily_epsilon": 2, "max_query_epsilon": 1, "min_group_count": 3, "bounds": {"sr": [0, 8000]}})
    assert Client().put(url, data=body, content_type="application/json").status_code == 401
    citizen = Client()
    citizen.force_login(make_user("citizen"))
    assert citizen.put(url, data=body, content_type="application/json").status_code == 403
    policy = actions.set_policy(world["admin"], world["entry"], daily_epsilon=2, max_query_epsilon=1, min_group_count=3, bounds={"sr": [0, 8000]})
    assert policy.daily_epsilon == Decimal("2.000") and policy.bounds == {"sr": [0.0, 8000.0]}
    for bad in ({"bounds": {"sr": [5, 1]}}, {"bounds": {"xm": [0, 1]}}, {"bounds": {"qx": [0, 1]}}, {"max_query_epsilon": 3},
                {"daily_epsilon": 0}, {"min_group_count": -1}):
        args = {"daily_epsilon": 2, "max_query_epsilon": 1, "min_group_count": 3, "bounds": {}, **bad}
        with pytest.raises(Exception) as exc:
            actions.set_policy(world["admin"], world["entry"], **args)
        assert getattr(exc.value, "status", 500) in (403, 422)
    outsider = make_user("data_admin", department=city.other_bureau)
    with pytest.raises(Exception) as exc:
        actions.set_policy(outsider, world["entry"], daily_epsilon=9, max_query_epsilon=1, min_group_count=3, bounds={})
    assert exc.value.status == 403


def test_laplace_sampler_has_the_right_scale():
    rng = random.Random(20261127)
    b = 2.0
    xs = sorted(noise.laplace(b, rng) for _ in range(40_000))
    mean_abs = sum(abs(x) for x in xs) / len(xs)
    assert abs(mean_abs - b) < 0.05 * b  # E|X| = b
    assert abs(sum(xs) / len(xs)) < 0.05
    var = sum(x * x for x in xs) / len(xs)
    assert abs(var - 2 * b * b) < 0.08 * 2 * b * b  # Var = 2b²
    # Kolmogorov–Smirnov against the Laplace CDF: D < 1.36/√n at the 5% level
    def cdf(x):
        return 0.5 * math.exp(x / b) if x < 0 else 1 - 0.5 * math.exp(-x / b)
    n = len(xs)
    d = max(max(abs((i + 1) / n - cdf(x)), abs(i / n - cdf(x))) for i, x in enumerate(xs))
    assert d < 1.36 / math.sqrt(n)
    with pytest.raises(ValueError):
        noise.laplace(0)


@pytest.mark.django_db(transaction=True)
def test_budget_never_overdrawn_under_concurrency():
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises writers; the same UPDATE is exercised above)")
    city = City()
    w = build_world(city)
    day, _ = actions.period()
    results = []

    def worker():
        from django.db import connection as conn
        try:
            actions.spend(w["app"], w["entry"], Decimal("0.07"), Decimal("1.0"))
            results.append("ok")
        except actions.BudgetExhausted:
            results.append("refused")
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    row = PrivacySpend.objects.get(app=w["app"], entry=w["entry"], day=day)
    assert results.count("ok") == 14 and row.spent_micro == 14 * 70_000 <= 1_000_000 and row.queries == 14
