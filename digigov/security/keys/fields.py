"""The cipher behind ``digigov.core.pii``'s encrypted fields, registered from ``apps.ready``.

Field values are sealed under the purpose the field names (``pii`` by default) with ``api.seal``; the
blind index is HMAC-SM3 under the 32-byte key of ``pii.blind_index``, a purpose of its own so that the
index key and the encryption key are never the same key. The blind-index key is not rotated online
(``actions.rotate_key`` refuses it): every index value would have to be recomputed from the clear text
before lookups could use the new key (see docs/security/keys.md).
"""

from __future__ import annotations

from digigov.core.pii import BLIND_INDEX_PURPOSE
from digigov.security.crypto.fast_sm4 import hmac_sm3_keyed

from . import api

BLIND_KEY_BYTES = 32


class KeyStoreFieldCipher:
    def __init__(self):
        self._macs: dict = {}  # blind-index key → its keyed HMAC (inner/outer states computed once)

    def seal(self, purpose: str, plaintext: bytes, aad: bytes) -> bytes:
        return api.seal(purpose, plaintext, aad)

    def unseal(self, purpose: str, blob: bytes, aad: bytes) -> bytes:
        return api.unseal(purpose, blob, aad)

    def sealer(self, purpose: str, aad: bytes):
        return api.sealer(purpose, aad)

    def blind_indexer(self):
        version, key = api.active_key(BLIND_INDEX_PURPOSE, BLIND_KEY_BYTES)
        uses = api._uses
        slot = (BLIND_INDEX_PURPOSE, version)

        mac = self._macs.get(key)
        if mac is None:
            if len(self._macs) > 8:
                self._macs.clear()
            mac = self._macs[key] = hmac_sm3_keyed(key)

        def index(data: bytes) -> bytes:
            uses[slot] += 1
            return mac(data)

        return index

    def blob_version(self, blob: bytes) -> int:
        return api.blob_version(blob)

    def active_version(self, purpose: str) -> int | None:
        return api.active_version(purpose)
