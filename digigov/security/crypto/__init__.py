"""The commercial-cryptography service (商用密码): SM2 (GB/T 32918), SM3 (GB/T 32905), SM4 (GB/T 32907).

* SM3, HMAC-SM3 and SM4-GCM go through ``cryptography`` (its bundled OpenSSL): ``symmetric``.
* SM2 goes through the system OpenSSL libcrypto with ctypes (``cryptography`` cannot load SM2 keys and
  pure Python is ~20x too slow): ``sm2``. Importing this package fails with ``SM2Unavailable`` (an
  ImportError with a clear message) when the system libcrypto is older than 3.0 or lacks SM2/SM3.

Every other part of DigiGov signs, hashes and encrypts through this package, never through a library
directly, so that a 密码机 (HSM) can later take over behind the same functions.

SM2 in one screen (details and formats in ``sm2``'s docstring)::

    from digigov.security.crypto import sm2

    key = sm2.generate_private_key()          # SM2PrivateKey; sm2.load_private_key(pkcs8_pem_or_der)
    pub = key.public_key()                    # SM2PublicKey; sm2.load_public_key(spki_pem_or_der),
                                              #   sm2.public_key_from_point(b"\\x04" + x + y)
    sig = key.sign(data)                      # DER SEQUENCE{r,s}; user_id="1234567812345678" by default
    pub.verify(sig, data)                     # True/False, never raises for a bad signature
    key.decrypt(pub.encrypt(secret))          # GB/T 32918.4, DER C1C3C2
    key.to_pem(), pub.to_pem(), pub.to_der(), pub.raw_point()

Errors are ``CryptoError(message 中文, code, detail)``.
"""

from . import sm2
from .sm2 import DEFAULT_USER_ID as SM2_DEFAULT_USER_ID
from .sm2 import SM2PrivateKey, SM2PublicKey, SM2Unavailable
from .symmetric import CryptoError, hmac_sm3, sm3, sm4_gcm_decrypt, sm4_gcm_encrypt

__all__ = [
    "CryptoError",
    "SM2PrivateKey",
    "SM2PublicKey",
    "SM2Unavailable",
    "SM2_DEFAULT_USER_ID",
    "hmac_sm3",
    "sm2",
    "sm3",
    "sm4_gcm_decrypt",
    "sm4_gcm_encrypt",
]
