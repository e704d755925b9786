"""SM2 (GB/T 32918) through the system OpenSSL libcrypto (3.0 or later) with ctypes.

Why ctypes: ``cryptography`` cannot load SM2 keys (its bundled OpenSSL refuses the curve) and pure
Python (gmssl) is ~20x too slow. libcrypto does the arithmetic; this module only passes bytes in and out.

Usage (the API other parts of DigiGov sign, verify, encrypt and decrypt with)::

    from digigov.security.crypto import sm2

    key = sm2.generate_private_key()            # or sm2.load_private_key(pem_or_der)
    pem = key.to_pem()                          # PKCS#8 "BEGIN PRIVATE KEY"; key.to_der() for DER
    pub = key.public_key()                      # SM2PublicKey
    sig = key.sign(b"message")                  # DER SEQUENCE{r, s}, user id 1234567812345678
    assert pub.verify(sig, b"message")          # bool
    pub.to_pem(); pub.to_der()                  # SPKI "BEGIN PUBLIC KEY" / DER
    point = pub.raw_point()                     # 65 bytes 04 ‖ x ‖ y (for certificates, SES seals)
    pub2 = sm2.public_key_from_point(point)
    ct = pub.encrypt(b"secret")                 # GB/T 32918.4, ASN.1 C1C3C2 (below)
    assert key.decrypt(ct) == b"secret"
    sm2.private_key_from_scalar(d, point)       # published vectors, keys exported by a 密码机

Keys are loaded once and reused: an ``SM2PrivateKey``/``SM2PublicKey`` wraps one ``EVP_PKEY``, may be
used from any number of threads at once (gunicorn threads, Huey workers), and frees it on ``close()``
or garbage collection. Objects cannot be pickled or copied (the pointer would be freed twice): pass
PEM/DER between processes.

Signatures: SM3 over ``Z ‖ M`` where ``Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA)`` and ID is the
GB/T 32918 / GM/T 0009 default user id ``1234567812345678`` unless ``user_id=`` says otherwise (the
verifier must use the same id). Output is DER ``SEQUENCE { r INTEGER, s INTEGER }`` (70–72 bytes),
which ``openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678`` accepts.

``verify`` returns ``False`` for every signature that does not verify: wrong message, wrong key,
wrong user id, truncated, garbage, non-canonical DER, trailing bytes, empty. It raises ``CryptoError``
only when the *caller* passes something that is not bytes (or a user id that cannot be one), so a
forged signature can never turn into an exception path.

Encryption (GB/T 32918.4): the ciphertext is OpenSSL's (and GM/T 0009-2012 §7.2's) DER structure::

    SM2Cipher ::= SEQUENCE {
        XCoordinate INTEGER,        -- x of C1 = [k]G
        YCoordinate INTEGER,        -- y of C1
        HASH        OCTET STRING,   -- C3 = SM3(x2 ‖ M ‖ y2), 32 bytes
        CipherText  OCTET STRING }  -- C2 = M xor KDF(x2 ‖ y2, len(M))

i.e. C1C3C2 order in ASN.1, ~107 bytes + len(M). (Some libraries emit the raw concatenation
``04 ‖ x1 ‖ y1 ‖ C3 ‖ C2`` or the old C1C2C3 order; convert before calling ``decrypt``.) An empty
plaintext cannot be encrypted (the KDF output would be empty, which GB/T 32918.4 rejects).

Bad input (malformed PEM/DER, a P-256 or RSA key where an SM2 key belongs, a point not on the curve,
tampered ciphertext, a closed key) raises ``CryptoError(message in Chinese, code)``, never a crash.
The OpenSSL error queue of the calling thread is always emptied afterwards, so a failure here cannot
surface later in another user of the same libcrypto (psycopg's TLS, Python's ssl).
"""

from __future__ import annotations

import base64
import binascii
import ctypes
import ctypes.util
import re
import sys
import threading
from ctypes import POINTER, byref, c_char_p, c_int, c_long, c_size_t, c_uint, c_ulong, c_void_p

from .symmetric import CryptoError

__all__ = [
    "DEFAULT_USER_ID",
    "SM2PrivateKey",
    "SM2PublicKey",
    "SM2Unavailable",
    "generate_private_key",
    "load_private_key",
    "load_public_key",
    "public_key_from_point",
    "private_key_from_scalar",
    "openssl_version",
]

#: GB/T 32918.2 / GM/T 0009-2012 §10 default distinguishing identifier.
DEFAULT_USER_ID = b"1234567812345678"
#: ENTL is a 16-bit count of *bits* (so < 8192 bytes); OpenSSL accepts at most 8190.
MAX_USER_ID_BYTES = 8190
#: Uncompressed point: 04 ‖ x (32 bytes) ‖ y (32 bytes).
POINT_BYTES = 65
#: A DER SM2 signature is at most 72 bytes (two 33-byte INTEGERs plus headers).
MAX_SIGNATURE_BYTES = 72


class SM2Unavailable(ImportError):
    """The system libcrypto is missing, older than 3.0, or built without SM2/SM3."""


# --- loading libcrypto -------------------------------------------------------------------------

def _load_libcrypto() -> ctypes.CDLL:
    # The system library, never cryptography's bundled copy (which has no SM2 key support). CDLL (not
    # PyDLL) releases the GIL during each call, so threads sign in parallel.
    candidates = []
    found = ctypes.util.find_library("crypto")
    if found:
        candidates.append(found)
    candidates += ["libcrypto.so.3", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3", "/usr/lib/aarch64-linux-gnu/libcrypto.so.3",
                   "/usr/lib64/libcrypto.so.3", "/usr/lib/libcrypto.so.3", "libcrypto.3.dylib"]
    errors = []
    for name in candidates:
        try:
            lib = ctypes.CDLL(name)
        except OSError as exc:
            errors.append(f"{name}: {exc}")
            continue
        if not hasattr(lib, "OpenSSL_version_num"):
            errors.append(f"{name}: 不是 OpenSSL 1.1+/3.x 的 libcrypto")
            continue
        lib.OpenSSL_version_num.restype = c_ulong
        lib.OpenSSL_version_num.argtypes = []
        if lib.OpenSSL_version_num() < 0x30000000:
            errors.append(f"{name}: 版本 {lib.OpenSSL_version_num():#x} 低于 3.0")
            continue
        return lib
    raise SM2Unavailable(
        "未找到可用的系统 OpenSSL libcrypto（需要 3.0 及以上并支持 SM2/SM3；Debian: apt-get install libssl3）。"
        "No usable system libcrypto >= 3.0: " + "; ".join(errors)
    )


_lib = _load_libcrypto()


def _fn(name: str, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_PP = POINTER(c_void_p)

OpenSSL_version = _fn("OpenSSL_version", c_char_p, c_int)
ERR_get_error = _fn("ERR_get_error", c_ulong)
ERR_error_string_n = _fn("ERR_error_string_n", None, c_ulong, c_char_p, c_size_t)
ERR_clear_error = _fn("ERR_clear_error", None)

EVP_PKEY_free = _fn("EVP_PKEY_free", None, c_void_p)
EVP_PKEY_up_ref = _fn("EVP_PKEY_up_ref", c_int, c_void_p)
EVP_PKEY_is_a = _fn("EVP_PKEY_is_a", c_int, c_void_p, c_char_p)
EVP_PKEY_get_octet_string_param = _fn("EVP_PKEY_get_octet_string_param", c_int, c_void_p, c_char_p, c_void_p, c_size_t,
                                      POINTER(c_size_t))
EVP_PKEY_CTX_new = _fn("EVP_PKEY_CTX_new", c_void_p, c_void_p, c_void_p)
EVP_PKEY_CTX_new_from_name = _fn("EVP_PKEY_CTX_new_from_name", c_void_p, c_void_p, c_char_p, c_char_p)
EVP_PKEY_CTX_free = _fn("EVP_PKEY_CTX_free", None, c_void_p)
EVP_PKEY_CTX_set1_id = _fn("EVP_PKEY_CTX_set1_id", c_int, c_void_p, c_void_p, c_int)
EVP_PKEY_keygen_init = _fn("EVP_PKEY_keygen_init", c_int, c_void_p)
EVP_PKEY_generate = _fn("EVP_PKEY_generate", c_int, c_void_p, _PP)
EVP_PKEY_fromdata_init = _fn("EVP_PKEY_fromdata_init", c_int, c_void_p)
EVP_PKEY_fromdata = _fn("EVP_PKEY_fromdata", c_int, c_void_p, _PP, c_int, c_void_p)
EVP_PKEY_check = _fn("EVP_PKEY_check", c_int, c_void_p)
EVP_PKEY_public_check_quick = _fn("EVP_PKEY_public_check_quick", c_int, c_void_p)
EVP_PKEY_encrypt_init = _fn("EVP_PKEY_encrypt_init", c_int, c_void_p)
EVP_PKEY_encrypt = _fn("EVP_PKEY_encrypt", c_int, c_void_p, c_void_p, POINTER(c_size_t), c_char_p, c_size_t)
EVP_PKEY_decrypt_init = _fn("EVP_PKEY_decrypt_init", c_int, c_void_p)
EVP_PKEY_decrypt = _fn("EVP_PKEY_decrypt", c_int, c_void_p, c_void_p, POINTER(c_size_t), c_char_p, c_size_t)

EVP_MD_fetch = _fn("EVP_MD_fetch", c_void_p, c_void_p, c_char_p, c_char_p)
EVP_MD_CTX_new = _fn("EVP_MD_CTX_new", c_void_p)
EVP_MD_CTX_free = _fn("EVP_MD_CTX_free", None, c_void_p)
EVP_MD_CTX_set_pkey_ctx = _fn("EVP_MD_CTX_set_pkey_ctx", None, c_void_p, c_void_p)
EVP_DigestSignInit = _fn("EVP_DigestSignInit", c_int, c_void_p, c_void_p, c_void_p, c_void_p, c_void_p)
EVP_DigestSign = _fn("EVP_DigestSign", c_int, c_void_p, c_void_p, POINTER(c_size_t), c_char_p, c_size_t)
EVP_DigestVerifyInit = _fn("EVP_DigestVerifyInit", c_int, c_void_p, c_void_p, c_void_p, c_void_p, c_void_p)
EVP_DigestVerify = _fn("EVP_DigestVerify", c_int, c_void_p, c_char_p, c_size_t, c_char_p, c_size_t)

d2i_AutoPrivateKey = _fn("d2i_AutoPrivateKey", c_void_p, c_void_p, _PP, c_long)
d2i_PUBKEY = _fn("d2i_PUBKEY", c_void_p, c_void_p, _PP, c_long)
i2d_PUBKEY = _fn("i2d_PUBKEY", c_int, c_void_p, _PP)
EVP_PKEY2PKCS8 = _fn("EVP_PKEY2PKCS8", c_void_p, c_void_p)
i2d_PKCS8_PRIV_KEY_INFO = _fn("i2d_PKCS8_PRIV_KEY_INFO", c_int, c_void_p, _PP)
PKCS8_PRIV_KEY_INFO_free = _fn("PKCS8_PRIV_KEY_INFO_free", None, c_void_p)


class _OSSLParam(ctypes.Structure):
    # struct ossl_param_st (include/openssl/core.h)
    _fields_ = [("key", c_char_p), ("data_type", c_uint), ("data", c_void_p), ("data_size", c_size_t),
                ("return_size", c_size_t)]


_OSSL_PARAM_UNSIGNED_INTEGER = 2
_OSSL_PARAM_UTF8_STRING = 4
_OSSL_PARAM_OCTET_STRING = 5
_OSSL_PARAM_UNMODIFIED = ctypes.c_size_t(-1).value
# OSSL_KEYMGMT_SELECT_* (include/openssl/core_dispatch.h): domain parameters | public key (| private key)
_SELECT_PUBLIC_KEY = 0x04 | 0x80 | 0x02
_SELECT_KEYPAIR = _SELECT_PUBLIC_KEY | 0x01


def openssl_version() -> str:
    """The libcrypto in use, e.g. ``OpenSSL 3.0.19 27 Jan 2026`` (for the 密评 self-check page)."""
    return OpenSSL_version(0).decode()


def _check_sm2_support():
    md = EVP_MD_fetch(None, b"SM3", None)
    ctx = EVP_PKEY_CTX_new_from_name(None, b"SM2", None)
    if ctx:
        EVP_PKEY_CTX_free(ctx)
    ERR_clear_error()
    if not md or not ctx:
        raise SM2Unavailable(f"系统 OpenSSL（{openssl_version()}）不支持 SM2/SM3（编译时使用了 no-sm2/no-sm3）。"
                             "The system libcrypto has no SM2 or SM3.")
    return md


# Fetched once and kept for the life of the process: an explicit fetch per call costs a provider lookup.
_SM3 = _check_sm2_support()


# --- errors ------------------------------------------------------------------------------------

def _openssl_reason() -> str:
    """Drain this thread's OpenSSL error queue; the reasons (English, for the log) joined."""
    reasons = []
    buf = ctypes.create_string_buffer(256)
    while True:
        code = ERR_get_error()
        if not code:
            break
        ERR_error_string_n(code, buf, 256)
        reasons.append(buf.value.decode(errors="replace"))
    return "; ".join(reasons[:4])


def _fail(message: str, code: str) -> CryptoError:
    return CryptoError(message, code=code, detail=_openssl_reason())


def _as_bytes(value, what: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise CryptoError(f"{what}应为字节串", code="bad_input")


def _user_id(user_id) -> bytes:
    if isinstance(user_id, str):
        user_id = user_id.encode("utf-8")
    user_id = _as_bytes(user_id, "用户标识")
    if not user_id:
        raise CryptoError("SM2 用户标识不能为空", code="bad_user_id")
    if len(user_id) > MAX_USER_ID_BYTES:
        raise CryptoError("SM2 用户标识过长（最多 8190 字节）", code="bad_user_id")
    return user_id


# --- PEM ---------------------------------------------------------------------------------------

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


def _looks_like_pem(data: bytes) -> bool:
    return data.lstrip()[:11] == b"-----BEGIN "


def _pem_decode(data, labels: tuple[bytes, ...], what: str) -> bytes:
    """The DER inside the first PEM block whose label is in ``labels`` (other blocks are skipped)."""
    if isinstance(data, str):
        try:
            data = data.encode("ascii")
        except UnicodeEncodeError:
            raise CryptoError(f"{what} PEM 含有非 ASCII 字符", code="bad_pem") from None
    data = _as_bytes(data, what)
    found = []
    for match in _PEM_BLOCK.finditer(data):
        label = match.group(1)
        found.append(label)
        if label == b"ENCRYPTED PRIVATE KEY" and b"ENCRYPTED PRIVATE KEY" not in labels:
            raise CryptoError("不支持加密的私钥 PEM；请先解密为 PKCS#8 明文，私钥由密钥库保护", code="encrypted_key")
        if label in labels:
            body = match.group(2)
            if b":" in body:  # "Proc-Type: 4,ENCRYPTED" headers of traditional encrypted PEM
                raise CryptoError("不支持带口令加密的 PEM", code="encrypted_key")
            try:
                der = base64.b64decode(b"".join(body.split()), validate=True)
            except (binascii.Error, ValueError):
                raise CryptoError(f"{what} PEM 的 Base64 内容无效", code="bad_pem") from None
            if not der:
                raise CryptoError(f"{what} PEM 内容为空", code="bad_pem")
            return der
    if found:
        names = "、".join(label.decode() for label in found)
        raise CryptoError(f"PEM 类型不符：需要{what}，收到 {names}", code="wrong_pem_type")
    raise CryptoError(f"不是有效的{what} PEM", code="bad_pem")


def _pem_encode(der: bytes, label: bytes) -> bytes:
    b64 = base64.b64encode(der)
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return b"-----BEGIN " + label + b"-----\n" + b"\n".join(lines) + b"\n-----END " + label + b"-----\n"


def _is_one_der_sequence(der: bytes) -> bool:
    """Exactly one DER SEQUENCE, nothing after it (OpenSSL's d2i would ignore trailing bytes)."""
    if len(der) < 2 or der[0] != 0x30:
        return False
    first = der[1]
    if first < 0x80:
        return 2 + first == len(der)
    n = first & 0x7F
    if not 1 <= n <= 3 or len(der) < 2 + n:
        return False
    length = int.from_bytes(der[2:2 + n], "big")
    return length >= 0x80 and (n == 1 or der[2] != 0) and 2 + n + length == len(der)


# --- DER <-> EVP_PKEY --------------------------------------------------------------------------

def _d2i(func, der: bytes, what: str):
    """Parse ``der`` completely with an OpenSSL d2i function; returns an owned EVP_PKEY pointer."""
    if len(der) > 1 << 16:
        raise CryptoError(f"{what}数据过长", code="bad_der")
    buf = ctypes.create_string_buffer(der, len(der))
    start = ctypes.addressof(buf)
    cursor = c_void_p(start)
    pkey = func(None, byref(cursor), len(der))
    if not pkey:
        raise _fail(f"无法解析{what}（不是有效的 DER 编码）", "bad_der")
    if cursor.value - start != len(der):
        EVP_PKEY_free(pkey)
        raise _fail(f"{what}数据末尾有多余内容", "bad_der")
    ERR_clear_error()  # the decoders may leave the reasons of the formats they tried first
    return pkey


def _i2d(func, obj) -> bytes:
    size = func(obj, None)
    if size <= 0:
        raise _fail("密钥编码失败", "encode_failed")
    buf = ctypes.create_string_buffer(size)
    cursor = c_void_p(ctypes.addressof(buf))
    if func(obj, byref(cursor)) != size:
        raise _fail("密钥编码失败", "encode_failed")
    return buf.raw


def _require_sm2(pkey, what: str) -> None:
    """Refuse any key that is not on the SM2 curve (P-256, RSA, Ed25519...) and check it is sound."""
    if not EVP_PKEY_is_a(pkey, b"SM2"):
        EVP_PKEY_free(pkey)
        ERR_clear_error()
        raise CryptoError(f"{what}不是 SM2 密钥（算法或曲线不符，需要 GB/T 32918 推荐曲线 sm2p256v1）", code="not_sm2")


def _check_key(pkey, private: bool, what: str) -> None:
    """Private: scalar in range and d·G equals the stored point. Public: the point is on the curve and
    not at infinity (the "quick" check; SM2's cofactor is 1, so the skipped n·Q = O test adds nothing)."""
    ctx = EVP_PKEY_CTX_new(pkey, None)
    try:
        ok = ctx and (EVP_PKEY_check(ctx) if private else EVP_PKEY_public_check_quick(ctx)) == 1
    finally:
        if ctx:
            EVP_PKEY_CTX_free(ctx)
    if not ok:
        EVP_PKEY_free(pkey)
        raise _fail(f"{what}校验失败（公钥点不在曲线上或私钥与公钥不匹配）", "bad_key")


class _Key:
    """One owned EVP_PKEY. Every operation takes its own reference under the lock (``_borrow`` or the
    EVP_PKEY_CTX made in ``_pkey_ctx``), so a concurrent ``close()`` (or garbage collection) can never
    free the key while another thread is using it."""

    __slots__ = ("_pkey", "_lock", "__weakref__")
    _kind = "密钥"

    def __init__(self, pkey):
        self._pkey = pkey
        self._lock = threading.Lock()

    def _borrow(self):
        with self._lock:
            pkey = self._pkey
            if not pkey:
                raise CryptoError(f"SM2 {self._kind}已关闭", code="key_closed")
            EVP_PKEY_up_ref(pkey)
        return pkey

    def _pkey_ctx(self):
        """``(pkey, EVP_PKEY_CTX)`` for one operation; the context holds a reference to the key."""
        with self._lock:
            pkey = self._pkey
            if not pkey:
                raise CryptoError(f"SM2 {self._kind}已关闭", code="key_closed")
            ctx = EVP_PKEY_CTX_new(pkey, None)
        if not ctx:
            raise _fail("SM2 运算初始化失败", "openssl_error")
        return pkey, ctx

    def close(self) -> None:
        with self._lock:
            pkey, self._pkey = self._pkey, None
        if pkey:
            EVP_PKEY_free(pkey)

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may already be gone
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __reduce__(self):
        raise TypeError("SM2 密钥对象不能序列化或复制；请传递 PEM/DER")

    def _spki_der(self) -> bytes:
        pkey = self._borrow()
        try:
            return _i2d(i2d_PUBKEY, pkey)
        finally:
            EVP_PKEY_free(pkey)

    def _raw_point(self) -> bytes:
        pkey = self._borrow()
        try:
            buf = ctypes.create_string_buffer(POINT_BYTES)
            size = c_size_t(0)
            if EVP_PKEY_get_octet_string_param(pkey, b"encoded-pub-key", buf, POINT_BYTES, byref(size)) != 1 \
                    or size.value != POINT_BYTES:
                raise _fail("无法导出 SM2 公钥点", "encode_failed")
            return buf.raw
        finally:
            EVP_PKEY_free(pkey)


class SM2PublicKey(_Key):
    """An SM2 public key: verify signatures, encrypt, export SPKI / the raw point."""

    __slots__ = ()
    _kind = "公钥"

    def verify(self, signature: bytes, message: bytes, *, user_id: bytes | str = DEFAULT_USER_ID) -> bool:
        """``True`` only if ``signature`` (DER) is this key's SM2 signature of ``message`` under ``user_id``."""
        if type(message) is not bytes:
            message = _as_bytes(message, "消息")
        if type(signature) is not bytes:
            signature = _as_bytes(signature, "签名")
        uid = user_id if user_id is DEFAULT_USER_ID else _user_id(user_id)
        if not signature or len(signature) > MAX_SIGNATURE_BYTES:
            return False
        pkey, pctx = self._pkey_ctx()
        mctx = EVP_MD_CTX_new()
        try:
            if not mctx or EVP_PKEY_CTX_set1_id(pctx, uid, len(uid)) != 1:
                raise _fail("SM2 验签初始化失败", "openssl_error")
            EVP_MD_CTX_set_pkey_ctx(mctx, pctx)  # mctx does not take ownership of pctx
            if EVP_DigestVerifyInit(mctx, None, _SM3, None, pkey) != 1:
                raise _fail("SM2 验签初始化失败", "openssl_error")
            if EVP_DigestVerify(mctx, signature, len(signature), message, len(message)) == 1:
                return True
            ERR_clear_error()
            return False
        finally:
            EVP_MD_CTX_free(mctx)  # NULL-safe
            EVP_PKEY_CTX_free(pctx)

    def encrypt(self, plaintext: bytes) -> bytes:
        """SM2 public-key encryption (GB/T 32918.4, SM3 KDF/hash); DER C1C3C2, see the module docstring."""
        plaintext = _as_bytes(plaintext, "明文")
        if not plaintext:
            raise CryptoError("SM2 加密的明文不能为空", code="empty_plaintext")
        _, ctx = self._pkey_ctx()
        try:
            size = c_size_t(0)
            if EVP_PKEY_encrypt_init(ctx) != 1 or EVP_PKEY_encrypt(ctx, None, byref(size), plaintext, len(plaintext)) != 1:
                raise _fail("SM2 加密失败", "encrypt_failed")
            out = ctypes.create_string_buffer(size.value)
            if EVP_PKEY_encrypt(ctx, out, byref(size), plaintext, len(plaintext)) != 1:
                raise _fail("SM2 加密失败", "encrypt_failed")
            return ctypes.string_at(out, size.value)
        finally:
            EVP_PKEY_CTX_free(ctx)

    def to_der(self) -> bytes:
        """SubjectPublicKeyInfo (RFC 5280) DER: id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301."""
        return self._spki_der()

    def to_pem(self) -> bytes:
        return _pem_encode(self._spki_der(), b"PUBLIC KEY")

    def raw_point(self) -> bytes:
        """The uncompressed point ``04 ‖ x ‖ y`` (65 bytes), as in X.509 and GB/T 38540 seals."""
        return self._raw_point()

    def __eq__(self, other):
        if not isinstance(other, SM2PublicKey):
            return NotImplemented
        return self._raw_point() == other._raw_point()

    def __hash__(self):
        return hash(self._raw_point())

    def __repr__(self):
        try:
            return f"<SM2PublicKey {self._raw_point()[1:9].hex()}…>"
        except CryptoError:
            return "<SM2PublicKey closed>"


class SM2PrivateKey(_Key):
    """An SM2 private key (with its public key): sign, decrypt, export PKCS#8."""

    __slots__ = ()
    _kind = "私钥"

    def sign(self, message: bytes, *, user_id: bytes | str = DEFAULT_USER_ID) -> bytes:
        """DER ``SEQUENCE{r, s}`` SM2 signature of ``message`` (SM3, Z value over ``user_id``)."""
        if type(message) is not bytes:
            message = _as_bytes(message, "消息")
        uid = user_id if user_id is DEFAULT_USER_ID else _user_id(user_id)
        pkey, pctx = self._pkey_ctx()
        mctx = EVP_MD_CTX_new()
        try:
            if not mctx or EVP_PKEY_CTX_set1_id(pctx, uid, len(uid)) != 1:
                raise _fail("SM2 签名初始化失败", "openssl_error")
            EVP_MD_CTX_set_pkey_ctx(mctx, pctx)  # mctx does not take ownership of pctx
            if EVP_DigestSignInit(mctx, None, _SM3, None, pkey) != 1:
                raise _fail("SM2 签名初始化失败", "openssl_error")
            sig = ctypes.create_string_buffer(MAX_SIGNATURE_BYTES)
            size = c_size_t(MAX_SIGNATURE_BYTES)
            if EVP_DigestSign(mctx, sig, byref(size), message, len(message)) != 1:
                raise _fail("SM2 签名失败", "sign_failed")
            return ctypes.string_at(sig, size.value)
        finally:
            EVP_MD_CTX_free(mctx)  # NULL-safe
            EVP_PKEY_CTX_free(pctx)

    def decrypt(self, ciphertext: bytes) -> bytes:
        """Inverse of ``SM2PublicKey.encrypt``; tampered or foreign ciphertext raises ``CryptoError``."""
        ciphertext = _as_bytes(ciphertext, "密文")
        if not _is_one_der_sequence(ciphertext):
            raise CryptoError("SM2 密文格式无效（应为 DER 编码的 C1C3C2 结构）", code="bad_ciphertext")
        _, ctx = self._pkey_ctx()
        try:
            size = c_size_t(0)
            if EVP_PKEY_decrypt_init(ctx) != 1 or EVP_PKEY_decrypt(ctx, None, byref(size), ciphertext, len(ciphertext)) != 1:
                raise _fail("SM2 密文格式无效", "bad_ciphertext")
            out = ctypes.create_string_buffer(max(size.value, 1))
            if EVP_PKEY_decrypt(ctx, out, byref(size), ciphertext, len(ciphertext)) != 1:
                raise _fail("SM2 解密失败（密钥不符或密文被篡改）", "integrity")
            return ctypes.string_at(out, size.value)
        finally:
            EVP_PKEY_CTX_free(ctx)

    def public_key(self) -> SM2PublicKey:
        """A separate public-key object (it does not hold the private scalar)."""
        return load_public_key(self._spki_der())

    def to_der(self) -> bytes:
        """Unencrypted PKCS#8 PrivateKeyInfo DER (RFC 5208), as ``openssl genpkey`` writes it."""
        pkey = self._borrow()
        p8 = None
        try:
            p8 = EVP_PKEY2PKCS8(pkey)
            if not p8:
                raise _fail("私钥编码失败", "encode_failed")
            return _i2d(i2d_PKCS8_PRIV_KEY_INFO, p8)
        finally:
            if p8:
                PKCS8_PRIV_KEY_INFO_free(p8)
            EVP_PKEY_free(pkey)

    def to_pem(self) -> bytes:
        return _pem_encode(self.to_der(), b"PRIVATE KEY")

    def __repr__(self):
        return "<SM2PrivateKey>" if self._pkey else "<SM2PrivateKey closed>"


# --- constructors ------------------------------------------------------------------------------

def generate_private_key() -> SM2PrivateKey:
    """A fresh key pair on the GB/T 32918 recommended curve (randomness from OpenSSL's DRBG)."""
    ctx = EVP_PKEY_CTX_new_from_name(None, b"SM2", None)
    pkey = c_void_p()
    try:
        if not ctx or EVP_PKEY_keygen_init(ctx) != 1 or EVP_PKEY_generate(ctx, byref(pkey)) != 1 or not pkey:
            raise _fail("SM2 密钥生成失败", "keygen_failed")
    finally:
        if ctx:
            EVP_PKEY_CTX_free(ctx)
    return SM2PrivateKey(pkey.value)


def load_private_key(data: bytes | str) -> SM2PrivateKey:
    """PKCS#8 PEM (``BEGIN PRIVATE KEY``) or DER; SEC1 (``BEGIN EC PRIVATE KEY``) is accepted too.

    Encrypted keys are refused: keys at rest are protected by the key store (envelope encryption).
    """
    if isinstance(data, str) or _looks_like_pem(_as_bytes(data, "私钥")):
        der = _pem_decode(data, (b"PRIVATE KEY", b"EC PRIVATE KEY"), "私钥")
    else:
        der = _as_bytes(data, "私钥")
    # PrivateKeyInfo and ECPrivateKey both open with SEQUENCE { INTEGER version ...}; an
    # EncryptedPrivateKeyInfo opens with SEQUENCE { SEQUENCE ... } and must never reach a decoder that
    # could ask for a passphrase. Garbage is refused here cheaply (OpenSSL's decoders try every format).
    if not _is_one_der_sequence(der):
        raise CryptoError("无法解析私钥（不是有效的 DER 编码）", code="bad_der")
    header = 2 + (der[1] & 0x7F if der[1] & 0x80 else 0)
    if len(der) <= header or der[header] != 0x02:
        if len(der) > header and der[header] == 0x30:
            raise CryptoError("不支持加密的私钥；请先解密为 PKCS#8 明文", code="encrypted_key")
        raise CryptoError("无法解析私钥（不是 PKCS#8 / SEC1 结构）", code="bad_der")
    pkey = _d2i(d2i_AutoPrivateKey, der, "私钥")
    _require_sm2(pkey, "私钥")
    _check_key(pkey, True, "私钥")
    return SM2PrivateKey(pkey)


def load_public_key(data: bytes | str) -> SM2PublicKey:
    """SubjectPublicKeyInfo PEM (``BEGIN PUBLIC KEY``) or DER. For a bare point use ``public_key_from_point``."""
    if isinstance(data, str) or _looks_like_pem(_as_bytes(data, "公钥")):
        der = _pem_decode(data, (b"PUBLIC KEY",), "公钥")
    else:
        der = _as_bytes(data, "公钥")
        if len(der) == POINT_BYTES and der[0] == 0x04:
            raise CryptoError("这是裸公钥点（04‖x‖y），请用 public_key_from_point 导入", code="bad_der")
    if not _is_one_der_sequence(der):
        raise CryptoError("无法解析公钥（不是有效的 DER 编码）", code="bad_der")
    pkey = _d2i(d2i_PUBKEY, der, "公钥")
    _require_sm2(pkey, "公钥")
    _check_key(pkey, False, "公钥")
    return SM2PublicKey(pkey)


def _fromdata(params, selection: int, what: str):
    ctx = EVP_PKEY_CTX_new_from_name(None, b"SM2", None)
    pkey = c_void_p()
    try:
        if not ctx or EVP_PKEY_fromdata_init(ctx) != 1 or EVP_PKEY_fromdata(ctx, byref(pkey), selection, params) != 1 \
                or not pkey:
            raise _fail(f"无效的 SM2 {what}", "bad_key")
    finally:
        if ctx:
            EVP_PKEY_CTX_free(ctx)
    return pkey.value


def public_key_from_point(point: bytes) -> SM2PublicKey:
    """From the uncompressed point ``04 ‖ x ‖ y`` (65 bytes); a point off the curve is refused."""
    point = _as_bytes(point, "公钥点")
    if len(point) != POINT_BYTES or point[0] != 0x04:
        raise CryptoError("SM2 公钥点应为 65 字节的未压缩格式（04‖x‖y）", code="bad_point")
    group = b"SM2"
    pub = ctypes.create_string_buffer(point, POINT_BYTES)
    params = (_OSSLParam * 3)(
        _OSSLParam(b"group", _OSSL_PARAM_UTF8_STRING, ctypes.cast(c_char_p(group), c_void_p), len(group), _OSSL_PARAM_UNMODIFIED),
        _OSSLParam(b"pub", _OSSL_PARAM_OCTET_STRING, ctypes.addressof(pub), POINT_BYTES, _OSSL_PARAM_UNMODIFIED),
        _OSSLParam(None, 0, None, 0, 0),
    )
    pkey = _fromdata(params, _SELECT_PUBLIC_KEY, "公钥点")
    _check_key(pkey, False, "公钥点")
    return SM2PublicKey(pkey)


def private_key_from_scalar(d: bytes, point: bytes) -> SM2PrivateKey:
    """From the private scalar ``d`` (32 bytes, big-endian) and its public point ``04 ‖ x ‖ y``.

    For published test vectors and for importing keys exported by a 密码机; normal keys travel as
    PKCS#8. The pair is checked (``d·G`` must equal the point), so a mismatched pair is refused.
    """
    d = _as_bytes(d, "私钥标量")
    point = _as_bytes(point, "公钥点")
    if len(d) != 32 or len(point) != POINT_BYTES or point[0] != 0x04:
        raise CryptoError("SM2 私钥应为 32 字节，公钥点应为 65 字节（04‖x‖y）", code="bad_key")
    group = b"SM2"
    # OSSL_PARAM unsigned integers are in native byte order
    priv = ctypes.create_string_buffer(int.from_bytes(d, "big").to_bytes(32, sys.byteorder), 32)
    pub = ctypes.create_string_buffer(point, POINT_BYTES)
    params = (_OSSLParam * 4)(
        _OSSLParam(b"group", _OSSL_PARAM_UTF8_STRING, ctypes.cast(c_char_p(group), c_void_p), len(group), _OSSL_PARAM_UNMODIFIED),
        _OSSLParam(b"pub", _OSSL_PARAM_OCTET_STRING, ctypes.addressof(pub), POINT_BYTES, _OSSL_PARAM_UNMODIFIED),
        _OSSLParam(b"priv", _OSSL_PARAM_UNSIGNED_INTEGER, ctypes.addressof(priv), 32, _OSSL_PARAM_UNMODIFIED),
        _OSSLParam(None, 0, None, 0, 0),
    )
    try:
        pkey = _fromdata(params, _SELECT_KEYPAIR, "私钥")
        _check_key(pkey, True, "私钥")
    finally:
        ctypes.memset(priv, 0, 32)
    return SM2PrivateKey(pkey)


