"""The API gateway: the data plane of the sharing platform, a Starlette application of its own.

    uvicorn digigov.data.gateway.asgi:app --port 8001 --loop uvloop --http httptools

Per call: the signature headers are checked (``sharing.signing``) against the app's secret from the
policy snapshot; the app must be active and hold a current subscription on the entry (and resource);
the per-app token bucket and the daily quota are applied; the fields asked for must be approved; the
rows are read (a table mount: keyset SQL with parameters, personal columns unsealed) or fetched (an API
mount: proxied with aiohttp), masked by the subscription's masker and serialised. Then the call's
access record, its nonce and its meter line go to the group-commit writer; the response is sent only
once they are committed (``kill -9`` cannot lose a call that was answered). A nonce that another process
(or an earlier request) already stored turns the answer into 401 ``replayed_nonce`` inside that same
transaction, so the ``SeenNonce`` unique key is the one authority across processes.

Blocking ORM work runs in a small thread pool; the event loop never waits on the database. The policy
snapshot is swapped when ``PolicyVersion`` moves (polled once a second in the background, with today's
usage for the quotas), and replayed nonces older than twice the allowed clock skew are purged there.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import math
import os
import queue
import secrets
import socket
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, unquote

from django.db import DatabaseError, connection, connections
from django.utils import timezone
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from digigov.core import pii
from digigov.core.crypto import sm3_hex
from digigov.data.catalog.models import PersonalKind
from digigov.data.catalog.tables import BATCH_COLUMN, ROW_COLUMN
from digigov.data.sharing import signing, upstream
from digigov.data.sharing.models import SeenNonce, UsageDaily, UsageKind

from . import accesslog, filters, policy
from .routes import registered_routes

log = logging.getLogger("digigov.gateway")

MAX_BODY = 1 << 20
UPSTREAM_TIMEOUT = 10.0
REFRESH_EVERY = 1.0
PURGE_EVERY = 60.0
JSON_TYPE = "application/json; charset=utf-8"


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def error_body(code: str, message: str) -> bytes:
    return _json({"code": code, "message": message})


REPLAY = signing.SignatureError("replayed_nonce", "该请求已处理过（随机数重复），请勿重放请求")
REPLAY_BODY = error_body(REPLAY.code, REPLAY.message)
REPLAY_HASH = sm3_hex(REPLAY_BODY)


class Refusal(Exception):
    """An answer other than data: ``status``, machine ``code``, Chinese ``message`` (never internals)."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


class WriteFailed(Exception):
    pass


# --- rate limits and quotas -------------------------------------------------------------------------------
class TokenBuckets:
    """Per-key token buckets (rate per second, burst one second's worth). With N gateway processes each one
    refills at ``rate / N`` (``DIGIGOV_GATEWAY_PROCESSES``), so the sum stays at the configured rate."""

    def __init__(self, processes: int = 1):
        self.processes = max(1, processes)
        self._state: dict = {}

    def take(self, key, rate: int) -> float:
        """0 when a token was taken, else the seconds until one is available."""
        rate = max(rate / self.processes, 0.001)
        now = time.monotonic()
        tokens, last = self._state.get(key, (rate, now))
        tokens = min(rate, tokens + (now - last) * rate)
        if tokens >= 1:
            self._state[key] = (tokens - 1, now)
            return 0.0
        self._state[key] = (tokens, now)
        return (1 - tokens) / rate


def seconds_to_midnight() -> int:
    now = timezone.localtime()
    tomorrow = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, math.ceil((tomorrow - now).total_seconds()))


class NonceLRU:
    def __init__(self, size: int = 200_000):
        self.size, self._d = size, OrderedDict()

    def seen(self, key) -> bool:
        if key in self._d:
            return True
        self._d[key] = None
        if len(self._d) > self.size:
            self._d.popitem(last=False)
        return False


# --- the group-commit writer ------------------------------------------------------------------------------
class _Pending:
    __slots__ = ("record", "nonce", "usage", "loop", "future")

    def __init__(self, record, nonce, usage, loop, future):
        self.record, self.nonce, self.usage, self.loop, self.future = record, nonce, usage, loop, future


def _resolve(future, value, error):
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


class LogWriter(threading.Thread):
    """Takes every pending record, writes them in one transaction (``accesslog.write_batch``), then releases
    the waiting requests. A failed batch is retried; if the database stays unavailable the requests get 503."""

    def __init__(self, max_batch: int = 1000, retries: int = 5):
        super().__init__(name="gw-log-writer", daemon=True)
        self.q: queue.SimpleQueue = queue.SimpleQueue()
        self.max_batch, self.retries = max_batch, retries
        self.batches = self.written = 0
        self._stop_flag = False

    def submit(self, record: dict, nonce, usage) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.q.put(_Pending(record, nonce, usage, loop, future))
        return future

    def stop(self):
        self._stop_flag = True
        self.q.put(None)

    def run(self):
        try:
            while True:
                first = self.q.get()
                if first is None:
                    break
                batch = [first]
                while len(batch) < self.max_batch:
                    try:
                        nxt = self.q.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is None:
                        self._stop_flag = True
                        break
                    batch.append(nxt)
                self._write(batch)
                if self._stop_flag and self.q.empty():
                    break
        finally:
            connection.close()

    def _write(self, batch: list[_Pending]):
        records = [p.record for p in batch]
        usage = [p.usage for p in batch]
        nonces = [p.nonce for p in batch]

        def on_replay(i):
            rec = dict(records[i], status=401, code=REPLAY.code, rows=0, fields="", response_hash=REPLAY_HASH)
            u = usage[i]
            if u is not None:
                u = accesslog.UsageLine(**dict(u.__dict__, errors=1, rows=0, bytes=len(REPLAY_BODY)))
            return rec, u

        error = None
        for attempt in range(self.retries):
            try:
                fresh = accesslog.write_batch(list(records), nonces, list(usage), on_replay)
                break
            except DatabaseError as exc:  # locked, connection lost: retry on a fresh connection
                error = exc
                log.warning("gateway access-log batch failed (attempt %s): %s", attempt + 1, type(exc).__name__)
                connection.close()
                time.sleep(min(0.05 * 2 ** attempt, 1.0))
        else:
            for p in batch:
                p.loop.call_soon_threadsafe(_resolve, p.future, None, WriteFailed(str(type(error).__name__)))
            return
        self.batches += 1
        self.written += len(batch)
        for p, ok in zip(batch, fresh):
            p.loop.call_soon_threadsafe(_resolve, p.future, ok, None)


# --- the gateway ------------------------------------------------------------------------------------------
class Gateway:
    def __init__(self, *, db_threads: int = 4, node: str | None = None, refresh_every: float = REFRESH_EVERY):
        self.node = (node or f"{socket.gethostname()}:{os.getpid()}")[:64]
        self.db_threads = db_threads
        self.executor: ThreadPoolExecutor | None = None
        self.writer: LogWriter | None = None
        self.snapshot: policy.Snapshot | None = None
        self.refresh_every = refresh_every
        self.buckets = TokenBuckets(int(os.environ.get("DIGIGOV_GATEWAY_PROCESSES", "1") or 1))
        self.nonces = NonceLRU()
        self.db_today: dict[tuple[int, int], int] = {}  # (app, entry) → calls metered today (at the last refresh)
        self.local: dict[tuple[int, int], int] = {}  # calls admitted here since that refresh
        self.day = timezone.localdate()
        self.http = None
        self._tasks: list[asyncio.Task] = []
        self._last_purge = 0.0

    # lifecycle
    async def start(self):
        self.executor = ThreadPoolExecutor(self.db_threads, thread_name_prefix="gw-db")
        self.writer = LogWriter()
        self.writer.start()
        version, usage = await self.db(self._poll)
        self.snapshot = await self.db(policy.load, version)
        self._apply_usage(usage, {})
        self._tasks.append(asyncio.create_task(self._refresh_loop()))

    async def stop(self):
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        if self.http is not None:
            await self.http.close()
        if self.writer is not None:
            self.writer.stop()
            await asyncio.get_running_loop().run_in_executor(None, self.writer.join, 10)
        if self.executor is not None:
            barrier = threading.Barrier(self.db_threads)

            def close():
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(2)
                connections.close_all()

            await asyncio.gather(*(asyncio.get_running_loop().run_in_executor(self.executor, close) for _ in range(self.db_threads)))
            self.executor.shutdown(wait=True)

    async def db(self, func, *args):
        return await asyncio.get_running_loop().run_in_executor(self.executor, func, *args)

    # policy and usage
    def _poll(self):
        today = timezone.localdate()
        version = policy.current_version()
        apps = sorted({a for a, _ in self.local} | {a for a, _ in self.db_today})
        usage = {}
        if apps:
            for app_ref, entry_id, calls in (UsageDaily.objects.filter(day=today, kind=UsageKind.CALL, app_ref__in=apps)
                                             .values_list("app_ref", "entry_id", "calls")):
                usage[(app_ref, entry_id)] = usage.get((app_ref, entry_id), 0) + calls
        if time.monotonic() - self._last_purge > PURGE_EVERY:
            self._last_purge = time.monotonic()
            cutoff = timezone.now() - dt.timedelta(seconds=2 * signing.MAX_SKEW)
            SeenNonce.objects.filter(seen_at__lt=cutoff).delete()
        return version, (today, usage)

    def _apply_usage(self, usage, admitted_during: dict):
        today, counts = usage
        if today != self.day:
            self.day, self.local = today, {}
        self.db_today = counts
        # calls admitted while the query ran may or may not be in it: count them again (a quota errs on the safe side)
        self.local = dict(admitted_during)

    async def refresh(self, force: bool = False):
        before = dict(self.local)
        version, usage = await self.db(self._poll)
        during = {k: v - before.get(k, 0) for k, v in self.local.items() if v - before.get(k, 0) > 0}
        if force or version != self.snapshot.version:
            self.snapshot = await self.db(policy.load, version)
        self._apply_usage(usage, during)

    async def _refresh_loop(self):
        while True:
            await asyncio.sleep(self.refresh_every)
            try:
                await self.refresh()
            except Exception:  # the database is away for a moment: keep serving the last snapshot
                log.warning("gateway policy refresh failed", exc_info=True)

    def used_today(self, app_id: int, entry_id: int | None = None) -> int:
        if entry_id is None:
            return sum(v for (a, _), v in self.db_today.items() if a == app_id) + sum(v for (a, _), v in self.local.items() if a == app_id)
        return self.db_today.get((app_id, entry_id), 0) + self.local.get((app_id, entry_id), 0)

    # auth
    def authenticate(self, request: Request, body: bytes) -> tuple[policy.AppPolicy, signing.SignedParts]:
        """The app of a signed request, or ``signing.SignatureError`` (401)."""
        parts = signing.parse_headers(request.headers)
        app = self.snapshot.apps.get(parts.app_key)
        if app is None:
            raise signing.SignatureError("unknown_app", "签名无效")
        signing.check_signature(parts, app.secret, request.method, request.scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0]
                                or request.url.path, request.scope.get("query_string", b"").decode("latin-1"), body)
        return app, parts

    def admit(self, app: policy.AppPolicy, sub: policy.SubPolicy, entry: policy.EntryPolicy):
        """Rate limit and daily quota (429 with Retry-After), then count the call as in flight."""
        wait = self.buckets.take(("app", app.id), app.rate_limit)
        if not wait and sub.rate_limit:
            wait = self.buckets.take(("sub", sub.id), sub.rate_limit)
        if wait:
            raise Refusal(429, "rate_limited", "调用过于频繁，请稍后再试", {"Retry-After": str(max(1, math.ceil(wait)))})
        if self.used_today(app.id) >= app.daily_quota or (sub.daily_quota and self.used_today(app.id, entry.id) >= sub.daily_quota):
            raise Refusal(429, "quota_exceeded", "今日调用次数已达配额上限", {"Retry-After": str(seconds_to_midnight())})
        key = (app.id, entry.id)
        self.local[key] = self.local.get(key, 0) + 1


# --- request handling -------------------------------------------------------------------------------------
def _purpose(request: Request, sub) -> str:
    raw = request.headers.get(signing.HEADER_PURPOSE, "")
    text = unquote(raw, errors="replace") if raw else ""
    text = "".join(ch for ch in text if ch.isprintable())[:200]
    return text or (sub.purpose[:200] if sub else "")


class Call:
    """What the access record of one call says, filled in as the call proceeds."""

    __slots__ = ("start", "at", "app", "parts", "entry", "resource_id", "sub", "rows", "fields", "request_id")

    def __init__(self):
        self.start = time.perf_counter()
        self.at = dt.datetime.now(dt.timezone.utc)
        self.app = self.parts = self.entry = self.resource_id = self.sub = None
        self.rows, self.fields, self.request_id = 0, (), secrets.token_hex(8)


async def answer(gw: Gateway, request: Request, call: Call, status: int, body: bytes, code: str, headers: dict | None = None) -> Response:
    """Log and meter the call (when the app is known), wait for the commit, then respond."""
    headers = dict(headers or {})
    headers["X-Request-Id"] = call.request_id
    if call.app is not None:
        record = {
            "at": call.at, "kind": UsageKind.CALL, "app_id": call.app.id, "app_key": call.app.key, "consumer_id": call.app.department_id,
            "provider_id": call.entry.department_id if call.entry else None, "entry_id": call.entry.id if call.entry else None,
            "resource_id": call.resource_id, "method": request.method[:8], "path": request.url.path[:300],
            "purpose": _purpose(request, call.sub), "status": status, "code": code[:40], "rows": call.rows,
            "fields": ",".join(call.fields)[:1000], "response_hash": sm3_hex(body), "duration_us": int((time.perf_counter() - call.start) * 1e6),
            "node": gw.node, "request_id": call.request_id,
        }
        usage = None
        if call.entry is not None:
            usage = accesslog.UsageLine(timezone.localdate(), UsageKind.CALL, call.app.id, call.app.department_id, call.entry.department_id,
                                        call.entry.id, call.resource_id or 0, calls=1, errors=1 if status >= 400 else 0, rows=call.rows,
                                        bytes=len(body))
        nonce = (call.app.id, call.parts.nonce) if call.parts is not None and code != REPLAY.code else None
        try:
            fresh = await gw.writer.submit(record, nonce, usage)
        except WriteFailed:
            return Response(error_body("log_unavailable", "访问记录暂时无法写入，请稍后重试"), 503, {"Retry-After": "1", **headers},
                            media_type=JSON_TYPE)
        if not fresh:
            return Response(REPLAY_BODY, 401, headers, media_type=JSON_TYPE)
    return Response(body, status, headers, media_type=JSON_TYPE)


async def refuse(gw, request, call, exc) -> Response:
    if isinstance(exc, signing.SignatureError):
        return await answer(gw, request, call, 401, error_body(exc.code, exc.message), exc.code)
    return await answer(gw, request, call, exc.status, error_body(exc.code, exc.message), exc.code, exc.headers)


async def _authorise(gw: Gateway, request: Request, call: Call, body: bytes, entry_code: str, resource_id_of):
    """Signature, app status, replay (this process), entry, subscription, limits. Raises SignatureError or Refusal."""
    app, parts = gw.authenticate(request, body)
    call.app, call.parts = app, parts
    if not app.active:
        raise signing.SignatureError("app_inactive", "应用已暂停，不能调用")
    snap = gw.snapshot
    entry = snap.entries.get(entry_code)
    if entry is None:
        raise Refusal(404, "unknown_resource", "资源不存在或未向该应用授权")
    call.entry = entry
    call.resource_id = resource_id_of(entry)
    sub = policy.subscription_for(snap, app, entry, call.resource_id, timezone.localdate())
    if sub is None:  # the same answer as an entry that does not exist: a caller learns nothing of others' grants
        raise Refusal(404, "unknown_resource", "资源不存在或未向该应用授权")
    call.sub = sub
    if gw.nonces.seen((app.id, parts.nonce)):  # a replay this process has seen: refused before any work (the database decides the rest)
        call.parts = None
        raise REPLAY
    gw.admit(app, sub, entry)
    return snap, app, entry, sub


def _read_rows(entry: policy.EntryPolicy, fields: tuple[str, ...], conds, after, limit: int):
    table = entry.table
    qn = connection.ops.quote_name
    cols = [f for f in fields if f in table.columns]
    select = ", ".join(qn(c) for c in [BATCH_COLUMN, ROW_COLUMN, *cols])
    where, params = [], []
    if after is not None:
        where.append(f"({qn(BATCH_COLUMN)} > %s OR ({qn(BATCH_COLUMN)} = %s AND {qn(ROW_COLUMN)} > %s))")
        params += [after[0], after[0], after[1]]
    for column, op, values in conds:
        if op == "IN":
            where.append(f"{qn(column)} IN ({', '.join(['%s'] * len(values))})")
        elif op == "LIKE":
            where.append(f"{qn(column)} LIKE %s ESCAPE '\\'")
        else:
            where.append(f"{qn(column)} {op} %s")
        params += values
    sql = f"SELECT {select} FROM {qn(table.table)}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {qn(BATCH_COLUMN)}, {qn(ROW_COLUMN)} LIMIT %s"
    params.append(limit + 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    sealed = {f for f in cols if entry.items[f].personal >= PersonalKind.PERSONAL}
    rows = []
    for r in raw[:limit]:
        row = {}
        for name, value in zip(cols, r[2:]):
            if name in sealed and isinstance(value, (bytes, bytearray, memoryview)):
                try:
                    value = pii.unseal_text(table.table, name, value)
                except Exception:  # never the ciphertext, never the reason
                    value = None
            elif isinstance(value, (bytes, bytearray, memoryview)):
                value = None
            row[name] = value
        rows.append(row)
    cursor_next = f"{raw[limit - 1][0]}-{raw[limit - 1][1]}" if len(raw) > limit else None
    return rows, cursor_next


async def rows_endpoint(request: Request) -> Response:
    gw: Gateway = request.app.state.gateway
    call = Call()
    code = request.path_params["entry_code"]
    try:
        snap, app, entry, sub = await _authorise(gw, request, call, b"", code,
                                                 lambda e: e.table.id if e.table else None)
        if entry.table is None:
            raise Refusal(404, "no_table", "该资源没有可调用的库表数据")
        pairs = parse_qsl(request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if len(pairs) > 50:
            raise filters.bad("查询参数过多")
        params = {}
        for k, v in pairs:
            if k in filters.RESERVED:
                if k in params:
                    raise filters.bad("同一参数只能出现一次")
                params[k] = v
        fields = filters.parse_fields(params.get("fields"), entry, sub.fields)
        limit = filters.parse_limit(params.get("limit"))
        after = filters.parse_after(params.get("after"))
        conds = filters.parse_filters(pairs, entry, sub.fields, entry.table)
        masker = snap.masker(sub, entry, fields)
        shown = tuple(i.field_name for i in masker.columns)
        call.fields = shown
        rows, nxt = await gw.db(_read_rows, entry, shown, conds, after, limit)
    except (signing.SignatureError, Refusal, filters.QueryError) as exc:
        if isinstance(exc, filters.QueryError):
            exc = Refusal(exc.status, exc.code, exc.message)
        return await refuse(gw, request, call, exc)
    except DatabaseError:
        log.warning("gateway read failed for %s", code, exc_info=True)
        return await refuse(gw, request, call, Refusal(503, "data_unavailable", "数据暂时无法读取，请稍后重试", {"Retry-After": "1"}))
    masked = [masker(r) for r in rows]
    call.rows = len(masked)
    body = _json({"code": "ok", "fields": list(shown), "rows": masked, "next": nxt})
    return await answer(gw, request, call, 200, body, "ok")


def _rows_of(payload):
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        for key in ("rows", "data", "items", "results"):
            if isinstance(payload.get(key), list):
                return payload[key]
    return None


async def api_endpoint(request: Request) -> Response:
    gw: Gateway = request.app.state.gateway
    call = Call()
    code, mount_id, rest = request.path_params["entry_code"], request.path_params["mount_id"], request.path_params.get("rest", "")
    body = b""
    try:
        length = request.headers.get("content-length")
        if length and (not length.isdigit() or int(length) > MAX_BODY):
            raise Refusal(413, "body_too_large", "请求体过大")
        body = await request.body()
        if len(body) > MAX_BODY:
            raise Refusal(413, "body_too_large", "请求体过大")

        def resource_of(e):
            m = e.apis.get(mount_id)
            return m.id if m else None

        snap, app, entry, sub = await _authorise(gw, request, call, body, code, resource_of)
        mount = entry.apis.get(mount_id)
        if mount is None:
            raise Refusal(404, "unknown_resource", "资源不存在或未向该应用授权")
        pairs = parse_qsl(request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        fields_raw = [v for k, v in pairs if k == "fields"]
        if len(fields_raw) > 1:
            raise filters.bad("同一参数只能出现一次")
        fields = filters.parse_fields(fields_raw[0] if fields_raw else None, entry, sub.fields)
        masker = snap.masker(sub, entry, fields)
        shown = tuple(i.field_name for i in masker.columns)
        call.fields = shown
        forward = [(k, v) for k, v in pairs if k != "fields"]
        payload, nxt = await _proxy(gw, request.method, mount, rest, forward, body)
    except (signing.SignatureError, Refusal, filters.QueryError) as exc:
        if isinstance(exc, filters.QueryError):
            exc = Refusal(exc.status, exc.code, exc.message)
        return await refuse(gw, request, call, exc)
    masked = [masker(r) for r in payload if isinstance(r, dict)]
    call.rows = len(masked)
    out = _json({"code": "ok", "fields": list(shown), "rows": masked, **({"next": nxt} if nxt else {})})
    return await answer(gw, request, call, 200, out, "ok")


async def _proxy(gw: Gateway, method: str, mount: policy.ApiMount, rest: str, query: list, body: bytes):
    import aiohttp
    from urllib.parse import urlencode, urlsplit

    if gw.http is None:
        gw.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=UPSTREAM_TIMEOUT),
                                        connector=aiohttp.TCPConnector(limit=256, ttl_dns_cache=300))
    base = mount.endpoint.rstrip("/") if rest else mount.endpoint
    url = base + ("/" + rest.lstrip("/") if rest else "")
    qs = urlencode(query)
    path = urlsplit(url).path or "/"
    headers = {"Accept": "application/json"}
    if body:
        headers["Content-Type"] = "application/json"
    if upstream.has_signers():  # a signer may read the database: off the event loop
        headers.update(await gw.db(upstream.headers_for, mount.mount, method, path, qs, body))
    try:
        async with gw.http.request(method, url + ("?" + qs if qs else ""), data=body or None, headers=headers,
                                   allow_redirects=False) as resp:
            if resp.status >= 400:
                raise Refusal(502, "upstream_error", "上游接口返回错误")
            raw = await resp.read()
    except asyncio.TimeoutError:
        raise Refusal(504, "upstream_timeout", "上游接口响应超时") from None
    except aiohttp.ClientError:
        raise Refusal(502, "upstream_unavailable", "上游接口无法连接") from None
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = None
    rows = _rows_of(payload)
    if rows is None:
        raise Refusal(502, "upstream_bad_response", "上游接口返回的数据格式无法识别")
    nxt = payload.get("next") if isinstance(payload, dict) else None  # a paging cursor (a peer gateway's keyset) passes through
    return rows, nxt if isinstance(nxt, str) and len(nxt) <= 200 else None


async def healthz(request: Request) -> Response:
    gw: Gateway = request.app.state.gateway
    return Response(_json({"status": "ok", "policy_version": gw.snapshot.version if gw.snapshot else None, "node": gw.node}),
                    200, media_type=JSON_TYPE)


async def not_found(request: Request, exc) -> Response:
    status = getattr(exc, "status_code", 404)
    if status == 405:
        return Response(error_body("method_not_allowed", "不支持该请求方法"), 405, media_type=JSON_TYPE)
    return Response(error_body("not_found", "接口不存在"), 404 if status == 404 else status, media_type=JSON_TYPE)


async def server_error(request: Request, exc) -> Response:
    log.error("gateway error", exc_info=exc)
    return Response(error_body("internal_error", "网关内部错误，请稍后重试"), 500, media_type=JSON_TYPE)


def build_app(gateway: Gateway | None = None) -> Starlette:
    gateway = gateway or Gateway(db_threads=int(os.environ.get("DIGIGOV_GATEWAY_DB_THREADS", "4") or 4))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await gateway.start()
        try:
            yield
        finally:
            await gateway.stop()

    routes = [
        Route("/gw/v1/healthz", healthz, methods=["GET"]),
        Route("/gw/v1/resources/{entry_code}/rows", rows_endpoint, methods=["GET"]),
        Route("/gw/v1/apis/{entry_code}/{mount_id}", api_endpoint, methods=["GET", "POST"]),
        Route("/gw/v1/apis/{entry_code}/{mount_id}/{rest:path}", api_endpoint, methods=["GET", "POST"]),
    ]
    routes += [Route(path, endpoint, methods=list(methods)) for path, endpoint, methods in registered_routes()]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: not_found, 405: not_found, 500: server_error})
    app.state.gateway = gateway
    return app
