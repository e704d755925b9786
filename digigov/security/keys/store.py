"""Where the master key lives, behind one small interface so a 密码机 (HSM) can replace the file.

``KeyStore`` is all the rest of DigiGov sees of the master key: it wraps and unwraps data keys and names
the master key it uses (``key_id``, a fingerprint, not secret). The master key itself never leaves the
store and is never written to the database.

``FileKeyStore`` (the default) keeps a 128-bit SM4 master key in ``DIGIGOV_MASTER_KEY`` (32 hex digits)
or, without it, in the file ``DIGIGOV_MASTER_KEY_FILE`` (default ``var/keys/master.key``, mode 0600),
generated there once when the database holds no key yet. Wrapping is SM4-GCM with the key's purpose and
version as associated data, so a wrapped key copied onto another row does not unwrap.

An HSM store implements the same three members (``key_id``, ``wrap``, ``unwrap``): the HSM keeps the
master key and performs the SM4 operations (GM/T 0018 SDF: ``SDF_Encrypt``/``SDF_Decrypt`` with an
internal key index, or PKCS#11 ``C_WrapKey``/``C_UnwrapKey``); name its class in ``DIGIGOV_KEY_STORE``.
Data keys then exist in clear only in the platform's memory, never on disk.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from digigov.security.crypto import CryptoError, hmac_sm3, sm4_gcm_decrypt, sm4_gcm_encrypt


class MasterKeyError(RuntimeError):
    """The master key is missing, malformed or not the one the stored keys were wrapped with."""


class KeyStore(Protocol):
    key_id: str

    def wrap(self, key: bytes, context: bytes) -> bytes: ...

    def unwrap(self, blob: bytes, context: bytes) -> bytes: ...


def fingerprint(master: bytes) -> str:
    return hmac_sm3(master, b"digigov/master-key-id").hex()[:16]


def _parse(hex_text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(hex_text.strip())
    except ValueError:
        raise MasterKeyError(f"主密钥格式错误（{where}）：应为32位十六进制数") from None
    if len(key) != 16:
        raise MasterKeyError(f"主密钥长度错误（{where}）：应为16字节（32位十六进制数）")
    return key


class FileKeyStore:
    def __init__(self, *, create: bool = False):
        env = getattr(settings, "DIGIGOV_MASTER_KEY", "")
        path = Path(settings.DIGIGOV_MASTER_KEY_FILE)
        if env:
            self._key = _parse(env, "环境变量 DIGIGOV_MASTER_KEY")
        elif path.exists():
            self._key = _parse(path.read_text(), str(path))
        elif create:
            self._key = self._create(path)
        else:
            raise MasterKeyError(
                f"主密钥缺失：未设置 DIGIGOV_MASTER_KEY，且 {path} 不存在。数据库中已有用主密钥保护的数据密钥，"
                "请恢复原主密钥后再启动；生成新主密钥将使已加密数据无法读取。")
        self.key_id = fingerprint(self._key)

    @staticmethod
    def _create(path: Path) -> bytes:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = os.urandom(16)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            return _parse(path.read_text(), str(path))
        with os.fdopen(fd, "w") as fh:
            fh.write(key.hex() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return key

    def wrap(self, key: bytes, context: bytes) -> bytes:
        return sm4_gcm_encrypt(self._key, key, b"digigov/wrap\0" + context)

    def unwrap(self, blob: bytes, context: bytes) -> bytes:
        try:
            return sm4_gcm_decrypt(self._key, bytes(blob), b"digigov/wrap\0" + context)
        except CryptoError:
            raise MasterKeyError("数据密钥无法用当前主密钥解开：主密钥不符或密钥记录被篡改") from None


def load_store(*, create: bool = False) -> KeyStore:
    return import_string(settings.DIGIGOV_KEY_STORE)(create=create)
