"""SM3, HMAC-SM3 and SM4-GCM through ``cryptography``.

SM4-GCM: 128-bit key, 96-bit random nonce, 128-bit tag (GB/T 36624 / RFC 8998's SM4-GCM). The output
``nonce ‖ ciphertext ‖ tag`` is self-contained; ``aad`` binds a ciphertext to its context (e.g. the key id
and the column it belongs to) so that a value copied into another row or column fails to decrypt.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from digigov.core.crypto import sm3

NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 16

__all__ = ["CryptoError", "hmac_sm3", "sm3", "sm4_gcm_decrypt", "sm4_gcm_encrypt", "KEY_BYTES"]


class CryptoError(ValueError):
    """Bad key, bad input or a failed integrity check. ``message`` is Chinese, for the user or the log;
    ``detail`` carries the underlying library's reason (English, for the log only)."""

    def __init__(self, message: str, code: str = "crypto_error", detail: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    h = crypto_hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize()


def _check_key(key: bytes) -> None:
    if not isinstance(key, (bytes, bytearray)) or len(key) != KEY_BYTES:
        raise CryptoError("SM4 密钥长度应为16字节", code="bad_key")


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, aad: bytes = b"", *, nonce: bytes | None = None) -> bytes:
    """``nonce ‖ ciphertext ‖ tag``. ``nonce`` is only for known-answer tests: never reuse one under a key."""
    _check_key(key)
    nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
    if len(nonce) != NONCE_BYTES:
        raise CryptoError("SM4-GCM 随机数长度应为12字节", code="bad_nonce")
    enc = Cipher(algorithms.SM4(bytes(key)), modes.GCM(nonce)).encryptor()
    if aad:
        enc.authenticate_additional_data(aad)
    body = enc.update(plaintext) + enc.finalize()
    return nonce + body + enc.tag


def sm4_gcm_decrypt(key: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    _check_key(key)
    if not isinstance(blob, (bytes, bytearray)) or len(blob) < NONCE_BYTES + TAG_BYTES:
        raise CryptoError("密文长度不足", code="bad_ciphertext")
    nonce, body, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    dec = Cipher(algorithms.SM4(bytes(key)), modes.GCM(bytes(nonce), bytes(tag))).decryptor()
    if aad:
        dec.authenticate_additional_data(aad)
    try:
        return dec.update(bytes(body)) + dec.finalize()
    except InvalidTag:
        raise CryptoError("密文完整性校验失败（密钥不符或数据被篡改）", code="integrity") from None
