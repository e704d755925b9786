"""The fast SM4-GCM path gives exactly the bytes of the public ``cryptography`` path, both ways."""

import os

import pytest
from hypothesis import given, settings, strategies as st

from digigov.security.crypto import CryptoError, fast_sm4, sm4_gcm_decrypt, sm4_gcm_encrypt


def test_the_fast_path_is_in_use():
    assert fast_sm4.FAST  # the pinned cryptography has the binding: a version bump that loses it shows here


@settings(max_examples=200, deadline=None)
@given(key=st.binary(min_size=16, max_size=16), nonce=st.binary(min_size=12, max_size=12), plaintext=st.binary(max_size=300),
       aad=st.binary(max_size=80))
def test_same_bytes_as_the_public_path(key, nonce, plaintext, aad):
    blob = fast_sm4.encrypt(key, plaintext, aad, nonce=nonce)
    assert blob == sm4_gcm_encrypt(key, plaintext, aad, nonce=nonce)
    assert fast_sm4.decrypt(key, blob, aad) == plaintext == sm4_gcm_decrypt(key, blob, aad)


@pytest.mark.parametrize("tamper", [
    lambda b: b[:-1] + bytes([b[-1] ^ 1]),
    lambda b: b[:12] + bytes([b[12] ^ 1]) + b[13:],
    lambda b: bytes([b[0] ^ 1]) + b[1:],
    lambda b: b[:20],
])
def test_tampering_is_refused(tamper):
    key = os.urandom(16)
    blob = fast_sm4.encrypt(key, "２１０６０２ 兴东社区".encode(), b"t.c")
    with pytest.raises(CryptoError):
        fast_sm4.decrypt(key, tamper(blob), b"t.c")
    with pytest.raises(CryptoError):
        fast_sm4.decrypt(key, blob, b"t.other")
    with pytest.raises(CryptoError):
        fast_sm4.decrypt(os.urandom(16), blob, b"t.c")


@pytest.mark.parametrize("key", [b"short", b"x" * 17, "0" * 16])
def test_bad_keys_are_a_clear_error(key):
    with pytest.raises(CryptoError):
        fast_sm4.encrypt(key, b"x")


def test_the_unchecked_gcm_mode_object_is_in_use():
    assert fast_sm4._gcm is fast_sm4._bare_gcm


@settings(max_examples=100, deadline=None)
@given(key=st.binary(max_size=100), data=st.binary(max_size=200))
def test_keyed_hmac_is_hmac_sm3(key, data):
    from digigov.security.crypto import hmac_sm3

    assert fast_sm4.hmac_sm3_keyed(key)(data) == hmac_sm3(key, data)
