"""How the gateway authenticates itself to an upstream API it proxies.

Most mounted APIs are inside the e-gov network and need nothing. A peer platform's API (the province's
gateway, see ``digigov.data.federation``) expects the same signed request as ours: the federation code
registers a signer here, and the gateway asks ``headers_for`` before each upstream call (from its database
thread pool: a signer may read the database). Registration
keeps the gateway free of federation details and lets any number of signers coexist (first match wins).
"""

from __future__ import annotations

from typing import Callable

Signer = Callable[[object, str, str, str, bytes], "dict[str, str] | None"]  # (mount, method, url path, query, body)
_signers: list[Signer] = []


def register_upstream_signer(func: Signer) -> None:
    if func not in _signers:
        _signers.append(func)


def has_signers() -> bool:
    return bool(_signers)


def headers_for(mount, method: str, path: str, query: str, body: bytes) -> dict[str, str]:
    for func in _signers:
        headers = func(mount, method, path, query, body)
        if headers is not None:
            return headers
    return {}
