"""The "direct" side of bench/gateway.py: the same table read as the gateway's (``server._read_rows``: the
keyset SQL, the personal columns unsealed) in the same thread pool, served by uvicorn, with no signature,
no grant, no masking, no metering and no access log. ``BENCH_ENTRY`` names the entry."""

import asyncio
import json
import os
from concurrent.futures import ThreadPoolExecutor

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digigov.core.settings")
django.setup()

from starlette.applications import Starlette  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from digigov.data.gateway import policy  # noqa: E402
from digigov.data.gateway.server import _read_rows  # noqa: E402

executor = ThreadPoolExecutor(4)
state = {}


async def rows(request):
    entry = state.get("entry")
    if entry is None:
        entry = state["entry"] = await asyncio.get_running_loop().run_in_executor(executor, lambda: policy.load().entries[os.environ["BENCH_ENTRY"]])
    limit = int(request.query_params.get("limit", "20"))
    fields = tuple(request.query_params.get("fields", "").split(","))
    data, nxt = await asyncio.get_running_loop().run_in_executor(executor, _read_rows, entry, fields, [], None, limit)
    body = json.dumps({"code": "ok", "fields": list(fields), "rows": data, "next": nxt}, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode()
    return Response(body, media_type="application/json; charset=utf-8")


app = Starlette(routes=[Route("/rows", rows)])
