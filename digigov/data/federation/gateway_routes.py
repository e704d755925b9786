"""The federation's route on the gateway (registered through ``gateway.routes``):

``GET /gw/v1/federation/catalog?after=<code>&limit=<n>`` — signed by a peer platform's app (the same
HMAC-SM3 protocol as every data call), answers the catalog offer to that peer (``offer.catalog_offer``).
Logged in the access log and refused like any call: bad signature or replay 401, an app that is not an
active peer app 404, a malformed cursor or limit 400.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from digigov.data.gateway.server import REPLAY, Call, Refusal, _json, answer, refuse
from digigov.data.sharing import signing

from .offer import MAX_LIMIT, catalog_offer

CATALOG_PATH = "/gw/v1/federation/catalog"
_AFTER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$")


def _params(request: Request) -> tuple[str, int]:
    params: dict[str, str] = {}
    for k, v in parse_qsl(request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
        if k not in ("after", "limit") or k in params:
            raise Refusal(400, "bad_query", "查询参数无效（只接受 after 和 limit，各一次）")
        params[k] = v
    after = params.get("after", "")
    if after and not _AFTER.match(after):
        raise Refusal(400, "bad_query", "分页标记无效")
    raw = params.get("limit", "200")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise Refusal(400, "bad_query", f"limit 应为 1 到 {MAX_LIMIT} 之间的整数")
    return after, int(raw)


async def catalog_endpoint(request: Request) -> Response:
    gw = request.app.state.gateway
    call = Call()
    try:
        app, parts = gw.authenticate(request, b"")
        call.app, call.parts = app, parts
        if not app.active:
            raise signing.SignatureError("app_inactive", "应用已暂停，不能调用")
        if gw.nonces.seen((app.id, parts.nonce)):
            call.parts = None
            raise REPLAY
        after, limit = _params(request)
        payload = await gw.db(functools.partial(catalog_offer, app.id, after=after, limit=limit))
        if payload is None:
            raise Refusal(404, "not_a_peer", "该应用不是级联平台应用")
    except (signing.SignatureError, Refusal) as exc:
        return await refuse(gw, request, call, exc)
    call.rows = len(payload["entries"])
    return await answer(gw, request, call, 200, _json(payload), "ok")
