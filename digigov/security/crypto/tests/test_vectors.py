"""Known-answer tests: published vectors for SM3, HMAC-SM3, SM4, SM4-GCM and SM2 on the recommended curve.

Each vector names the standard it comes from and the public test file it was checked against.
"""

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from digigov.security.crypto import CryptoError, hmac_sm3, sm2, sm3, sm4_gcm_decrypt, sm4_gcm_encrypt

# --- SM3: GB/T 32905-2016 Appendix A (also GM/T 0004-2012; the same values in draft-shen-sm3-hash-01) ---


def test_sm3_example_1_abc():
    assert sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_example_2_abcd_times_16():
    assert sm3(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


# --- HMAC-SM3: GM/T 0042-2015 Appendix D.3, as in OpenSSL test/recipes/30-test_evp_data/evpmac_sm3.txt ---

HMAC_SM3_VECTORS = [
    (bytes.fromhex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"),
     b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" * 2,
     "ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a"),
    (bytes.fromhex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425"),
     b"\xcd" * 50,
     "220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae"),
    (b"\x0b" * 32, b"Hi There", "c0ba18c68b90c88bc07de794bfc7d2c8d19ec31ed8773bc2b390c9604e0be11e"),
    (b"Jefe Jeferson Jr", b"what do ya want for nothing?",
     "ce791a34c59adef472997a249600f3f244d59e875be04055ba2ae12fc845e78c"),
]


@pytest.mark.parametrize("key,data,mac", HMAC_SM3_VECTORS)
def test_hmac_sm3_gmt_0042(key, data, mac):
    assert hmac_sm3(key, data).hex() == mac


# --- SM4: GB/T 32907-2016 Appendix A (also GM/T 0002-2012; BouncyCastle SM4Test.Test1000000) -------

SM4_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")


def test_sm4_example_1_single_block():
    enc = Cipher(algorithms.SM4(SM4_KEY), modes.ECB()).encryptor()
    assert enc.update(SM4_KEY).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_example_2_one_million_encryptions():
    """The plaintext (= the key) encrypted 1,000,000 times under the same key. ~1 s here, so the full
    vector runs rather than a shortened one."""
    update = Cipher(algorithms.SM4(SM4_KEY), modes.ECB()).encryptor().update
    block = SM4_KEY
    for _ in range(1_000_000):
        block = update(block)
    assert block.hex() == "595298c7c6fd271f0402f804c33d3f66"


# --- SM4-GCM: RFC 8998 Appendix A.1 (the same values in GB/T 36624 test data) ----------------------

def test_sm4_gcm_rfc8998_a1():
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    iv = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA")
    ciphertext = bytes.fromhex(
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D")
    tag = bytes.fromhex("83DE3541E4C2B58177E065A9BF7B62EC")
    blob = sm4_gcm_encrypt(key, plaintext, aad, nonce=iv)
    assert blob == iv + ciphertext + tag
    assert sm4_gcm_decrypt(key, blob, aad) == plaintext
    with pytest.raises(CryptoError) as err:
        sm4_gcm_decrypt(key, blob[:-1] + bytes([blob[-1] ^ 1]), aad)
    assert err.value.code == "integrity"


# --- SM2 on the recommended curve: GB/T 32918.5-2017 / GM/T 0003.5-2012 Annex A (signature) and
#     Annex C (encryption), as used in OpenSSL test/sm2_internal_test.c (sm2_sig_test, sm2_crypt_test) ---

SM2_D = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
SM2_POINT = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13")
SM2_SIG_R = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
SM2_SIG_S = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
# both r and s have the top bit set, hence the 00 padding of each DER INTEGER
SM2_SIG_DER = bytes.fromhex("3046" + "022100" + SM2_SIG_R + "022100" + SM2_SIG_S)
# Annex C's C1, C3 and C2 for "encryption standard" (k = 59276E27…BC21), in GM/T 0009-2012 §7.2 DER
SM2_CIPHERTEXT = bytes.fromhex(
    "307C"
    "0220" "04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73"
    "022100" "E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0"
    "0420" "59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766"
    "0413" "21886CA989CA9C7D58087307CA93092D651EFA")


def test_sm2_published_signature_verifies_with_the_default_user_id():
    pub = sm2.public_key_from_point(SM2_POINT)
    assert pub.verify(SM2_SIG_DER, b"message digest")
    assert pub.verify(SM2_SIG_DER, b"message digest", user_id="1234567812345678")


def test_sm2_published_signature_fails_on_another_message_id_or_key():
    pub = sm2.public_key_from_point(SM2_POINT)
    assert not pub.verify(SM2_SIG_DER, b"message digesT")
    assert not pub.verify(SM2_SIG_DER, b"message digest", user_id="ALICE123@YAHOO.COM")
    assert not sm2.generate_private_key().public_key().verify(SM2_SIG_DER, b"message digest")


def test_sm2_published_key_pair_is_consistent():
    """The loader checks d·G == P, so loading the published pair checks the published public key."""
    key = sm2.private_key_from_scalar(SM2_D, SM2_POINT)
    assert key.public_key().raw_point() == SM2_POINT
    other = bytearray(SM2_D)
    other[-1] ^= 1
    with pytest.raises(CryptoError):
        sm2.private_key_from_scalar(bytes(other), SM2_POINT)


def test_sm2_published_ciphertext_decrypts():
    key = sm2.private_key_from_scalar(SM2_D, SM2_POINT)
    assert key.decrypt(SM2_CIPHERTEXT) == b"encryption standard"


def test_sm2_signature_by_the_published_key_verifies():
    """k is random in the service, so the published (r, s) cannot be reproduced; a fresh signature by
    the published key still verifies under the published public point."""
    key = sm2.private_key_from_scalar(SM2_D, SM2_POINT)
    sig = key.sign(b"message digest")
    assert sig != SM2_SIG_DER
    assert sm2.public_key_from_point(SM2_POINT).verify(sig, b"message digest")
