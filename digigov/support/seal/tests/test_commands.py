"""The command line: seal_sign's detached signature is checked by our parser AND by OpenSSL (certificate chain
and the raw SM2 signature over DER(TBS_Sign)), so the output is checked by something that is not our code."""

import shutil
import subprocess
from io import StringIO

import pytest
from asn1crypto import pem
from django.core.management import CommandError, call_command

from digigov.support.seal import ses
from digigov.support.seal.models import Seal, SealStatus, SealType, Signing
from digigov.support.seal.testing import made_seal

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")]
DISTID = "distid:1234567812345678"


def _openssl(*args, cwd):
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=30)


def test_seal_sign_output_verifies_with_openssl(people, tmp_path):
    seal = made_seal(people.unit, holders=[people.holder], applicant=people.dept_admin, approver=people.city_admin)
    doc = tmp_path / "通知.txt"
    doc.write_bytes("关于开展电子印章试点的通知".encode() * 100)
    out = tmp_path / "sig.der"
    call_command("seal_sign", "--seal", seal.code, "--file", str(doc), "--out", str(out), "--reason", "发文", stdout=StringIO())
    der = out.read_bytes()
    parsed = ses.parse_signature(der)
    assert parsed.signature_ok and parsed.seal.maker_signature_ok
    assert parsed.data_hash == ses.document_hash(doc.read_bytes()) and parsed.seal.es_id == seal.code
    signing = Signing.objects.get()
    assert bytes(signing.signature) == der and signing.kind == "detached" and signing.reason == "发文"

    certs = tmp_path / "certs"
    call_command("seal_certs", "--out", str(certs), stdout=StringIO())
    (tmp_path / "signer.pem").write_bytes(pem.armor("CERTIFICATE", parsed.signer_cert))
    assert (certs / "signers" / f"{signing.certificate.fingerprint}.pem").read_bytes() == (tmp_path / "signer.pem").read_bytes()
    chain = _openssl("verify", "-vfyopt", DISTID, "-CAfile", str(certs / "root.pem"), "signer.pem", cwd=tmp_path)
    assert chain.returncode == 0 and "signer.pem: OK" in chain.stdout, chain.stderr
    maker = _openssl("verify", "-vfyopt", DISTID, "-CAfile", str(certs / "root.pem"), str(certs / "maker.pem"), cwd=tmp_path)
    assert maker.returncode == 0, maker.stderr

    # the signer's SM2 signature over DER(TBS_Sign), checked by openssl pkeyutl
    sig = ses.SESSignature.load(der)
    (tmp_path / "tbs.der").write_bytes(sig["toSign"].dump())
    (tmp_path / "sig.bin").write_bytes(sig["signature"].native)
    pub = _openssl("x509", "-in", "signer.pem", "-pubkey", "-noout", "-out", "pub.pem", cwd=tmp_path)
    assert pub.returncode == 0, pub.stderr
    verify = _openssl("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "tbs.der", "-sigfile", "sig.bin",
                      "-digest", "sm3", "-pkeyopt", DISTID, cwd=tmp_path)
    assert verify.returncode == 0 and "Signature Verified Successfully" in verify.stdout, verify.stdout + verify.stderr
    # a flipped byte in TBS_Sign fails the same check
    tbs = bytearray(sig["toSign"].dump())
    tbs[-5] ^= 1
    (tmp_path / "tbs.der").write_bytes(bytes(tbs))
    bad = _openssl("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "tbs.der", "-sigfile", "sig.bin",
                   "-digest", "sm3", "-pkeyopt", DISTID, cwd=tmp_path)
    assert bad.returncode != 0


def test_seal_sign_refuses_clearly(people, tmp_path):
    seal = made_seal(people.unit, applicant=people.dept_admin, approver=people.city_admin)
    doc = tmp_path / "a.txt"
    doc.write_text("x")
    with pytest.raises(CommandError, match="印章不存在"):
        call_command("seal_sign", "--seal", "00000000000000", "--file", str(doc), "--out", str(tmp_path / "o"))
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("seal_sign", "--seal", seal.code, "--file", str(tmp_path / "none"), "--out", str(tmp_path / "o"))
    Seal.objects.filter(pk=seal.pk).update(status=SealStatus.SUSPENDED)
    with pytest.raises(CommandError, match="暂停"):
        call_command("seal_sign", "--seal", seal.code, "--file", str(doc), "--out", str(tmp_path / "o"))
    assert not (tmp_path / "o").exists() and Signing.objects.count() == 0


def test_seal_list_prints_one_tab_separated_line_per_seal(people):
    made_seal(people.unit, applicant=people.dept_admin, approver=people.city_admin)
    made_seal(people.unit, seal_type=SealType.CONTRACT, applicant=people.dept_admin, approver=people.city_admin)
    out = StringIO()
    call_command("seal_list", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    cols = lines[0].split("\t")
    assert cols[0] == "21060001000001" and cols[1] == people.unit.name and cols[2] == people.unit.name
    assert cols[3] == "公章" and cols[4] == "有效" and "至" in cols[5]
    assert lines[1].split("\t")[3] == "合同专用章"
