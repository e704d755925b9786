"""The commercial-cryptography service (商用密码): SM2 (GB/T 32918), SM3 (GB/T 32905), SM4 (GB/T 32907).

* SM3, HMAC-SM3 and SM4-GCM go through ``cryptography`` (its bundled OpenSSL): ``symmetric``.
* SM2 goes through the system OpenSSL libcrypto with ctypes (``cryptography`` cannot load SM2 keys and
  pure Python is ~20x too slow): ``sm2``.

Every other part of DigiGov signs, hashes and encrypts through this package, never through a library
directly, so that a 密码机 (HSM) can later take over behind the same functions.
"""

from .symmetric import CryptoError, hmac_sm3, sm3, sm4_gcm_decrypt, sm4_gcm_encrypt

__all__ = ["CryptoError", "hmac_sm3", "sm3", "sm4_gcm_decrypt", "sm4_gcm_encrypt"]
