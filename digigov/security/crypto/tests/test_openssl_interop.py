"""Interoperability with the stock ``openssl`` CLI (/usr/bin/openssl, always present on Debian CI).

The 3.0 CLI has no default SM2 id, so every sign/verify passes ``-pkeyopt distid:1234567812345678``
(the GB/T 32918 default the service uses). Keys, signatures and ciphertexts cross in both directions.
"""

import subprocess

import pytest

from digigov.security.crypto import sm2

OPENSSL = "/usr/bin/openssl"
DISTID = "distid:1234567812345678"


def openssl(*args, input=None, check=True):
    return subprocess.run([OPENSSL, *args], input=input, capture_output=True, check=check, timeout=60)


@pytest.fixture
def tmp(tmp_path):
    return tmp_path


@pytest.fixture
def openssl_key(tmp):
    """A key made by ``openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2``, and its public PEM."""
    key_pem, pub_pem = tmp / "ossl-key.pem", tmp / "ossl-pub.pem"
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", str(key_pem))
    openssl("pkey", "-in", str(key_pem), "-pubout", "-out", str(pub_pem))
    return key_pem, pub_pem


def test_service_signature_verifies_with_openssl_cli(tmp):
    key = sm2.generate_private_key()
    message = "电子证照 2026-11-26 编号 0001".encode()
    (tmp / "pub.pem").write_bytes(key.public_key().to_pem())
    (tmp / "msg").write_bytes(message)
    (tmp / "sig").write_bytes(key.sign(message))
    args = ["pkeyutl", "-verify", "-pubin", "-inkey", str(tmp / "pub.pem"), "-rawin", "-digest", "sm3",
            "-pkeyopt", DISTID, "-in", str(tmp / "msg"), "-sigfile", str(tmp / "sig")]
    result = openssl(*args)
    assert b"Signature Verified Successfully" in result.stdout
    # and the CLI is really checking: another message fails
    (tmp / "msg").write_bytes(message + b"!")
    assert openssl(*args, check=False).returncode != 0


def test_service_signature_with_a_custom_user_id_verifies_with_openssl_cli(tmp):
    key = sm2.generate_private_key()
    (tmp / "pub.pem").write_bytes(key.public_key().to_pem())
    (tmp / "msg").write_bytes(b"seal")
    (tmp / "sig").write_bytes(key.sign(b"seal", user_id="digigov-seal"))
    base = ["pkeyutl", "-verify", "-pubin", "-inkey", str(tmp / "pub.pem"), "-rawin", "-digest", "sm3",
            "-in", str(tmp / "msg"), "-sigfile", str(tmp / "sig"), "-pkeyopt"]
    assert openssl(*base, "distid:digigov-seal").returncode == 0
    assert openssl(*base, DISTID, check=False).returncode != 0


def test_openssl_cli_signature_verifies_in_the_service(tmp, openssl_key):
    key_pem, pub_pem = openssl_key
    message = b"signed by the openssl CLI"
    (tmp / "msg").write_bytes(message)
    openssl("pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID, "-inkey", str(key_pem),
            "-in", str(tmp / "msg"), "-out", str(tmp / "sig"))
    signature = (tmp / "sig").read_bytes()
    pub = sm2.load_public_key(pub_pem.read_bytes())
    assert pub.verify(signature, message)
    assert not pub.verify(signature, message + b"!")
    assert not pub.verify(signature, message, user_id="ALICE123@YAHOO.COM")
    # the service loads the CLI's private key too, and it is the same pair
    assert sm2.load_private_key(key_pem.read_bytes()).public_key() == pub


def test_openssl_generated_keys_load_in_pem_and_der(tmp, openssl_key):
    key_pem, pub_pem = openssl_key
    openssl("pkcs8", "-topk8", "-nocrypt", "-in", str(key_pem), "-outform", "DER", "-out", str(tmp / "key.der"))
    # `openssl pkey -outform DER` writes the traditional SEC1 ECPrivateKey, which loads as well
    openssl("pkey", "-in", str(key_pem), "-outform", "DER", "-out", str(tmp / "key-sec1.der"))
    openssl("pkey", "-pubin", "-in", str(pub_pem), "-outform", "DER", "-out", str(tmp / "pub.der"))
    key = sm2.load_private_key((tmp / "key.der").read_bytes())
    pub = sm2.load_public_key((tmp / "pub.der").read_bytes())
    assert key.public_key() == pub == sm2.load_public_key(pub_pem.read_bytes())
    assert sm2.load_private_key((tmp / "key-sec1.der").read_bytes()).public_key() == pub
    # the service writes back byte-identical encodings
    assert key.to_pem() == key_pem.read_bytes()
    assert key.to_der() == (tmp / "key.der").read_bytes()
    assert pub.to_pem() == pub_pem.read_bytes()
    assert pub.to_der() == (tmp / "pub.der").read_bytes()


def test_service_keys_load_in_openssl(tmp):
    key = sm2.generate_private_key()
    (tmp / "key.pem").write_bytes(key.to_pem())
    (tmp / "key.der").write_bytes(key.to_der())
    (tmp / "pub.der").write_bytes(key.public_key().to_der())
    text = openssl("pkey", "-in", str(tmp / "key.pem"), "-text", "-noout").stdout.decode()
    assert "ASN1 OID: SM2" in text
    pub_from_cli = openssl("pkey", "-in", str(tmp / "key.der"), "-inform", "DER", "-pubout").stdout
    assert pub_from_cli == key.public_key().to_pem()
    assert openssl("pkey", "-pubin", "-in", str(tmp / "pub.der"), "-inform", "DER").stdout == key.public_key().to_pem()
    # the raw point is the one openssl prints as "pub:"
    hex_lines = text.split("pub:")[1].split("ASN1 OID")[0]
    assert bytes.fromhex("".join(hex_lines.split()).replace(":", "")) == key.public_key().raw_point()


def test_openssl_cli_decrypts_what_the_service_encrypted(tmp):
    key = sm2.generate_private_key()
    secret = "居民身份证号 110101199003078888".encode()
    (tmp / "key.pem").write_bytes(key.to_pem())
    (tmp / "ct").write_bytes(key.public_key().encrypt(secret))
    result = openssl("pkeyutl", "-decrypt", "-inkey", str(tmp / "key.pem"), "-in", str(tmp / "ct"))
    assert result.stdout == secret


def test_service_decrypts_what_the_openssl_cli_encrypted(tmp, openssl_key):
    key_pem, pub_pem = openssl_key
    secret = b"encrypted by the openssl CLI"
    (tmp / "pt").write_bytes(secret)
    openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", str(pub_pem), "-in", str(tmp / "pt"), "-out", str(tmp / "ct"))
    assert sm2.load_private_key(key_pem.read_bytes()).decrypt((tmp / "ct").read_bytes()) == secret
