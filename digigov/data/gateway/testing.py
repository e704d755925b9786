"""Test and benchmark helpers: a subscribed entry with data, a signed client, the gateway on a real port.

``serve(app)`` runs uvicorn in a thread on a free loopback port (the tests drive the real HTTP stack:
httptools parsing, the lifespan, the thread pool); ``signed_get`` signs with ``sharing.signing`` and calls
it with ``urllib``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.utils import timezone

from digigov.data.catalog import testing as catalog_testing
from digigov.data.sharing.models import AppKind, ConsumerApp, Subscription, SubscriptionSource, bump_policy_version
from digigov.data.sharing.signing import sign_headers

ITEMS = [
    dict(name="姓名", field_name="xm", personal=1),
    dict(name="公民身份号码", field_name="sfzh", format="resident_id", personal=2),
    dict(name="手机号码", field_name="sjhm", format="phone", personal=1),
    dict(name="年龄", field_name="nl", data_type="N"),
    dict(name="所属社区", field_name="sqmc"),
    dict(name="核定金额", field_name="hdje", data_type="N", level=2),
    dict(name="核查线索", field_name="hcxs", level=3),
]


def make_app(department, user, *, name: str = "测试调用应用", rate_limit: int = 1000, daily_quota: int = 100_000) -> tuple[ConsumerApp, str]:
    from digigov.data.sharing.actions.apps import new_app_key, new_secret

    secret = new_secret()
    app = ConsumerApp.objects.create(name=name, kind=AppKind.DEPARTMENT, department=department, app_key=new_app_key(), secret=secret,
                                     secret_rotated_at=timezone.now(), rate_limit=rate_limit, daily_quota=daily_quota, created_by=user)
    bump_policy_version()
    return app, secret


def subscribe(app, entry, user, *, fields, clear_fields=(), resource=None, days: int = 30, **extra) -> Subscription:
    today = timezone.localdate()
    sub = Subscription.objects.create(app=app, entry=entry, resource=resource, source=SubscriptionSource.SHARE_REQUEST, fields=list(fields),
                                      clear_fields=list(clear_fields), purpose="低保资格核查", valid_from=today - dt.timedelta(days=1),
                                      valid_until=today + dt.timedelta(days=days), created_by=user, **extra)
    bump_policy_version()
    return sub


def people_rows(n: int, start: int = 1) -> list[dict]:
    from digigov.core.testing import resident_id

    return [{"xm": f"张{i}", "sfzh": resident_id(seq=i % 1000), "sjhm": f"138{i:08d}", "nl": str(20 + i % 60),
             "sqmc": "兴东社区" if i % 2 else "永昌社区", "hdje": str(100 + i), "hcxs": f"线索{i}"} for i in range(start, start + n)]


def make_people_entry(department, user, rows: int = 25, **fields):
    entry = catalog_testing.make_entry(department, ITEMS, name="低保对象信息", **fields)
    catalog_testing.create_dataset(entry, people_rows(rows), user=user)
    return entry


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(app, port: int | None = None):
    """Run ``app`` under uvicorn in a thread; yields the base URL."""
    import uvicorn

    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", loop="asyncio", http="httptools")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("gateway did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)


def call(base: str, app_key: str, secret: str, path: str, params=None, *, method: str = "GET", body: bytes = b"", headers=None,
         sign: bool = True, purpose: str = "低保资格核查", **sign_kw) -> tuple[int, dict, dict]:
    """A signed call; returns (status, JSON body, headers)."""
    query = urlencode(params or [], doseq=True)
    url = base + path + ("?" + query if query else "")
    h = {}
    if sign:
        h = sign_headers(app_key, secret, method, urlsplit(url).path, query, body, purpose=purpose, **sign_kw)
    h.update(headers or {})
    req = urllib.request.Request(url, data=body or None, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read()), {k.lower(): v for k, v in resp.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}"), {k.lower(): v for k, v in exc.headers.items()}


def wait_for_policy(gateway, timeout: float = 5.0) -> None:
    """Block until a running ``Gateway`` has loaded the current policy version (after a grant changed)."""
    from .policy import current_version

    deadline = time.monotonic() + timeout
    while gateway.snapshot is None or gateway.snapshot.version != current_version():
        if time.monotonic() > deadline:
            raise AssertionError("the gateway did not reload its policy")
        time.sleep(0.05)
