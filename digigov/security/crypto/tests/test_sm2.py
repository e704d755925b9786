"""SM2 service behaviour: key formats, sign/verify, encryption, thread safety, no leaks."""

import base64
import copy
import pickle
import threading

import pytest

from digigov.security.crypto import CryptoError, SM2PrivateKey, SM2PublicKey, sm2

SM2_OID_DER = bytes.fromhex("06082a811ccf5501822d")  # 1.2.156.10197.1.301 (sm2p256v1)
EC_PUBLIC_KEY_OID_DER = bytes.fromhex("06072a8648ce3d0201")  # 1.2.840.10045.2.1 (id-ecPublicKey)


@pytest.fixture(scope="module")
def key():
    return sm2.generate_private_key()


@pytest.fixture(scope="module")
def pub(key):
    return key.public_key()


def der_items(der: bytes) -> list[tuple[int, bytes]]:
    """The (tag, content) pairs inside one DER SEQUENCE (short or long lengths): enough to check shapes."""
    assert der[0] == 0x30

    def read(buf, i):
        tag, length = buf[i], buf[i + 1]
        i += 2
        if length & 0x80:
            n = length & 0x7F
            length = int.from_bytes(buf[i:i + n], "big")
            i += n
        return tag, buf[i:i + length], i + length

    _, body, end = read(der, 0)
    assert end == len(der)
    items, i = [], 0
    while i < len(body):
        tag, content, i = read(body, i)
        items.append((tag, content))
    return items


# --- keys ----------------------------------------------------------------------------------------

def test_generated_keys_are_distinct(key):
    assert sm2.generate_private_key().public_key() != key.public_key()


def test_private_key_pem_is_pkcs8_with_the_sm2_curve(key):
    pem = key.to_pem()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----\n") and pem.endswith(b"-----END PRIVATE KEY-----\n")
    der = key.to_der()
    assert base64.b64decode(b"".join(pem.splitlines()[1:-1])) == der
    version, algorithm, _ = der_items(der)
    assert version == (0x02, b"\x00")  # PrivateKeyInfo version 0
    assert algorithm[1] == EC_PUBLIC_KEY_OID_DER + SM2_OID_DER


def test_private_key_round_trips_through_pem_and_der(key, pub):
    for data in (key.to_pem(), key.to_der(), key.to_pem().decode()):
        loaded = sm2.load_private_key(data)
        assert isinstance(loaded, SM2PrivateKey)
        assert loaded.public_key() == pub
        assert pub.verify(loaded.sign(b"x"), b"x")


def test_public_key_spki_pem_der_and_raw_point(pub):
    pem, der, point = pub.to_pem(), pub.to_der(), pub.raw_point()
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----\n")
    algorithm, bitstring = der_items(der)
    assert algorithm[1] == EC_PUBLIC_KEY_OID_DER + SM2_OID_DER
    assert bitstring == (0x03, b"\x00" + point)  # BIT STRING, no unused bits, 04 ‖ x ‖ y
    assert len(point) == 65 and point[0] == 0x04
    for loaded in (sm2.load_public_key(pem), sm2.load_public_key(der), sm2.load_public_key(pem.decode()),
                   sm2.public_key_from_point(point)):
        assert isinstance(loaded, SM2PublicKey)
        assert loaded == pub and hash(loaded) == hash(pub)
        assert loaded.to_der() == der


def test_pem_with_other_blocks_and_crlf_loads(key):
    """`openssl ecparam -genkey` writes an EC PARAMETERS block first; Windows tools write CRLF."""
    pem = b"-----BEGIN EC PARAMETERS-----\nBggqgRzPVQGCLQ==\n-----END EC PARAMETERS-----\n" + key.to_pem()
    assert sm2.load_private_key(pem.replace(b"\n", b"\r\n")).public_key() == key.public_key()


def test_public_key_object_does_not_carry_the_private_key(key):
    with pytest.raises(AttributeError):
        key.public_key().sign(b"x")
    assert b"PRIVATE" not in key.public_key().to_pem()


# --- sign / verify -------------------------------------------------------------------------------

def test_signature_is_der_sequence_of_two_integers(key, pub):
    sig = key.sign(b"hello")
    items = der_items(sig)
    assert [tag for tag, _ in items] == [0x02, 0x02]
    assert 68 <= len(sig) <= 72
    assert pub.verify(sig, b"hello")


def test_signatures_are_randomised_but_all_verify(key, pub):
    sigs = {key.sign(b"same") for _ in range(5)}
    assert len(sigs) == 5
    assert all(pub.verify(s, b"same") for s in sigs)


def test_verify_false_on_other_message_or_key(key, pub):
    sig = key.sign(b"message")
    assert not pub.verify(sig, b"messagf")
    assert not pub.verify(sig, b"message\x00")
    assert not sm2.generate_private_key().public_key().verify(sig, b"message")


def test_user_id_is_part_of_the_signature(key, pub):
    sig = key.sign(b"m", user_id="alice@example.cn")
    assert pub.verify(sig, b"m", user_id="alice@example.cn")
    assert pub.verify(sig, b"m", user_id=b"alice@example.cn")
    assert not pub.verify(sig, b"m")  # default id
    assert not pub.verify(key.sign(b"m"), b"m", user_id="alice@example.cn")
    assert pub.verify(key.sign(b"m", user_id="张三"), b"m", user_id="张三".encode())


def test_empty_and_large_messages_sign(key, pub):
    for message in (b"", b"\x00", b"x" * 1_000_000):
        assert pub.verify(key.sign(message), message)
    assert not pub.verify(key.sign(b""), b"\x00")


def test_bytearray_and_memoryview_accepted(key, pub):
    sig = key.sign(bytearray(b"abc"))
    assert pub.verify(memoryview(sig), memoryview(b"abc"))


# --- encryption ----------------------------------------------------------------------------------

@pytest.mark.parametrize("plaintext", [b"\x00", b"secret", "身份证号 110101199003078888".encode(), bytes(range(256)) * 40])
def test_encrypt_decrypt_round_trip(key, pub, plaintext):
    ct = pub.encrypt(plaintext)
    assert key.decrypt(ct) == plaintext
    assert pub.encrypt(plaintext) != ct  # fresh k every time


def test_ciphertext_is_der_c1c3c2(key, pub):
    message = b"encryption standard"
    x, y, c3, c2 = der_items(pub.encrypt(message))
    assert x[0] == y[0] == 0x02  # C1 coordinates as INTEGERs
    assert c3[0] == 0x04 and len(c3[1]) == 32  # SM3 hash
    assert c2[0] == 0x04 and len(c2[1]) == len(message)
    # C1 is a point on the curve: the coordinates make a valid public key
    point = b"\x04" + int.from_bytes(x[1], "big").to_bytes(32, "big") + int.from_bytes(y[1], "big").to_bytes(32, "big")
    sm2.public_key_from_point(point)


def test_decrypt_with_another_key_fails(pub):
    with pytest.raises(CryptoError) as err:
        sm2.generate_private_key().decrypt(pub.encrypt(b"secret"))
    assert err.value.code == "integrity"


@pytest.mark.parametrize("position", [5, 40, 75, 110, -1])
def test_tampered_ciphertext_fails(key, pub, position):
    ct = bytearray(pub.encrypt(b"a secret message"))
    ct[position] ^= 0x01
    with pytest.raises(CryptoError):
        key.decrypt(bytes(ct))


def test_truncated_or_extended_ciphertext_fails(key, pub):
    ct = pub.encrypt(b"a secret message")
    for bad in (ct[:-1], ct[:50], ct + b"\x00", b"", b"\x30\x00"):
        with pytest.raises(CryptoError):
            key.decrypt(bad)


def test_empty_plaintext_refused(pub):
    with pytest.raises(CryptoError) as err:
        pub.encrypt(b"")
    assert err.value.code == "empty_plaintext"
    assert "明文" in err.value.message


# --- object lifetime -----------------------------------------------------------------------------

def test_closed_key_raises_crypto_error_not_a_crash():
    key = sm2.generate_private_key()
    pub = key.public_key()
    sig = key.sign(b"x")
    key.close()
    key.close()  # idempotent
    with pytest.raises(CryptoError) as err:
        key.sign(b"x")
    assert err.value.code == "key_closed"
    with pytest.raises(CryptoError):
        key.to_pem()
    with pub:
        assert pub.verify(sig, b"x")
    with pytest.raises(CryptoError):
        pub.verify(sig, b"x")


def test_keys_cannot_be_pickled_or_copied(key, pub):
    """A copy would hold the same EVP_PKEY pointer and free it twice."""
    for obj in (key, pub):
        with pytest.raises(TypeError):
            pickle.dumps(obj)
        with pytest.raises(TypeError):
            copy.copy(obj)


def test_repr_shows_no_key_material(key):
    assert repr(key) == "<SM2PrivateKey>"
    assert key.to_pem().decode() not in repr(key)


def test_one_key_shared_by_threads(key, pub):
    errors = []

    def work(i):
        try:
            for j in range(15):
                message = f"{i}-{j}".encode()
                assert pub.verify(key.sign(message), message)
                assert key.decrypt(pub.encrypt(message)) == message
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_close_while_other_threads_sign_never_crashes():
    key = sm2.generate_private_key()
    outcomes = []
    start = threading.Barrier(4)

    def work():
        start.wait()
        for _ in range(30):
            try:
                key.sign(b"x")
                outcomes.append("ok")
            except CryptoError as exc:
                outcomes.append(exc.code)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    start.wait()
    key.close()
    for t in threads:
        t.join()
    assert set(outcomes) <= {"ok", "key_closed"}
    assert len(outcomes) == 90


def _rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4


def test_no_memory_leak_over_many_operations(key, pub):
    """Every EVP object is freed: resident memory stays flat over hundreds of full cycles, failures
    included. Calibrated here: leaking one EVP_PKEY per cycle grows RSS by ~2.3 KiB per cycle."""
    pem, der = key.to_pem(), pub.to_der()
    sig = key.sign(b"m")
    ct = pub.encrypt(b"m")

    def cycle():
        with sm2.load_private_key(pem) as k:
            k.sign(b"m")
        sm2.load_public_key(der).verify(sig, b"m")
        pub.verify(sig, b"other")
        key.decrypt(ct)
        for bad in (b"\x30\x03\x02\x01\x00", pem[:-30]):
            with pytest.raises(CryptoError):
                sm2.load_private_key(bad)
        with pytest.raises(CryptoError):
            key.decrypt(ct[:-1] + b"\x00")

    for _ in range(50):  # warm up allocator pools
        cycle()
    before = _rss_kib()
    for _ in range(250):
        cycle()
    grown = _rss_kib() - before
    assert grown < 400, f"RSS grew by {grown} KiB over 250 cycles"


def test_no_context_leak_on_rejected_signatures(pub):
    """The cheapest path through OpenSSL (a garbage signature) many times: a leaked EVP_MD_CTX and
    EVP_PKEY_CTX per call would add several MiB."""
    garbage = bytes(range(70))
    for _ in range(500):
        assert not pub.verify(garbage, b"m")
    before = _rss_kib()
    for _ in range(20000):
        pub.verify(garbage, b"m")
    grown = _rss_kib() - before
    assert grown < 512, f"RSS grew by {grown} KiB over 20,000 verifications"


# --- locating libcrypto --------------------------------------------------------------------------

def test_loader_uses_a_libcrypto_3(monkeypatch):
    from digigov.security.crypto.sm2 import _load_libcrypto

    assert _load_libcrypto().OpenSSL_version_num() >= 0x30000000
    assert sm2.openssl_version().startswith("OpenSSL 3.")


def test_missing_libcrypto_is_a_clear_import_error(monkeypatch):
    import ctypes

    from digigov.security.crypto.sm2 import SM2Unavailable, _load_libcrypto

    def no_library(name, *args, **kwargs):
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(ctypes, "CDLL", no_library)
    with pytest.raises(SM2Unavailable) as err:
        _load_libcrypto()
    assert isinstance(err.value, ImportError)
    assert "OpenSSL" in str(err.value) and "3.0" in str(err.value)


def test_libcrypto_older_than_3_is_refused(monkeypatch):
    import ctypes

    from digigov.security.crypto.sm2 import SM2Unavailable, _load_libcrypto

    class Old111:
        def __init__(self, name):
            self.OpenSSL_version_num = lambda: 0x1010117F  # OpenSSL 1.1.1w

    monkeypatch.setattr(ctypes, "CDLL", Old111)
    with pytest.raises(SM2Unavailable) as err:
        _load_libcrypto()
    assert "低于 3.0" in str(err.value)
