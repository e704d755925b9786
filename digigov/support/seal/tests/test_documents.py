"""Signing documents: detached, PDF and OFD through the signing service, read back by the parsers."""

import io
import zipfile

import pytest
from lxml import etree

from digigov.core.crypto import sm3
from digigov.core.errors import Forbidden, ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.system import system_account
from digigov.support.seal import documents, ofd as ofdmod, pdf as pdfmod, ses
from digigov.support.seal.models import Seal, Signing, SigningKind
from digigov.support.seal.testing import make_seal
from digigov.support.seal.tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def seal(city):
    return make_seal(Department.objects.first())


def test_pdf_round_trip_is_an_incremental_cms_signature_carrying_the_ses(seal):
    from pypdf import PdfReader

    original = samples.make_pdf(pages=2)
    out, rec = documents.sign_pdf(system_account(), seal, original, document_name="通知.pdf", reason="发文", page=-1)
    assert out.startswith(original)  # incremental update: the original bytes are untouched
    reader = PdfReader(io.BytesIO(out))
    assert len(reader.pages) == 2
    annots = reader.pages[1].get("/Annots") or []
    assert any(a.get_object().get("/FT") == "/Sig" for a in annots)  # the stamp is on the last page
    assert not reader.pages[0].get("/Annots")
    [sig] = pdfmod.read_signatures(out)
    assert sig.intact and sig.cms_valid and sig.covers_whole_file
    parsed = ses.parse_signature(sig.ses_der)
    assert parsed.signature_ok and parsed.seal.maker_signature_ok
    assert parsed.data_hash == sig.byte_range_digest
    assert parsed.signer_cert == sig.cert_der
    assert rec.kind == SigningKind.PDF and rec.document_sm3 == sig.byte_range_digest.hex()
    assert bytes(rec.signature) == sig.ses_der
    seal.refresh_from_db()
    assert seal.sign_count == 1


def test_pdf_signed_twice_keeps_both_signatures_intact(seal):
    once, _ = documents.sign_pdf(system_account(), seal, samples.make_pdf(), document_name="a.pdf", reason="发文")
    twice, _ = documents.sign_pdf(system_account(), seal, once, document_name="a.pdf", reason="复核", x_mm=20, y_mm=30)
    first, second = pdfmod.read_signatures(twice)
    assert first.intact and second.intact and first.field_name != second.field_name
    assert not first.covers_whole_file and second.covers_whole_file


def test_a_changed_byte_breaks_the_pdf_byte_range(seal):
    out, _ = documents.sign_pdf(system_account(), seal, samples.make_pdf(), document_name="a.pdf", reason="发文")
    tampered = bytearray(out)
    tampered[300] ^= 0x01
    [sig] = pdfmod.read_signatures(bytes(tampered))
    assert not sig.intact
    assert ses.parse_signature(sig.ses_der).data_hash != sig.byte_range_digest


def test_ofd_round_trip_lays_out_the_gbt33190_signature(seal):
    original = samples.make_ofd(pages=2)
    out, rec = documents.sign_ofd(system_account(), seal, original, document_name="通知.ofd", reason="发文", page=1)
    z = zipfile.ZipFile(io.BytesIO(out))
    names = set(z.namelist())
    assert {"Doc_0/Signs/Signatures.xml", "Doc_0/Signs/Sign_0/Signature.xml", "Doc_0/Signs/Sign_0/SignedValue.dat"} <= names
    ns = {"ofd": ofdmod.NS}
    assert etree.fromstring(z.read("OFD.xml")).findtext("ofd:DocBody/ofd:Signatures", namespaces=ns) == "Doc_0/Signs/Signatures.xml"
    sig_xml = z.read("Doc_0/Signs/Sign_0/Signature.xml")
    root = etree.fromstring(sig_xml)
    assert root.findtext("ofd:SignedInfo/ofd:SignatureMethod", namespaces=ns) == "1.2.156.10197.1.501"
    assert root.find("ofd:SignedInfo/ofd:References", ns).get("CheckMethod") == "1.2.156.10197.1.401"
    annot = root.find("ofd:SignedInfo/ofd:StampAnnot", ns)
    assert annot.get("PageRef") == "2" and annot.get("Boundary") == "155.00 242.00 40 40"
    [sig] = ofdmod.read_signatures(out)
    assert sig.method_ok and sig.references and all(ok for _f, ok in sig.references) and not sig.unprotected
    assert {f for f, _ok in sig.references} == {"OFD.xml", "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml",
                                               "Doc_0/Pages/Page_1/Content.xml"}
    parsed = ses.parse_signature(sig.ses_der)
    assert parsed.signature_ok and parsed.data_hash == sm3(sig_xml) == sig.signature_xml_hash
    assert parsed.property_info == "/Doc_0/Signs/Sign_0/Signature.xml"
    assert rec.kind == SigningKind.OFD


def test_ofd_signed_twice_and_a_changed_page_is_caught(seal):
    once, _ = documents.sign_ofd(system_account(), seal, samples.make_ofd(), document_name="a.ofd", reason="发文")
    twice, _ = documents.sign_ofd(system_account(), seal, once, document_name="a.ofd", reason="复核", x_mm=10, y_mm=10)
    sigs = ofdmod.read_signatures(twice)
    assert len(sigs) == 2 and all(all(ok for _f, ok in s.references) for s in sigs)
    files = ofdmod.unpack(twice)
    files["Doc_0/Pages/Page_0/Content.xml"] = files["Doc_0/Pages/Page_0/Content.xml"].replace("通知".encode(), "通告".encode())
    for s in ofdmod.read_signatures(ofdmod.pack(files)):
        assert dict(s.references)["Doc_0/Pages/Page_0/Content.xml"] is False


def test_detached_signature_is_over_the_sm3_of_the_bytes(seal):
    der, rec = documents.sign_detached(system_account(), seal, b"any file", document_name="a.txt", reason="发文", batch="b1")
    parsed = ses.parse_signature(der)
    assert parsed.signature_ok and parsed.data_hash == sm3(b"any file")
    assert rec.kind == SigningKind.DETACHED and rec.batch == "b1"


def test_a_stranger_signs_nothing(seal, user_factory):
    stranger = user_factory()
    for fn, data in ((documents.sign_pdf, samples.make_pdf()), (documents.sign_ofd, samples.make_ofd()),
                     (documents.sign_detached, b"x")):
        with pytest.raises(Forbidden):
            fn(stranger, seal, data, document_name="a", reason="发文")
    assert Signing.objects.count() == 0


@pytest.mark.parametrize("data", [b"<html><body>%PDF-1.7</body></html>", b"%PDF-1.7\n1 0 obj\n<<", b""])
def test_not_a_pdf_is_refused_clearly_and_writes_nothing(seal, data):
    with pytest.raises(ValidationFailed) as exc:
        documents.sign_pdf(system_account(), seal, data, document_name="a.pdf", reason="发文")
    assert exc.value.message
    assert Signing.objects.count() == 0
    assert Seal.objects.get(pk=seal.pk).sign_count == 0


@pytest.mark.parametrize("data", [b"PK\x03\x04garbage", b"%PDF-1.7", lambda: samples.make_ofd()[:200],
                                  lambda: zipfile_without_docroot()])
def test_not_an_ofd_is_refused_clearly(seal, data):
    data = data() if callable(data) else data
    with pytest.raises(ValidationFailed):
        documents.sign_ofd(system_account(), seal, data, document_name="a.ofd", reason="发文")
    assert Signing.objects.count() == 0


def zipfile_without_docroot() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'><ofd:DocBody/></ofd:OFD>")
    return out.getvalue()


def test_oversize_is_refused(seal, monkeypatch):
    monkeypatch.setattr(documents, "MAX_BYTES", 1000)
    with pytest.raises(ValidationFailed) as exc:
        documents.sign_detached(system_account(), seal, b"x" * 1001, document_name="a", reason="发文")
    assert exc.value.code == "file_too_large"


def test_page_out_of_range_is_refused(seal):
    with pytest.raises(ValidationFailed) as exc:
        documents.sign_pdf(system_account(), seal, samples.make_pdf(pages=1), document_name="a.pdf", reason="发文", page=3)
    assert "页码" in exc.value.message
    with pytest.raises(ValidationFailed):
        documents.sign_ofd(system_account(), seal, samples.make_ofd(pages=1), document_name="a.ofd", reason="发文", page=5)


def test_pyhanko_coroutines_run_from_inside_a_running_event_loop():
    """Playwright's sync API (browser tests) or an async caller runs a loop in this thread: pyHanko's
    coroutines then run on a helper thread instead of failing with "asyncio.run() cannot be called"."""
    import asyncio

    async def work():
        await asyncio.sleep(0)
        return 42

    async def inside():
        return pdfmod._run(work())

    assert pdfmod._run(work()) == 42
    assert asyncio.run(inside()) == 42


def test_the_qr_code_points_at_the_public_verify_url(settings):
    settings.DIGIGOV_SITE_URL = "https://gov.example.cn"
    assert documents.verify_url("abc") == "https://gov.example.cn/verify/s/abc/"


def test_the_stamp_qr_code_names_the_signing_record(seal, monkeypatch):
    seen = []
    real = pdfmod.stamp_image
    monkeypatch.setattr(pdfmod, "stamp_image", lambda png, url, **kw: seen.append(url) or real(png, url, **kw))
    _out, rec = documents.sign_pdf(system_account(), seal, samples.make_pdf(), document_name="a.pdf", reason="发文")
    assert seen == [documents.verify_url(rec.token)] and rec.token in seen[0]


@pytest.mark.parametrize("url", ["https://gov.example.cn/verify/s/abc/", "/verify/s/" + "Ab3_-" * 9 + "/",
                                 "https://政务.示范市.cn/verify/s/" + "x" * 43 + "/"])
def test_the_stamp_qr_code_decodes_to_the_verify_url(seal, url):
    """The QR code is drawn with a fixed mask and scaled without smoothing (fast); an independent reader
    (ZXing) must still decode exactly the URL, and the cached seal picture must not leak between stamps."""
    import zxingcpp

    first = pdfmod.stamp_image(bytes(seal.image_png), url, width_mm=seal.width_mm, height_mm=seal.height_mm)
    found = zxingcpp.read_barcodes(first.convert("RGB"))
    assert [b.text for b in found] == [url]
    other = pdfmod.stamp_image(bytes(seal.image_png), url + "?2", width_mm=seal.width_mm, height_mm=seal.height_mm)
    seal_box = (0, 0, first.width - round(24 / 25.4 * 300), first.height)
    assert first.crop(seal_box).tobytes() == other.crop(seal_box).tobytes()
    assert first.crop(seal_box).getbbox() is not None  # the seal is there, not blank
