"""A one-page OFD (GB/T 33190-2016) of a licence, before sealing.

The container is a ZIP with::

    OFD.xml                         DocBody: DocInfo (DocID = the licence identifier's SM3, title, dates), DocRoot
    Doc_0/Document.xml              CommonData (page box in mm, MaxUnitID, PublicRes), the page list
    Doc_0/PublicRes.xml             the font (文泉驿微米黑, referenced by name: every OFD reader on a government
                                    desktop has a CJK sans-serif; embedding the 5 MB collection in every licence
                                    would make each file megabytes)
    Doc_0/Pages/Page_0/Content.xml  one layer of TextObjects, positioned in mm (top-left origin, baseline Y)

Sealing (``seal.documents.sign_ofd``) then adds ``Doc_0/Signs/…`` with the GB/T 38540 signature and the
stamp annotation; this module only writes the unsigned document, deterministic for the same input (fixed
ZIP timestamps), so its SM3 is reproducible.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from .layout import Text, place, seal_box, text_width

NS = "http://www.ofdspec.org/2016"
FONT_NAME = "WenQuanYi Micro Hei"
_E = "{%s}" % NS
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _el(parent, tag, text=None, **attrs):
    e = etree.SubElement(parent, _E + tag, {k: str(v) for k, v in attrs.items()}) if parent is not None else etree.Element(_E + tag, {k: str(v) for k, v in attrs.items()}, nsmap={"ofd": NS})
    if text is not None:
        e.text = text
    return e


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def render(layout: dict, *, title: str, rows: list[tuple[str, str]], footer: list[tuple[str, str]], doc_id: str,
           created: str) -> bytes:
    """The OFD bytes: ``rows`` are (label, value) pairs of the licence body, ``footer`` the printed metadata."""
    page = layout.get("page") or {}
    width, height = float(page.get("width", 210)), float(page.get("height", 148))
    texts = place(layout, title, rows, footer)

    ofd = _el(None, "OFD", Version="1.1", DocType="OFD")
    body = _el(ofd, "DocBody")
    info = _el(body, "DocInfo")
    _el(info, "DocID", doc_id)
    _el(info, "Title", title)
    _el(info, "Author", "电子证照签发系统")
    _el(info, "CreationDate", created)
    _el(info, "Creator", "DigiGov")
    _el(body, "DocRoot", "Doc_0/Document.xml")

    ids = iter(range(1, 10_000))
    font_id, page_id, layer_id = next(ids), next(ids), next(ids)
    content = _el(None, "Page")
    layer = _el(_el(content, "Content"), "Layer", ID=layer_id, Type="Body")
    for t in texts:
        _text_object(layer, next(ids), font_id, t)
    # a thin frame like the printed certificates have
    frame = _el(layer, "PathObject", ID=next(ids), Boundary=f"3 3 {_n(width - 6)} {_n(height - 6)}", LineWidth="0.5", Stroke="true", Fill="false")
    _el(frame, "StrokeColor", Value="156 29 36")
    _el(frame, "AbbreviatedData", f"M 0 0 L {_n(width - 6)} 0 L {_n(width - 6)} {_n(height - 6)} L 0 {_n(height - 6)} C")
    max_id = next(ids) - 1

    doc = _el(None, "Document")
    common = _el(doc, "CommonData")
    _el(common, "MaxUnitID", str(max_id))
    area = _el(common, "PageArea")
    _el(area, "PhysicalBox", f"0 0 {_n(width)} {_n(height)}")
    _el(common, "PublicRes", "PublicRes.xml")
    pages = _el(doc, "Pages")
    _el(pages, "Page", ID=page_id, BaseLoc="Pages/Page_0/Content.xml")

    res = _el(None, "Res", BaseLoc="Res")
    fonts = _el(res, "Fonts")
    _el(fonts, "Font", ID=font_id, FontName=FONT_NAME, FamilyName=FONT_NAME)

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("OFD.xml", _xml(ofd)), ("Doc_0/Document.xml", _xml(doc)), ("Doc_0/PublicRes.xml", _xml(res)),
                           ("Doc_0/Pages/Page_0/Content.xml", _xml(content))):
            z.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _text_object(layer, oid: int, font_id: int, t: Text) -> None:
    w = max(t.size, text_width(t.text, t.size))
    obj = _el(layer, "TextObject", ID=oid, Boundary=f"{_n(t.x)} {_n(t.y - t.size)} {_n(w + 1)} {_n(t.size * 1.3)}",
              Font=font_id, Size=_n(t.size))
    _el(obj, "FillColor", Value="0 0 0")
    _el(obj, "TextCode", t.text, X="0", Y=_n(t.size))


def seal_position(layout: dict) -> tuple[float, float]:
    """Where the seal goes on the page (mm from the top-left): the layout's seal box."""
    x, y, _ = seal_box(layout)
    return x, y


def read_texts(ofd_bytes: bytes) -> list[str]:
    """The text of every TextCode on the first page (tests, the detail page's check)."""
    with zipfile.ZipFile(io.BytesIO(ofd_bytes)) as z:
        root = etree.fromstring(z.read("Doc_0/Pages/Page_0/Content.xml"))
    return [e.text or "" for e in root.iter(_E + "TextCode")]
