"""Test documents and a signing record (shared by this app's tests and the browser journey); seals come from
``seal.testing.make_seal``."""

from __future__ import annotations

import io
import zipfile

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


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
    from digigov.support.seal.testing import make_seal

    system = system_account()
    dept = city.bureau
    seal = make_seal(dept, code="21020000009999")
    _pdf, record = documents.sign_pdf(system, seal, make_pdf(pages=1), document_name="样例.pdf", reason="测试")
    return record
