"""Bad input to the SM2 service is a clear CryptoError (Chinese message, code) or, for signatures, False.

Never a crash: malformed PEM/DER, keys on other curves or of other algorithms, points off the curve,
truncated or garbage signatures, tampered ciphertext, wrong types. Hypothesis feeds garbage.
"""

import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digigov.security.crypto import CryptoError, sm2

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def key():
    return sm2.generate_private_key()


@pytest.fixture(scope="module")
def pub(key):
    return key.public_key()


def assert_clear(err: pytest.ExceptionInfo, code: str | None = None):
    assert CHINESE.search(err.value.message), err.value.message
    assert err.value.code and err.value.code != "crypto_error"
    if code:
        assert err.value.code == code, (err.value.code, err.value.message)


def pkcs8(private_key, encoding=serialization.Encoding.PEM, encryption=None):
    return private_key.private_bytes(encoding, serialization.PrivateFormat.PKCS8,
                                     encryption or serialization.NoEncryption())


def spki(private_key, encoding=serialization.Encoding.PEM):
    return private_key.public_key().public_bytes(encoding, serialization.PublicFormat.SubjectPublicKeyInfo)


OTHER_KEYS = {
    "P-256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "secp256k1": lambda: ec.generate_private_key(ec.SECP256K1()),
    "RSA": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    "Ed25519": ed25519.Ed25519PrivateKey.generate,
}


# --- keys on other curves / of other algorithms ---------------------------------------------------

@pytest.mark.parametrize("kind", OTHER_KEYS)
def test_foreign_private_key_refused(kind):
    other = OTHER_KEYS[kind]()
    for data in (pkcs8(other), pkcs8(other, serialization.Encoding.DER)):
        with pytest.raises(CryptoError) as err:
            sm2.load_private_key(data)
        assert_clear(err, "not_sm2")
        assert "SM2" in err.value.message


@pytest.mark.parametrize("kind", OTHER_KEYS)
def test_foreign_public_key_refused(kind):
    other = OTHER_KEYS[kind]()
    for data in (spki(other), spki(other, serialization.Encoding.DER)):
        with pytest.raises(CryptoError) as err:
            sm2.load_public_key(data)
        assert_clear(err, "not_sm2")


def test_p256_point_is_not_on_the_sm2_curve():
    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    with pytest.raises(CryptoError) as err:
        sm2.public_key_from_point(point)
    assert_clear(err)


def test_encrypted_private_key_refused_without_prompting():
    """No passphrase prompt on the server's terminal: refused before OpenSSL sees it."""
    other = OTHER_KEYS["P-256"]()
    encrypted = serialization.BestAvailableEncryption(b"pw")
    for data in (pkcs8(other, encryption=encrypted), pkcs8(other, serialization.Encoding.DER, encrypted)):
        with pytest.raises(CryptoError) as err:
            sm2.load_private_key(data)
        assert_clear(err, "encrypted_key")


# --- malformed PEM / DER / points ---------------------------------------------------------------

def test_pem_of_the_wrong_kind(key, pub):
    with pytest.raises(CryptoError) as err:
        sm2.load_public_key(key.to_pem())
    assert_clear(err, "wrong_pem_type")
    assert "PRIVATE KEY" in err.value.message
    with pytest.raises(CryptoError) as err:
        sm2.load_private_key(pub.to_pem())
    assert_clear(err, "wrong_pem_type")


def test_der_of_the_wrong_kind(key, pub):
    with pytest.raises(CryptoError) as err:
        sm2.load_public_key(key.to_der())
    assert_clear(err, "bad_der")
    with pytest.raises(CryptoError) as err:
        sm2.load_private_key(pub.to_der())
    assert_clear(err)


@pytest.mark.parametrize("mangle", [
    lambda pem: pem.replace(b"M", b"!", 1),                       # not Base64
    lambda pem: pem[:40] + pem[-26:],                              # body cut
    lambda pem: pem.replace(b"-----END PRIVATE KEY-----", b""),   # no END line
    lambda pem: b"-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
    lambda pem: b"",
    lambda pem: b"hello",
    lambda pem: "-----BEGIN PRIVATE KEY-----\n密钥\n-----END PRIVATE KEY-----",
])
def test_malformed_private_pem(key, mangle):
    with pytest.raises(CryptoError) as err:
        sm2.load_private_key(mangle(key.to_pem()))
    assert_clear(err)


def test_truncated_and_extended_der(key, pub):
    der = key.to_der()
    for bad in (der[:-1], der[:10], der + b"\x00"):
        with pytest.raises(CryptoError) as err:
            sm2.load_private_key(bad)
        assert_clear(err)
    der = pub.to_der()
    for bad in (der[:-1], der[:10], der + b"\x00"):
        with pytest.raises(CryptoError) as err:
            sm2.load_public_key(bad)
        assert_clear(err)


def test_raw_point_given_as_spki_is_explained(pub):
    with pytest.raises(CryptoError) as err:
        sm2.load_public_key(pub.raw_point())
    assert_clear(err)
    assert "public_key_from_point" in err.value.message


def test_bad_points(pub):
    point = pub.raw_point()
    for bad in (point[:-1], b"\x02" + point[1:33], b"\x00", point[:-1] + bytes([point[-1] ^ 1]), b"\x04" + bytes(64)):
        with pytest.raises(CryptoError) as err:
            sm2.public_key_from_point(bad)
        assert_clear(err)


def test_mismatched_scalar_and_point(key):
    with pytest.raises(CryptoError) as err:
        sm2.private_key_from_scalar(b"\x01" * 32, key.public_key().raw_point())
    assert_clear(err)
    with pytest.raises(CryptoError) as err:  # zero is not a valid private key
        sm2.private_key_from_scalar(bytes(32), key.public_key().raw_point())
    assert_clear(err)


def test_wrong_types_are_crypto_errors(key, pub):
    sig = key.sign(b"m")
    for call in (lambda: key.sign("文本"), lambda: pub.verify(sig, "m"), lambda: pub.verify(None, b"m"),
                 lambda: pub.encrypt(123), lambda: key.decrypt("x"), lambda: sm2.load_private_key(None),
                 lambda: sm2.load_public_key(42), lambda: sm2.public_key_from_point("04")):
        with pytest.raises(CryptoError) as err:
            call()
        assert_clear(err, "bad_input")


def test_bad_user_ids(key, pub):
    sig = key.sign(b"m")
    for uid in (b"", "", b"x" * 8191):
        with pytest.raises(CryptoError) as err:
            key.sign(b"m", user_id=uid)
        assert_clear(err, "bad_user_id")
        with pytest.raises(CryptoError):
            pub.verify(sig, b"m", user_id=uid)
    assert pub.verify(key.sign(b"m", user_id=b"x" * 8190), b"m", user_id=b"x" * 8190)


# --- signatures: every bad signature is False ----------------------------------------------------

def test_bad_signatures_are_false(key, pub):
    sig = key.sign(b"m")
    candidates = [
        b"", sig[:1], sig[:-1], sig[:35], sig + b"\x00", sig + sig, b"\x00" * 70, b"\xff" * 72, b"\x30" * 200,
        bytes([sig[0], sig[1] + 1]) + sig[2:] + b"\x00",          # outer length lies
        sig[:-1] + bytes([sig[-1] ^ 1]),                           # s altered
        sig[:5] + bytes([sig[5] ^ 1]) + sig[6:],                   # r altered
    ]
    # the published signature as raw r‖s (64 bytes, gmssl style) is not DER
    candidates.append(bytes.fromhex("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
                                    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"))
    for bad in candidates:
        assert pub.verify(bad, b"m") is False, bad.hex()


def test_non_canonical_der_signature_is_false(key, pub):
    """BER with a long-form length for the same r, s: OpenSSL re-encodes and compares, so only DER passes."""
    sig = key.sign(b"m")
    body = sig[2:]
    ber = b"\x30\x81" + bytes([len(body)]) + body
    assert pub.verify(sig, b"m")
    assert pub.verify(ber, b"m") is False


# --- hypothesis: garbage never crashes -----------------------------------------------------------

GARBAGE = st.one_of(
    st.binary(max_size=300),
    st.binary(max_size=120).map(lambda b: b"\x30" + bytes([len(b)]) + b if len(b) < 128 else b),
)
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(GARBAGE)
def test_garbage_signature_is_false(pub, data):
    assert pub.verify(data, b"m") is False


@FAST
@given(GARBAGE)
def test_garbage_ciphertext_is_crypto_error(key, data):
    with pytest.raises(CryptoError):
        key.decrypt(data)


@FAST
@given(GARBAGE)
def test_garbage_private_key_is_crypto_error(data):
    with pytest.raises(CryptoError):
        sm2.load_private_key(data)


@FAST
@given(st.one_of(GARBAGE, st.text(max_size=200)))
def test_garbage_public_key_is_crypto_error(data):
    with pytest.raises(CryptoError):
        sm2.load_public_key(data)


@FAST
@given(st.binary(min_size=65, max_size=65).map(lambda b: b"\x04" + b[1:]))
def test_random_point_is_refused_cleanly(data):
    # a random (x, y) is on the curve with negligible probability
    with pytest.raises(CryptoError):
        sm2.public_key_from_point(data)


@FAST
@given(st.integers(min_value=0, max_value=110), st.integers(min_value=1, max_value=255))
def test_any_single_byte_change_to_a_ciphertext_is_detected(key, pub, position, flip):
    ct = bytearray(pub.encrypt(b"a secret message"))
    ct[position % len(ct)] ^= flip
    with pytest.raises(CryptoError):
        key.decrypt(bytes(ct))


@FAST
@given(st.binary(max_size=200))
def test_any_message_signs_and_verifies(key, pub, message):
    sig = key.sign(message)
    assert pub.verify(sig, message)
    assert not pub.verify(sig, message + b"\x00")


def test_failures_leave_no_openssl_errors_behind(key, pub):
    """This thread's libcrypto error queue is empty after every path, so no stale error surfaces later
    in another user of the same libcrypto (psycopg's TLS, Python's ssl)."""
    from digigov.security.crypto.sm2 import ERR_get_error

    calls = [
        lambda: sm2.load_private_key(key.to_pem()), lambda: sm2.load_public_key(pub.to_der()),
        lambda: sm2.load_private_key(b"\x30\x03\x02\x01\x00"), lambda: sm2.load_public_key(b"\x30\x03\x02\x01\x00"),
        lambda: sm2.load_private_key(pkcs8(OTHER_KEYS["P-256"]())), lambda: pub.verify(bytes(70), b"m"),
        lambda: pub.verify(key.sign(b"m"), b"x"), lambda: key.decrypt(b"\x30\x03\x02\x01\x00"),
        lambda: sm2.public_key_from_point(b"\x04" + bytes(64)), lambda: sm2.private_key_from_scalar(bytes(32), pub.raw_point()),
    ]
    for call in calls:
        try:
            call()
        except CryptoError:
            pass
        assert ERR_get_error() == 0
