"""Benchmark of the API gateway: the same table rows read (a) directly and (b) through the gateway.

    .venv/bin/python bench/gateway.py [--seconds 10] [--concurrency 32] [--limit 20] [--rows 1000]

1. A fresh SQLite database in a temporary directory (``scratch_database``), migrated; a test city, a
   catalog entry with personal items (name, ID number, phone) and ``--rows`` rows in its table (the
   personal columns sealed, as aggregation stores them); a department app subscribed to five fields,
   the name in clear, the ID number and phone masked.
2. Two uvicorn servers (uvloop + httptools, one process each) on loopback: (a) ``bench/_gateway_direct.py``,
   which reads the page with the gateway's own read function (same SQL, same unsealing) and returns it
   with no checks; (b) the gateway ``digigov.data.gateway.asgi:app``: signature (HMAC-SM3, a fresh nonce per
   call), grant, rate limit and quota, masking, metering (UsageDaily upsert) and the chained access
   record, group-committed before each response.
3. An asyncio + aiohttp load generator, ``--concurrency`` requests in flight, ``--warmup`` seconds unmeasured
   then ``--seconds`` measured, (a) then (b) in the same run. Prints throughput, p50 and p99 of both,
   ``ratio`` = (b)/(a) throughput and the p99 overhead, and checks that (b) logged and metered every call.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, scratch_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--limit", type=int, default=20, help="rows per call (default 20)")
    parser.add_argument("--rows", type=int, default=1000, help="rows in the table (default 1000)")
    parser.add_argument("--db-dir", help="keep the migrated database in this folder and reuse it on the next run "
                                         "(migrating takes minutes on a busy machine); default: a temporary folder")
    args = parser.parse_args()
    if args.db_dir:
        os.makedirs(args.db_dir, exist_ok=True)
        os.environ["DIGIGOV_VAR_DIR"] = args.db_dir
        os.environ["DATABASE_URL"] = f"sqlite:///{args.db_dir}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digigov.core.settings")
        sys.path.insert(0, str(ROOT))
        return run(args)
    with scratch_database("digigov-bench-gateway-"):
        return run(args)


def setup(args):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from digigov.core.testing import City, make_user
    from digigov.data.gateway import testing as gw

    from digigov.core.org.models import Department

    if Department.objects.filter(code="CITY-BDB").exists():  # a kept database (--db-dir): a new entry and app in the same city
        city = type("C", (), {"bureau": Department.objects.get(code="CITY-BDB"), "other_bureau": Department.objects.get(code="CITY-EDU")})
    else:
        city = City()
    import secrets

    admin = make_user("data_admin", department=city.bureau, username=f"bench_{secrets.token_hex(4)}")
    entry = gw.make_people_entry(city.bureau, admin, rows=args.rows)
    app, secret = gw.make_app(city.other_bureau, admin, rate_limit=10_000, daily_quota=100_000_000)
    gw.subscribe(app, entry, admin, fields=["xm", "sfzh", "sjhm", "nl", "sqmc"], clear_fields=["xm"])
    from django.db import connections

    connections.close_all()
    return entry.code, app.app_key, secret


def start(module: str, port: int, extra_env: dict, app_dir: str | None = None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "uvicorn", module, "--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop", "--http", "httptools",
           "--log-level", "warning", "--no-access-log"]
    if app_dir:
        cmd += ["--app-dir", app_dir]
    return subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **extra_env})


async def wait_up(url: str, proc: subprocess.Popen, timeout: float = 300):
    import aiohttp

    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as s:
        while time.monotonic() < deadline:
            try:
                async with s.get(url) as r:
                    if r.status < 500:
                        return
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"{url}: the server exited with {proc.returncode}")
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def load(url_path: str, base: str, seconds: float, warmup: float, concurrency: int, sign=None) -> dict:
    import aiohttp

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    first_body = {}
    measure_from = time.perf_counter() + warmup
    stop_at = measure_from + seconds
    path, _, query = url_path.partition("?")

    async def worker(session):
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                return
            headers = sign("GET", path, query) if sign else {}
            t0 = time.perf_counter()
            async with session.get(base + url_path, headers=headers) as r:
                body = await r.read()
            t1 = time.perf_counter()
            if t0 >= measure_from and t1 <= stop_at:
                latencies.append(t1 - t0)
                statuses[r.status] = statuses.get(r.status, 0) + 1
                if "body" not in first_body:
                    first_body["body"] = body

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    latencies.sort()
    n = len(latencies)
    return {"n": n, "rps": n / seconds, "p50": latencies[n // 2] * 1000 if n else 0, "p99": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else 0,
            "statuses": statuses, "body": first_body.get("body", b"")}


def run(args) -> int:
    import json

    code, app_key, secret = setup(args)
    from digigov.data.gateway.testing import free_port
    from digigov.data.sharing.signing import sign_headers

    direct_port, gw_port = free_port(), free_port()
    procs = [start("_gateway_direct:app", direct_port, {"BENCH_ENTRY": code}, app_dir=str(Path(__file__).parent)),
             start("digigov.data.gateway.asgi:app", gw_port, {})]
    fields = "xm,sfzh,sjhm,nl,sqmc"
    query = f"fields={fields}&limit={args.limit}"
    try:
        asyncio.run(wait_up(f"http://127.0.0.1:{direct_port}/rows?limit=1&fields=xm", procs[0]))
        asyncio.run(wait_up(f"http://127.0.0.1:{gw_port}/gw/v1/healthz", procs[1]))

        def sign(method, path, q):
            return sign_headers(app_key, secret, method, path, q, b"", purpose="性能测试")

        direct = asyncio.run(load(f"/rows?{query}", f"http://127.0.0.1:{direct_port}", args.seconds, args.warmup, args.concurrency))
        via = asyncio.run(load(f"/gw/v1/resources/{code}/rows?{query}", f"http://127.0.0.1:{gw_port}", args.seconds, args.warmup,
                               args.concurrency, sign))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(15)
    a_rows, b_rows = json.loads(direct["body"])["rows"], json.loads(via["body"])["rows"]
    same = [r["xm"] for r in a_rows] == [r["xm"] for r in b_rows] and len(a_rows) == args.limit
    masked = all(b["sfzh"] != a["sfzh"] and b["sfzh"][:6] == a["sfzh"][:6] for a, b in zip(a_rows, b_rows))

    from django.db.models import Sum

    from digigov.data.gateway.accesslog import verify_access_chain
    from digigov.data.sharing.models import AccessRecord, UsageDaily

    logged = AccessRecord.objects.filter(status=200, path__contains=code).count()
    metered = UsageDaily.objects.filter(entry__code=code).aggregate(n=Sum("calls"))["n"] or 0
    ratio = via["rps"] / direct["rps"] if direct["rps"] else 0
    print(f"并发 {args.concurrency}，每次 {args.limit} 行，测量 {args.seconds:.0f} 秒（预热 {args.warmup:.0f} 秒），CPU 核数 {os.cpu_count()}")
    print(f"(a) direct : {direct['rps']:8.0f} req/s  p50 {direct['p50']:6.2f} ms  p99 {direct['p99']:6.2f} ms  状态 {direct['statuses']}")
    print(f"(b) gateway: {via['rps']:8.0f} req/s  p50 {via['p50']:6.2f} ms  p99 {via['p99']:6.2f} ms  状态 {via['statuses']}")
    print(f"ratio = {ratio:.2f}   p99 overhead = {via['p99'] - direct['p99']:.2f} ms")
    print(f"same rows: {same}   ID numbers masked: {masked}   access records (200): {logged}   metered calls: {metered}   "
          f"chain ok: {verify_access_chain().ok}")
    return 0 if same and masked and logged >= via["n"] and metered >= via["n"] else 1


if __name__ == "__main__":
    sys.exit(main())
