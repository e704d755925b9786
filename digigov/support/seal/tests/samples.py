"""Test documents and a seal to sign them with (shared by this app's tests and the browser journey)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.utils import timezone

from digigov.support.seal import ca, ses, signing
from digigov.support.seal.models import Seal, SealType

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def seal_png(size: int = 200) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((4, 4, size - 4, size - 4), outline=(200, 0, 0, 255), width=8)
    d.regular_polygon((size / 2, size / 2, size / 5), 5, fill=(200, 0, 0, 255))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def make_seal(actor, department, signer_certs, *, code: str = "21020000000001", days: int = 365, start=None) -> Seal:
    _root, maker = ca.ensure_ca(actor)
    now = start or timezone.now()
    png = seal_png()
    info = ses.seal_info(es_id=code, seal_type=SealType.OFFICIAL, name=department.name,
                         signer_certs=[bytes(c.der) for c in signer_certs], created=now, valid_start=now,
                         valid_end=now + dt.timedelta(days=days), picture_png=png, width_mm=40, height_mm=40)
    der = ses.make_seal(info, maker_cert=bytes(maker.der), maker_key=signing.private_key(maker))
    seal = Seal.objects.create(code=code, name=department.name, seal_type=SealType.OFFICIAL, department=department,
                               maker_cert=maker, image_png=png, der=der, valid_start=now, width_mm=40, height_mm=40,
                               valid_end=now + dt.timedelta(days=days))
    seal.signers.set(signer_certs)
    return seal


def make_pdf(pages: int = 2, text: str = "示范市人民政府 通知") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    try:
        pdfmetrics.getFont("WQY")
    except KeyError:
        pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for i in range(pages):
        c.setFont("WQY", 16)
        c.drawString(72, 760, f"{text}（第 {i + 1} 页）")
        c.showPage()
    c.save()
    return out.getvalue()


def make_ofd(pages: int = 1, text: str = "示范市人民政府 通知") -> bytes:
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    files = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody>'
                   f'<ofd:DocInfo><ofd:DocID>d1</ofd:DocID><ofd:Title>{text}</ofd:Title></ofd:DocInfo>'
                   f'<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}><ofd:CommonData>'
                              f'<ofd:MaxUnitID>{10 + pages}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297'
                              f'</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>'
                              + "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(pages))
                              + "</ofd:Pages></ofd:Document>",
    }
    for i in range(pages):
        files[f"Doc_0/Pages/Page_{i}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content><ofd:Layer ID="{100 + i}">'
            f'<ofd:TextObject ID="{200 + i}" Boundary="20 20 170 10" Font="1" Size="5"><ofd:TextCode X="0" Y="5">'
            f'{text}</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content.encode())
    return out.getvalue()


def signing_record(city):
    """A PDF signing of a fresh unit seal (for fixtures that need a real QR token, e.g. the API fuzz world)."""
    from digigov.core.rbac.system import system_account
    from digigov.support.seal import documents

    system = system_account()
    dept = city.bureau
    seal = make_seal(system, dept, [ca.issue_unit_certificate(system, dept)], code="21020000009999")
    _pdf, record = documents.sign_pdf(system, seal, make_pdf(pages=1), document_name="样例.pdf", reason="测试")
    return record
