"""Demo city: the gateway's recent history — calls by the demo's subscribed apps over the last 14 days.

For each current subscription (at most ``MAX_SUBSCRIPTIONS``, made by the sharing generator) a scaled
number of calls is appended to the access log through ``accesslog.write_batch`` (so the chain verifies)
and metered in ``UsageDaily``: mostly answered (rows of the approved fields), some refused the way the
gateway refuses (a field outside the grant, a malformed filter, the rate limit). No subscription (the
sharing generator not run): nothing. Deterministic for a seed: only ``ctx.rng``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from digigov.core.crypto import sm3_hex
from digigov.core.registry import register_demo
from digigov.data.sharing.models import Subscription, SubscriptionStatus, UsageKind

from . import accesslog

MAX_SUBSCRIPTIONS = 40
DAYS = 14
REFUSALS = [(403, "field_not_approved"), (400, "bad_filter"), (429, "rate_limited"), (401, "stale_timestamp")]


def generate(ctx):
    subs = list(Subscription.objects.filter(status=SubscriptionStatus.ACTIVE).select_related("app", "entry").order_by("id")[:MAX_SUBSCRIPTIONS])
    if not subs:
        ctx.describe("没有共享授权，跳过接口网关示范数据")
        return
    rng = ctx.rng
    per_sub = ctx.n(400, 6)
    records, usage = [], []
    for sub in subs:
        fields = ",".join(sub.fields)[:1000]
        for _ in range(per_sub):
            at = ctx.now - dt.timedelta(days=rng.randrange(DAYS), seconds=rng.randrange(86400))
            refused = rng.random() < 0.08
            status, code = rng.choice(REFUSALS) if refused else (200, "ok")
            rows = 0 if refused else rng.choice((1, 1, 1, 5, 20, 100))
            body = sm3_hex(f"{ctx.seed}:{sub.pk}:{len(records)}".encode())
            records.append({
                "at": at, "kind": UsageKind.CALL, "app_id": sub.app_id, "app_key": sub.app.app_key, "consumer_id": sub.app.department_id,
                "provider_id": sub.entry.department_id, "entry_id": sub.entry_id, "resource_id": sub.resource_id, "method": "GET",
                "path": f"/gw/v1/resources/{sub.entry.code}/rows"[:300], "purpose": sub.purpose[:200], "status": status, "code": code,
                "rows": rows, "fields": "" if refused else fields, "response_hash": body, "duration_us": rng.randrange(800, 12000),
                "node": "demo", "request_id": f"{rng.getrandbits(64):016x}",
            })
            usage.append(accesslog.UsageLine(timezone.localdate(at), UsageKind.CALL, sub.app_id, sub.app.department_id, sub.entry.department_id,
                                             sub.entry_id, sub.resource_id or 0, calls=1, errors=1 if refused else 0, rows=rows,
                                             bytes=200 + rows * 180))
    records.sort(key=lambda r: r["at"])  # the log is in time order, as the gateway writes it
    for i in range(0, len(records), 2000):
        accesslog.append_records(records[i:i + 2000], usage[i:i + 2000])
    ctx.rows += len(records)
    ctx.describe(f"接口网关：{len(subs)} 项共享授权的 {len(records)} 次调用记录")


register_demo("gateway", generate, after=("catalog",), soft_after=("sharing",))
