"""SM3 (GB/T 32905-2016) through the project's crypto module."""

from hypothesis import given, strategies as st

from digigov.core import crypto


def test_sm3_gbt32905_example_1_abc():
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_gbt32905_example_2_512_bit_message():
    assert crypto.sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_sm3_raw_digest_is_32_bytes():
    digest = crypto.sm3(b"abc")
    assert isinstance(digest, bytes) and len(digest) == 32
    assert digest.hex() == crypto.sm3_hex(b"abc")


def test_sm3_is_not_sha256():
    assert crypto.sm3_hex(b"") != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert crypto.sm3_hex(b"") == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"


@given(st.binary(max_size=256), st.binary(max_size=256))
def test_hmac_sm3_is_deterministic_and_keyed(key, data):
    mac = crypto.hmac_sm3_hex(key, data)
    assert mac == crypto.hmac_sm3_hex(key, data)
    assert len(mac) == 64 and int(mac, 16) >= 0
    assert crypto.hmac_sm3_hex(key + b"\x01", data) != mac
    assert crypto.hmac_sm3_hex(key, data + b"\x00") != mac


def test_hmac_sm3_differs_from_plain_hash():
    assert crypto.hmac_sm3_hex(b"key", b"abc") != crypto.sm3_hex(b"abc")
    assert crypto.hmac_sm3_hex(b"", b"abc") != crypto.sm3_hex(b"abc")


def test_constant_time_equals():
    assert crypto.constant_time_equals("abc", "abc")
    assert not crypto.constant_time_equals("abc", "abd")
    assert not crypto.constant_time_equals("abc", "ab")
