"""The audit chain's keys. Both come from ``settings.DIGIGOV_AUDIT_KEY`` (env or ``var/audit_key``),
never from the database: whoever can rewrite rows but lacks the key cannot produce valid MACs."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from digigov.core.crypto import hmac_sm3_hex


@lru_cache(maxsize=4)
def _keys(hex_key: str) -> tuple[bytes, bytes]:
    chain = bytes.fromhex(hex_key)
    # a separate key for checkpoints: a checkpoint line's MAC can never double as an entry's MAC
    checkpoint = bytes.fromhex(hmac_sm3_hex(chain, b"digigov/audit/checkpoint/v1"))
    return chain, checkpoint


def chain_key() -> bytes:
    return _keys(settings.DIGIGOV_AUDIT_KEY)[0]


def checkpoint_key() -> bytes:
    return _keys(settings.DIGIGOV_AUDIT_KEY)[1]
