"""Calls from this platform to a peer's gateway, signed with the credential the peer issued us.

Used by the catalog synchronisation (a management action, not the data path: the gateway proxies data
calls itself, signing them through ``signer``). Plain ``urllib``: one call per page, bounded in time.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

from digigov.data.sharing.signing import sign_headers

TIMEOUT = 20
MAX_RESPONSE = 32 * 1024 * 1024


class PeerError(Exception):
    """A call to the peer failed; ``message`` is Chinese and safe to show (no body, no internals)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def get_json(peer, path: str, params: dict | None = None, *, purpose: str = "级联目录同步") -> dict:
    if not peer.has_credential:
        raise PeerError("no_credential", "尚未登记对方平台发给本平台的应用标识和密钥")
    query = urlencode([(k, v) for k, v in (params or {}).items() if v not in (None, "")])
    url = peer.gateway_url.rstrip("/") + path + ("?" + query if query else "")
    headers = sign_headers(peer.remote_app_key, peer.remote_secret, "GET", urlsplit(url).path, query, b"", purpose=purpose)
    headers["Accept"] = "application/json"
    request = urllib.request.Request(url, headers=headers, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as resp:  # noqa: S310 - an http(s) URL validated on registration
            raw = resp.read(MAX_RESPONSE + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            raise PeerError("peer_refused_signature", "对方平台拒绝了本平台的签名，请核对对方发给本平台的应用标识和密钥") from None
        if exc.code == 404:
            raise PeerError("peer_not_found", "对方平台不认可本平台为级联平台，或未提供该接口") from None
        if exc.code == 429:
            raise PeerError("peer_rate_limited", "对方平台限流，请稍后再试") from None
        raise PeerError("peer_error", f"对方平台返回错误（HTTP {exc.code}）") from None
    except (urllib.error.URLError, TimeoutError, OSError):
        raise PeerError("peer_unreachable", "无法连接对方平台网关，请检查网关地址和网络") from None
    if len(raw) > MAX_RESPONSE:
        raise PeerError("peer_response_too_large", "对方平台返回的数据过大")
    try:
        data = json.loads(raw)
    except ValueError:
        raise PeerError("peer_bad_response", "对方平台返回的数据格式无法识别") from None
    if not isinstance(data, dict):
        raise PeerError("peer_bad_response", "对方平台返回的数据格式无法识别")
    return data
