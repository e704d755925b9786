"""Signing the gateway's proxied calls to a peer (registered with ``sharing.upstream``).

A mirrored entry's API mount points at the peer's gateway; when our gateway proxies a local consumer's
call there, this signer adds the HMAC-SM3 headers of the credential the peer issued us, so the peer's
gateway enforces its own grant to us (fields, masking, limits) and logs the call against our platform.

The gateway calls signers from its database thread pool; lookups are cached for ``TTL`` seconds per
mount (a credential change or a suspended peer takes effect within that time).
"""

from __future__ import annotations

import threading
import time

from digigov.data.sharing.signing import sign_headers

TTL = 10.0
_cache: dict[int, tuple[float, tuple[str, str, str] | None]] = {}
_lock = threading.Lock()


def _credential(mount_id: int) -> tuple[str, str, str] | None:
    from .models import MirroredEntry, MirrorStatus, PeerStatus

    now = time.monotonic()
    with _lock:
        hit = _cache.get(mount_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    mirror = (MirroredEntry.objects.filter(mount_id=mount_id, status=MirrorStatus.ACTIVE, peer__status=PeerStatus.ACTIVE)
              .select_related("peer").first())
    value = None
    if mirror is not None and mirror.peer.has_credential:
        value = (mirror.peer.remote_app_key, mirror.peer.remote_secret, f"级联调用（{mirror.peer.name}）")
    with _lock:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[mount_id] = (now + TTL, value)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def sign_peer_call(mount, method: str, path: str, query: str, body: bytes) -> dict[str, str] | None:
    if mount is None or getattr(mount, "pk", None) is None:
        return None
    cred = _credential(mount.pk)
    if cred is None:
        return None
    key, secret, purpose = cred
    return sign_headers(key, secret, method, path, query, body, purpose=purpose)
