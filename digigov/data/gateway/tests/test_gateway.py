"""The gateway end to end over HTTP (uvicorn on loopback): signatures, grants, masking, filters, limits,
metering and the chained access log."""

import time

import pytest

from digigov.data.gateway import accesslog
from digigov.data.gateway import testing as gw
from digigov.data.gateway.server import Gateway, build_app
from digigov.data.sharing.models import AccessRecord, SeenNonce, SubscriptionStatus, UsageDaily, bump_policy_version
from digigov.data.sharing.signing import sign_headers


def rows_path(world):
    return f"/gw/v1/resources/{world.entry.code}/rows"


def test_masked_rows_metered_and_logged(world, get):
    status, body, headers = get(rows_path(world), {"limit": 10})
    assert status == 200, body
    assert body["fields"] == ["xm", "sfzh", "sjhm", "nl", "sqmc", "hdje"]  # the core item hcxs never leaves
    first = body["rows"][0]
    expected = gw.people_rows(1)[0]
    assert first["xm"] == "张1"  # approved in clear
    assert first["sfzh"] == expected["sfzh"][:6] + "********" + expected["sfzh"][-4:]
    assert first["sjhm"] == "138****0001"
    assert first["sqmc"] == "兴东社区"
    assert "hcxs" not in first and len(body["rows"]) == 10 and body["next"]
    rec = AccessRecord.objects.get()
    assert (rec.status, rec.code, rec.rows, rec.app_id, rec.entry_id) == (200, "ok", 10, world.app.pk, world.entry.pk)
    assert rec.purpose == "低保资格核查" and rec.fields == "xm,sfzh,sjhm,nl,sqmc,hdje" and rec.request_id == headers["x-request-id"]
    assert rec.provider_id == world.city.bureau.pk and rec.consumer_id == world.city.other_bureau.pk
    usage = UsageDaily.objects.get()
    assert (usage.calls, usage.errors, usage.rows, usage.consumer_id) == (1, 0, 10, world.city.other_bureau.pk)
    assert usage.bytes > 0
    assert SeenNonce.objects.count() == 1
    assert accesslog.verify_access_chain().ok


def test_keyset_pages_cover_every_row_once(world, get):
    seen, after = [], None
    for _ in range(5):
        params = {"limit": 10, "fields": "xm"} | ({"after": after} if after else {})
        status, body, _ = get(rows_path(world), params)
        assert status == 200, body
        seen += [r["xm"] for r in body["rows"]]
        after = body["next"]
        if not after:
            break
    assert seen == [f"张{i}" for i in range(1, 26)]
    usage = UsageDaily.objects.get()
    assert (usage.calls, usage.rows) == (3, 25)
    assert AccessRecord.objects.count() == 3 and accesslog.verify_access_chain().checked == 3


@pytest.mark.parametrize("params, n", [
    ({"nl__gte": "70"}, 10),  # nl 20..79 cycles: 71..79 → ages 70..79 = rows 50..59 → none; rows with i%60 >= 50
    ({"sqmc": "永昌社区"}, 12),
    ({"sqmc__in": "永昌社区,兴东社区"}, 25),
    ({"sqmc__prefix": "永昌"}, 12),
    ({"sqmc__ne": "永昌社区"}, 13),
    ({"sqmc": "' OR 1=1 --"}, 0),
    ({"sqmc__prefix": "%"}, 0),
])
def test_filters(world, get, params, n):
    status, body, _ = get(rows_path(world), {"limit": 100, **params})
    assert status == 200, body
    expected = [r for r in gw.people_rows(25) if _match(r, params)]
    assert len(body["rows"]) == len(expected)
    if params == {"sqmc": "永昌社区"}:
        assert n == len(expected)


def _match(row, params):
    for key, value in params.items():
        field, _, op = key.partition("__")
        have = row[field]
        if op == "gte" and not float(have) >= float(value):
            return False
        if op == "" and have != value:
            return False
        if op == "ne" and have == value:
            return False
        if op == "in" and have not in value.split(","):
            return False
        if op == "prefix" and not have.startswith(value):
            return False
    return True


@pytest.mark.parametrize("params, code", [
    ({"nl__like": "1"}, "bad_filter"),
    ({"nl;DROP TABLE x": "1"}, "bad_filter"),
    ({"nl) OR (1=1": "1"}, "bad_filter"),
    ({"nope": "1"}, "bad_filter"),
    ({"sfzh": "210602"}, "filter_not_supported"),
    ({"nl__gte": "abc"}, "bad_filter"),
    ({"limit": "0"}, "bad_limit"),
    ({"limit": "501"}, "bad_limit"),
    ({"limit": "1e3"}, "bad_limit"),
    ({"after": "1-x"}, "bad_cursor"),
    ({"after": "1; SELECT 1"}, "bad_cursor"),
    ({"fields": "xm,,sfzh"}, "bad_fields"),
    ({"fields": "nope"}, "bad_fields"),
    ({"sqmc": "a\x00b"}, "bad_filter"),
])
def test_bad_query_is_400(world, get, params, code):
    status, body, _ = get(rows_path(world), params)
    assert status == 400, body
    assert body["code"] == code and body["message"]
    assert not any(ord(c) < 128 and c.isalpha() for c in body["message"].replace("limit", "").replace("after", "").replace("fields", "")
                   .replace("in", "").replace("prefix", "")), body["message"]
    rec = AccessRecord.objects.get()
    assert (rec.status, rec.code, rec.rows) == (400, code, 0)
    assert UsageDaily.objects.get().errors == 1


def test_typed_filter_on_numbers(world, get):
    from digigov.data.catalog import testing as catalog_testing

    entry = catalog_testing.make_entry(world.city.bureau, gw.ITEMS, name="类型化")
    catalog_testing.create_dataset(entry, gw.people_rows(25), user=world.provider_admin, typed=True)
    gw.subscribe(world.app, entry, world.provider_admin, fields=["nl", "sqmc"])
    time.sleep(0.6)
    status, body, _ = get(f"/gw/v1/resources/{entry.code}/rows", {"nl__gte": "75", "limit": 100})
    assert status == 200, body
    assert sorted(int(float(r["nl"])) for r in body["rows"]) == sorted(int(r["nl"]) for r in gw.people_rows(25) if int(r["nl"]) >= 75)
    status, body, _ = get(f"/gw/v1/resources/{entry.code}/rows", {"nl__gte": "七十"})
    assert (status, body["code"]) == (400, "bad_filter")


@pytest.mark.parametrize("params", [{"fields": "xm,hcxs"}, {"fields": "hcxs"}, {"hcxs": "线索1"}])
def test_fields_not_approved_is_403(world, get, params):
    status, body, _ = get(rows_path(world), params)
    assert (status, body["code"]) == (403, "field_not_approved"), body
    assert "线索" not in str(body)


def test_narrow_grant_and_clear_fields(world, get):
    world.sub.fields, world.sub.clear_fields = ["sfzh", "sqmc"], ["sfzh"]
    world.sub.save()
    bump_policy_version()
    time.sleep(0.6)
    status, body, _ = get(rows_path(world), {"limit": 1})
    assert status == 200, body
    assert body["rows"] == [{"sfzh": gw.people_rows(1)[0]["sfzh"], "sqmc": "兴东社区"}]
    status, body, _ = get(rows_path(world), {"fields": "xm"})
    assert (status, body["code"]) == (403, "field_not_approved")


def test_unknown_entry_is_404(world, get):
    status, body, _ = get("/gw/v1/resources/NO-SUCH-ENTRY/rows")
    assert (status, body["code"]) == (404, "unknown_resource")
    status, body, _ = get("/gw/v1/nowhere")
    assert (status, body["code"]) == (404, "not_found")


# --- signatures ------------------------------------------------------------------------------------------
def test_missing_signature(world, gateway):
    status, body, _ = gw.call(gateway.base, "", "", rows_path(world), sign=False)
    assert (status, body["code"]) == (401, "signature_missing")
    assert AccessRecord.objects.count() == 0


def test_bad_signature_and_unknown_app_look_the_same(world, gateway):
    s1, b1, _ = gw.call(gateway.base, world.app.app_key, "wrong-secret", rows_path(world))
    s2, b2, _ = gw.call(gateway.base, "A" * 20, world.secret, rows_path(world))
    assert (s1, s2) == (401, 401)
    assert b1["code"] == "bad_signature" and b2["code"] == "unknown_app" and b1["message"] == b2["message"]


def test_tampered_query_is_refused(world, gateway):
    path = rows_path(world)
    headers = sign_headers(world.app.app_key, world.secret, "GET", path, "limit=1")
    status, body, _ = gw.call(gateway.base, "", "", path, {"limit": 500}, sign=False, headers=headers)
    assert (status, body["code"]) == (401, "bad_signature")


def test_stale_timestamp(world, get):
    status, body, _ = get(rows_path(world), timestamp=int(time.time()) - 1000)
    assert (status, body["code"]) == (401, "stale_timestamp")


def test_replayed_nonce_same_process_and_across_processes(world, gateway, get):
    nonce = "n" * 24
    assert get(rows_path(world), nonce=nonce)[0] == 200
    status, body, _ = get(rows_path(world), nonce=nonce)
    assert (status, body["code"]) == (401, "replayed_nonce")
    # another gateway process: its memory has not seen the nonce, the database has
    with gw.serve(build_app(Gateway(db_threads=1))) as base2:
        status, body, _ = gw.call(base2, world.app.app_key, world.secret, rows_path(world), nonce=nonce)
    assert (status, body["code"]) == (401, "replayed_nonce"), body
    recs = list(AccessRecord.objects.order_by("seq").values_list("status", "code"))
    assert recs == [(200, "ok"), (401, "replayed_nonce"), (401, "replayed_nonce")]
    assert SeenNonce.objects.filter(nonce=nonce).count() == 1
    assert UsageDaily.objects.get().errors == 2
    assert accesslog.verify_access_chain().ok


def test_same_nonce_in_one_batch_answers_once(world, gateway):
    """Two processes' requests with one nonce can land in one group commit: only the first is answered."""
    import concurrent.futures

    nonce = "same-nonce-0123456789"
    with gw.serve(build_app(Gateway(db_threads=1))) as base2:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda base: gw.call(base, world.app.app_key, world.secret, rows_path(world), nonce=nonce)[0],
                                    [gateway.base, base2]))
    assert sorted(results) == [200, 401]


def test_suspended_app_and_revoked_subscription_reload(world, get):
    assert get(rows_path(world))[0] == 200
    world.sub.status = SubscriptionStatus.REVOKED
    world.sub.save()
    bump_policy_version()
    time.sleep(0.6)
    status, body, _ = get(rows_path(world))
    assert (status, body["code"]) == (404, "unknown_resource")
    world.app.status = "suspended"
    world.app.save()
    bump_policy_version()
    time.sleep(0.6)
    status, body, _ = get(rows_path(world))
    assert (status, body["code"]) == (401, "app_inactive")


# --- limits ------------------------------------------------------------------------------------------------
def test_rate_limit_429_with_retry_after(world, get):
    world.app.rate_limit = 2
    world.app.save()
    bump_policy_version()
    time.sleep(0.6)
    statuses = [get(rows_path(world), {"limit": 1}) for _ in range(4)]
    refused = [s for s in statuses if s[0] == 429]
    assert refused, [s[0] for s in statuses]
    status, body, headers = refused[0]
    assert body["code"] == "rate_limited" and int(headers["retry-after"]) >= 1


def test_daily_quota_429(world, get):
    world.app.daily_quota = 3
    world.app.save()
    bump_policy_version()
    time.sleep(0.6)
    results = [get(rows_path(world), {"limit": 1})[0] for _ in range(3)]
    assert results == [200, 200, 200]
    time.sleep(0.5)  # the usage refresh has seen the three metered calls
    status, body, headers = get(rows_path(world), {"limit": 1})
    assert (status, body["code"]) == (429, "quota_exceeded")
    assert 1 <= int(headers["retry-after"]) <= 86400


# --- the chain ------------------------------------------------------------------------------------------------
def test_chain_detects_edit_and_delete(world, get):
    for _ in range(4):
        assert get(rows_path(world), {"limit": 2})[0] == 200
    assert accesslog.verify_access_chain().checked == 4
    AccessRecord.objects.filter(seq=2).update(rows=999)  # a queryset update bypasses the model's guard, as an attacker would
    report = accesslog.verify_access_chain()
    assert not report.ok and report.broken_at == 2
    AccessRecord.objects.filter(seq=2).update(rows=2)
    assert accesslog.verify_access_chain().ok
    AccessRecord.objects.filter(seq=3)._raw_delete(AccessRecord.objects.db)
    report = accesslog.verify_access_chain()
    assert not report.ok and report.broken_at == 3
    AccessRecord.objects.filter(seq=4)._raw_delete(AccessRecord.objects.db)
    AccessRecord.objects.filter(seq=3)  # the tail deleted too: now the head names a row that is gone
    report = accesslog.verify_access_chain()
    assert not report.ok


def test_model_refuses_edit_and_delete(world, get):
    get(rows_path(world))
    rec = AccessRecord.objects.get()
    with pytest.raises(PermissionError):
        rec.save()
    with pytest.raises(PermissionError):
        rec.delete()


def test_healthz(world, gateway):
    import json
    import urllib.request

    with urllib.request.urlopen(gateway.base + "/gw/v1/healthz") as r:
        assert json.loads(r.read())["status"] == "ok"
