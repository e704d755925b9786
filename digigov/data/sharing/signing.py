"""The request signature every gateway call carries (the same for the platform gateway, the open-data
API and a peer platform).

Headers::

    X-App-Key:    the app key
    X-Timestamp:  Unix seconds (UTC); refused when more than ``MAX_SKEW`` seconds away from the server's clock
    X-Nonce:      16–64 characters of [A-Za-z0-9_-], never reused by the same app (the gateway remembers
                  nonces for twice ``MAX_SKEW``)
    X-Signature:  hex HMAC-SM3(secret, string to sign)

String to sign (UTF-8, lines joined by "\\n")::

    METHOD            upper case
    PATH              the URL path as sent, percent-encoded, without the query
    CANONICAL QUERY   the query parameters sorted by name then value, each percent-encoded (RFC 3986) as name=value, joined by &
    BODY HASH         hex SM3 of the request body (of b"" when there is none)
    TIMESTAMP
    NONCE

A client in any language needs only SM3 and HMAC; ``sign_headers`` is the reference implementation and
what the tests, the benchmark and the federation client use.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

from digigov.core.crypto import constant_time_equals, hmac_sm3_hex, sm3_hex

MAX_SKEW = 300  # seconds
NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
APP_KEY_RE = re.compile(r"^[A-Za-z0-9]{16,32}$")
HEADER_APP_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE, HEADER_PURPOSE = (
    "X-App-Key", "X-Timestamp", "X-Nonce", "X-Signature", "X-Purpose")


class SignatureError(Exception):
    """A request the gateway refuses with 401: ``code`` is machine-readable, ``message`` Chinese and leaks nothing."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def canonical_query(query: str | list[tuple[str, str]]) -> str:
    pairs = parse_qsl(query, keep_blank_values=True) if isinstance(query, str) else list(query)
    return "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(pairs))


def string_to_sign(method: str, path: str, query, body: bytes, timestamp: str, nonce: str) -> str:
    return "\n".join((method.upper(), path, canonical_query(query or ""), sm3_hex(body or b""), timestamp, nonce))


def signature(secret: str, method: str, path: str, query, body: bytes, timestamp: str, nonce: str) -> str:
    return hmac_sm3_hex(secret.encode(), string_to_sign(method, path, query, body, timestamp, nonce).encode())


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def sign_headers(app_key: str, secret: str, method: str, path: str, query="", body: bytes = b"", *,
                 timestamp: int | None = None, nonce: str | None = None, purpose: str = "") -> dict[str, str]:
    """The headers of a signed request (``purpose`` is sent as ``X-Purpose``, percent-encoded UTF-8)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or new_nonce()
    headers = {HEADER_APP_KEY: app_key, HEADER_TIMESTAMP: ts, HEADER_NONCE: nonce,
               HEADER_SIGNATURE: signature(secret, method, path, query, body, ts, nonce)}
    if purpose:
        headers[HEADER_PURPOSE] = quote(purpose, safe="")
    return headers


@dataclass(frozen=True)
class SignedParts:
    app_key: str
    timestamp: int
    nonce: str
    signature: str


def parse_headers(headers, *, now: float | None = None) -> SignedParts:
    """The signature headers, checked for shape and freshness (not yet the signature: that needs the
    app's secret). ``headers`` is any case-insensitive mapping or a dict with lower-case keys."""

    def get(name):
        return headers.get(name) or headers.get(name.lower()) or ""

    app_key, ts, nonce, sig = get(HEADER_APP_KEY), get(HEADER_TIMESTAMP), get(HEADER_NONCE), get(HEADER_SIGNATURE)
    if not (app_key and ts and nonce and sig):
        raise SignatureError("signature_missing", "请求缺少签名信息（X-App-Key、X-Timestamp、X-Nonce、X-Signature）")
    if not APP_KEY_RE.match(app_key):
        raise SignatureError("bad_app_key", "应用标识无效")
    if not ts.isdigit() or len(ts) > 12:
        raise SignatureError("bad_timestamp", "时间戳格式无效")
    if abs((time.time() if now is None else now) - int(ts)) > MAX_SKEW:
        raise SignatureError("stale_timestamp", f"请求时间戳与服务器时间相差超过 {MAX_SKEW} 秒")
    if not NONCE_RE.match(nonce):
        raise SignatureError("bad_nonce", "随机数（X-Nonce）格式无效")
    if not re.fullmatch(r"[0-9a-f]{64}", sig):
        raise SignatureError("bad_signature", "签名无效")
    return SignedParts(app_key, int(ts), nonce, sig)


def check_signature(parts: SignedParts, secret: str, method: str, path: str, query, body: bytes) -> None:
    expected = signature(secret, method, path, query, body, str(parts.timestamp), parts.nonce)
    if not constant_time_equals(expected, parts.signature):
        raise SignatureError("bad_signature", "签名无效")
