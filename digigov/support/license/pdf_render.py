"""The same licence page as a PDF (reportlab), for holders and systems that do not read OFD.

Same layout and placement as ``ofd_render`` (``layout.place``), y axis flipped (PDF's origin is bottom-left);
文泉驿微米黑 is embedded as a subset (reportlab embeds only the glyphs used), so the PDF shows the same
characters on any machine. Sealing (``seal.documents.sign_pdf``) signs it afterwards; the document is
written with a fixed creation date and ``invariant`` so the same input gives the same bytes.
"""

from __future__ import annotations

import io
import threading

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .layout import place

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT = "WQYMicroHei"
_lock = threading.Lock()


def _font() -> str:
    with _lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, FONT_PATH, subfontIndex=0))
    return FONT


def render(layout: dict, *, title: str, rows: list[tuple[str, str]], footer: list[tuple[str, str]], doc_id: str,
           created: str) -> bytes:
    page = layout.get("page") or {}
    width, height = float(page.get("width", 210)), float(page.get("height", 148))
    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width * mm, height * mm), invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("电子证照签发系统")
    c.setSubject(doc_id)
    c.setCreator("DigiGov")
    c.setStrokeColorRGB(156 / 255, 29 / 255, 36 / 255)
    c.setLineWidth(0.5 * mm)
    c.rect(3 * mm, 3 * mm, (width - 6) * mm, (height - 6) * mm)
    for t in place(layout, title, rows, footer):
        # the layout's size is the character height in mm; a font's em is ~1.15 its CJK glyph height
        c.setFont(font, t.size * mm)
        c.drawString(t.x * mm, (height - t.y) * mm, t.text)
    c.showPage()
    c.save()
    return buf.getvalue()


def read_text(pdf_bytes: bytes) -> str:
    from pypdf import PdfReader

    return "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
