"""Envelope encryption for the rest of DigiGov: ``seal``/``unseal`` bytes under a purpose's data key.

    blob = seal("oidc.signing", private_key_pem)
    pem = unseal("oidc.signing", blob)

A sealed blob is ``0x01 ‖ version (4 bytes, big-endian) ‖ SM4-GCM(nonce ‖ ciphertext ‖ tag)``; the
associated data binds it to the purpose, its own header and the caller's ``aad`` (e.g. table, column and
row), so a blob moved elsewhere fails its integrity check instead of decrypting into the wrong place.

Data keys are created on first use (version 1, wrapped by the master key through ``store.load_store``),
rotated by ``actions.rotate_key``; every version stays readable. Unwrapped keys are cached in the process;
which version is active is re-read every ``ACTIVE_TTL`` seconds, so after a rotation other processes move
to the new version within that time (the re-encryption pass then moves what they wrote meanwhile).

Every seal and unseal counts one use of its key version: counted in memory and added to
``DataKey.use_count`` by ``flush_usage`` (a periodic task, and at the end of bulk jobs).
"""

from __future__ import annotations

import struct
import threading
import time
from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import F

from digigov.security.crypto import CryptoError
from digigov.security.crypto.fast_sm4 import decrypt as sm4_gcm_decrypt, encrypt as sm4_gcm_encrypt

from .models import DataKey, KeyState
from .store import KeyStore, MasterKeyError, load_store

FORMAT = 1
HEADER = struct.Struct(">BI")
ACTIVE_TTL = 30.0

__all__ = ["seal", "unseal", "sealer", "blob_version", "active_key", "key", "flush_usage", "MasterKeyError", "CryptoError"]

_lock = threading.RLock()
_store: KeyStore | None = None
_keys: dict[tuple[str, int], bytes] = {}
_active: dict[str, tuple[int, float]] = {}
_uses: Counter = Counter()


def _context(purpose: str, version: int) -> bytes:
    return f"{purpose}\0{version}".encode()


def store(*, create: bool = False) -> KeyStore:
    global _store
    with _lock:
        if _store is None:
            _store = load_store(create=create)
        return _store


def reset_caches() -> None:
    """Forget cached keys, the store and uncounted uses (tests; after restoring a master key). The
    once-a-minute usage flush starts its minute again, so a long-lived process (a test worker) does not
    flush in the middle of whatever request comes next."""
    global _store
    with _lock:
        _store = None
        _keys.clear()
        _active.clear()
        _uses.clear()
        _last_flush[0] = time.monotonic()


def _unwrap(row: DataKey) -> bytes:
    st = store()
    if row.master_key_id != st.key_id:
        raise MasterKeyError(f"数据密钥 {row} 由另一主密钥（{row.master_key_id}）保护，当前主密钥为 {st.key_id}：请恢复原主密钥")
    return st.unwrap(bytes(row.wrapped), _context(row.purpose, row.version))


def _remember(purpose: str, version: int, value: bytes, *, active: bool) -> None:
    """Cache a key only once its row is committed: a key made inside a transaction that rolls back
    must not outlive it (data sealed under a forgotten key would be lost)."""

    def put():
        with _lock:
            _keys[(purpose, version)] = value
            if active:
                _active[purpose] = (version, time.monotonic())

    transaction.on_commit(put)


def _create_first(purpose: str, length: int) -> DataKey:
    """Version 1 of a purpose, made the first time anything seals under it. The master key is created
    (``var/keys/master.key``) only if the database holds no key at all; otherwise the current master key
    must be the one every stored key was wrapped with."""
    import os

    any_row = DataKey.objects.only("master_key_id").first()
    st = store(create=any_row is None)
    if any_row is not None and any_row.master_key_id != st.key_id:
        raise MasterKeyError("当前主密钥与数据库中已有数据密钥的主密钥不符，拒绝生成新密钥：请恢复原主密钥")
    value = os.urandom(length)
    row = DataKey(purpose=purpose, version=1, length=length, master_key_id=st.key_id,
                  wrapped=st.wrap(value, _context(purpose, 1)))
    try:
        with transaction.atomic():
            row.save()
            from .actions import audit_created

            audit_created(row)
    except IntegrityError:  # made by a parallel first user: use theirs
        return DataKey.objects.get(purpose=purpose, version=1)
    return row


def active_key(purpose: str, length: int = 16) -> tuple[int, bytes]:
    """The version and key new data of ``purpose`` is sealed under (created on first use)."""
    cached = _active.get(purpose)
    if cached and time.monotonic() - cached[1] < ACTIVE_TTL:
        version = cached[0]
        value = _keys.get((purpose, version))
        if value is not None:
            return version, value
    row = DataKey.objects.filter(purpose=purpose, state=KeyState.ACTIVE).first()
    if row is None:
        row = _create_first(purpose, length)
    if row.length != length:
        raise CryptoError(f"密钥用途 {purpose} 的密钥长度为 {row.length} 字节，调用方需要 {length} 字节", code="bad_key")
    value = _unwrap(row)
    _remember(purpose, row.version, value, active=True)
    return row.version, value


def key(purpose: str, version: int) -> bytes:
    """A given version of ``purpose``'s key, to read what was sealed under it."""
    value = _keys.get((purpose, version))
    if value is not None:
        return value
    row = DataKey.objects.filter(purpose=purpose, version=version).first()
    if row is None:
        raise CryptoError(f"密钥 {purpose} 第 {version} 版不存在", code="unknown_key")
    value = _unwrap(row)
    # cached at once, even inside a transaction that may still roll back: this key only decrypts, and a
    # stale one cannot decrypt wrongly (GCM's tag fails, ``unseal`` then drops it and reads the row again)
    with _lock:
        _keys[(purpose, version)] = value
    return value


def count_use(purpose: str, version: int, n: int = 1) -> None:
    _uses[(purpose, version)] += n


def blob_version(blob: bytes) -> int:
    if len(blob) < HEADER.size or blob[0] != FORMAT:
        raise CryptoError("密文格式无法识别", code="bad_ciphertext")
    return HEADER.unpack_from(blob)[1]


def _bound(purpose: str, header: bytes, aad: bytes) -> bytes:
    """The associated data a blob is sealed under: its purpose, its own header and the caller's context."""
    return purpose.encode() + b"\0" + header + aad


def seal(purpose: str, plaintext: bytes, aad: bytes = b"") -> bytes:
    return sealer(purpose, aad)(plaintext)


def sealer(purpose: str, aad: bytes = b""):
    """``seal`` for many values under one key version, looked up once (bulk inserts, migrations,
    re-encryption): returns ``f(plaintext) -> blob``. Each call still counts one use."""
    version, k = active_key(purpose)
    header = HEADER.pack(FORMAT, version)
    full_aad = _bound(purpose, header, aad)
    uses = _uses
    slot = (purpose, version)

    def seal_one(plaintext: bytes) -> bytes:
        uses[slot] += 1
        return header + sm4_gcm_encrypt(k, plaintext, full_aad)

    seal_one.version = version  # type: ignore[attr-defined]
    return seal_one


def active_version(purpose: str) -> int | None:
    """The active version of ``purpose`` in the database (no key is made or unwrapped)."""
    return DataKey.objects.filter(purpose=purpose, state=KeyState.ACTIVE).values_list("version", flat=True).first()


def unseal(purpose: str, blob: bytes, aad: bytes = b"") -> bytes:
    blob = bytes(blob)
    version = blob_version(blob)
    k = key(purpose, version)
    _uses[(purpose, version)] += 1
    full_aad = _bound(purpose, blob[:HEADER.size], aad)
    try:
        return sm4_gcm_decrypt(k, blob[HEADER.size:], full_aad)
    except CryptoError:
        with _lock:  # a key cached from a transaction that rolled back: read the stored one and try once more
            if _keys.get((purpose, version)) is not k:
                raise
            del _keys[(purpose, version)]
        fresh = key(purpose, version)
        if fresh == k:
            raise
        return sm4_gcm_decrypt(fresh, blob[HEADER.size:], full_aad)


def pending_usage() -> dict[tuple[str, int], int]:
    return dict(_uses)


def flush_usage() -> int:
    """Add this process's counted uses to ``DataKey.use_count``; returns how many uses were written."""
    with _lock:
        taken = dict(_uses)
        for k, n in taken.items():
            _uses[k] -= n
            if _uses[k] <= 0:
                del _uses[k]
    written = 0
    items = list(taken.items())
    for i, ((purpose, version), n) in enumerate(items):
        try:
            written += n * DataKey.objects.filter(purpose=purpose, version=version).update(use_count=F("use_count") + n)
        except Exception:
            for k, rest in items[i:]:  # not written: counted again next time
                _uses[k] += rest
            raise
    return written


FLUSH_EVERY = 60.0
_last_flush = [time.monotonic()]


def flush_usage_now_and_then(**_kwargs) -> None:
    """``request_finished`` receiver: web workers add their counted uses to the database at most once a
    minute (the Huey worker's periodic ``tasks.flush_key_usage`` covers itself)."""
    now = time.monotonic()
    if now - _last_flush[0] < FLUSH_EVERY or not _uses:
        return
    _last_flush[0] = now
    try:
        flush_usage()
    except Exception:  # counting must never break a response; the uses stay counted for the next flush
        import logging

        logging.getLogger("digigov.keys").exception("key usage flush failed")
