"""GB/T 36903 identifiers (check character), the catalog's type codes, field validation and the OFD/PDF pages."""

import io
import zipfile

import pytest
from hypothesis import given, strategies as st
from lxml import etree

from digigov.core.errors import ValidationFailed
from digigov.support.license import catalog, identifiers, ofd_render, pdf_render
from digigov.support.license.fields import clean_data
from digigov.core.testing import resident_id, uscc


def test_identifier_round_trip_and_structure():
    i = identifiers.build("100000CA001", "CITYCA", 2026, 17)
    assert i.startswith("1.2.156.3005.2.100000CA001.CITYCA.2026000017.")
    assert identifiers.parse(i) == {"type_code": "100000CA001", "issuer": "CITYCA", "year": 2026, "seq": 17}
    assert len(identifiers.build("210600SAMR999", "ABCDEFGHIJKL", 2026, 999_999)) <= 64


# a known value worked by hand with ISO/IEC 7064 MOD 37,36 (P starts at 36; S = (P + v) mod 36 or 36; P = 2S mod 37)
def test_check_char_known_value():
    # "A1": P=36 → S=(36+10)%36=10 → P=20; S=(20+1)%36=21 → P=42%37=5; check = (37-5)%36 = 32 → "W"
    assert identifiers.check_char("A1") == "W"
    assert identifiers.check_char("a.1") == "W"  # dots ignored, case-insensitive


@pytest.mark.parametrize("bad", ["", "1.2.156.3005.2.100000CA001.CITYCA.2026000017",
                                 "1.2.156.3005.2.100000ca001.CITYCA.2026000017.B", "2.2.156.3005.2.100000CA001.CITYCA.2026000017.B",
                                 "1.2.156.3005.2.100000CA001.CITY-CA.2026000017.B", "1.2.156.3005.2.100000CA001.CITYCA.202600017.B"])
def test_malformed_identifiers_do_not_parse(bad):
    assert identifiers.parse(bad) is None


@given(st.integers(1, 999_999), st.integers(0, 25))
def test_any_single_character_change_is_caught(seq, pos):
    good = identifiers.build("100000SAMR001", "CITYSAMR", 2026, seq)
    body, char = good.rsplit(".", 1)
    digits = [i for i, c in enumerate(body) if c != "."]
    i = digits[pos % len(digits)]
    for repl in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if repl != body[i]:
            assert identifiers.parse(body[:i] + repl + body[i + 1:] + "." + char) is None or not (body[:i] + repl + body[i + 1:]).startswith("1.2.156.3005.2.")


def test_catalog_has_the_real_types_and_unique_valid_codes():
    rows = catalog.catalog(185)
    assert len(rows) == 185 and len({r["code"] for r in rows}) == 185
    assert all(catalog.TYPE_CODE_RE.match(r["code"]) for r in rows)
    names = {r["name"] for r in rows}
    for n in ("结婚证", "离婚证", "营业执照", "食品经营许可证", "建筑工程施工许可证", "不动产权证书", "机动车驾驶证", "社会保障卡",
              "残疾人证", "教师资格证书", "排污许可证", "出生医学证明", "居民养老保险参保证明", "药品经营许可证"):
        assert n in names
    assert len(catalog.REAL_TYPES) >= 30
    for r in rows:
        keys = [f["key"] for f in r["fields"]]
        assert len(keys) == len(set(keys))
        assert ("id_number" in keys) == (r["holder_kind"] == "person")


MARRIAGE = next(r for r in catalog.catalog() if r["name"] == "结婚证")


@pytest.mark.parametrize("data, field", [
    ({}, "name"),
    ({"name": "张三", "id_number": "123", "spouse_name": "李四", "spouse_id_number": resident_id(), "register_date": "2026-01-01"}, "id_number"),
    ({"name": "张三", "id_number": resident_id(), "spouse_name": "李四", "spouse_id_number": resident_id(), "register_date": "2026-13-01"}, "register_date"),
    ({"name": "张三", "id_number": resident_id(), "spouse_name": "李\x00四", "spouse_id_number": resident_id(), "register_date": "2026-01-01"}, "spouse_name"),
    ({"name": "张三", "id_number": resident_id(), "spouse_name": "李四", "spouse_id_number": resident_id(), "register_date": "2026-01-01", "x": 1}, "x"),
    ({"name": "张三", "id_number": resident_id(), "spouse_name": ["李四"], "spouse_id_number": resident_id(), "register_date": "2026-01-01"}, "spouse_name"),
    ({"name": "张三", "id_number": resident_id(), "spouse_name": "李" * 201, "spouse_id_number": resident_id(), "register_date": "2026-01-01"}, "spouse_name"),
])
def test_bad_field_values_are_refused_per_field_in_chinese(data, field):
    with pytest.raises(ValidationFailed) as exc:
        clean_data(MARRIAGE["fields"], data)
    assert field in exc.value.detail["fields"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in msg) for msg in exc.value.detail["fields"].values())


def test_good_values_are_normalised():
    rid = resident_id()
    out = clean_data(MARRIAGE["fields"], {"name": " 张三 ", "id_number": rid.lower(), "spouse_name": "李四", "spouse_id_number": resident_id(),
                                          "register_date": "2026/01/31"})
    assert out["name"] == "张三" and out["id_number"] == rid.upper() and out["register_date"] == "2026-01-31" and "remark" not in out
    licence = next(r for r in catalog.catalog() if r["name"] == "营业执照")
    with pytest.raises(ValidationFailed) as exc:
        clean_data(licence["fields"], {"name": "某公司", "uscc": uscc(), "kind": "外星公司"})
    assert "kind" in exc.value.detail["fields"]


def _rows():
    return [("姓名", "张三"), ("住址", "示范市元宝区广济街道兴东社区" * 4)], [("证照编号", "CITYCA2026000001")]


def test_ofd_is_a_gbt33190_package_with_the_text_in_mm():
    rows, footer = _rows()
    data = ofd_render.render(MARRIAGE["layout"], title="结婚证", rows=rows, footer=footer, doc_id="abc", created="2026-11-27")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        assert {"OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml", "Doc_0/Pages/Page_0/Content.xml"} <= names
        ns = {"ofd": ofd_render.NS}
        root = etree.fromstring(z.read("OFD.xml"))
        assert root.find("ofd:DocBody/ofd:DocRoot", ns).text == "Doc_0/Document.xml"
        doc = etree.fromstring(z.read("Doc_0/Document.xml"))
        assert doc.find("ofd:CommonData/ofd:PageArea/ofd:PhysicalBox", ns).text == "0 0 180 125"
        assert etree.fromstring(z.read("Doc_0/PublicRes.xml")).find("ofd:Fonts/ofd:Font", ns).get("FontName") == ofd_render.FONT_NAME
        content = etree.fromstring(z.read("Doc_0/Pages/Page_0/Content.xml"))
        boxes = [tuple(map(float, t.get("Boundary").split())) for t in content.iter("{%s}TextObject" % ofd_render.NS)]
        assert all(0 <= x and x + w <= 180 + 1 and 0 <= y <= 125 for x, y, w, _h in boxes)
    texts = ofd_render.read_texts(data)
    assert texts[0] == "结婚证" and "张三" in texts and len([t for t in texts if "兴东社区" in t]) >= 2  # the address wraps
    # deterministic: the same input, the same bytes (so the SM3 the seal signs is reproducible)
    assert data == ofd_render.render(MARRIAGE["layout"], title="结婚证", rows=rows, footer=footer, doc_id="abc", created="2026-11-27")


def test_pdf_embeds_the_chinese_font_and_shows_the_text():
    rows, footer = _rows()
    data = pdf_render.render(MARRIAGE["layout"], title="结婚证", rows=rows, footer=footer, doc_id="abc", created="2026-11-27")
    text = pdf_render.read_text(data)
    assert "结婚证" in text and "张三" in text and "CITYCA2026000001" in text
    from pypdf import PdfReader

    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    cjk = [f.get_object() for f in fonts.values() if f.get_object()["/Subtype"] == "/TrueType"]
    assert cjk and all("/FontFile2" in f["/FontDescriptor"] for f in cjk)  # embedded (subset), not just named


def test_easyofd_reads_the_ofd_back():
    easyofd = pytest.importorskip("easyofd", reason="easyofd (dev dependency) is not installed")
    import base64

    rows, footer = _rows()
    data = ofd_render.render(MARRIAGE["layout"], title="结婚证", rows=rows, footer=footer, doc_id="abc", created="2026-11-27")
    reader = easyofd.OFD()
    reader.read(base64.b64encode(data).decode(), save_xml=False)
    page = reader.data[0]
    assert page["default_page_size"][2:] == [180.0, 125.0]
    texts = [t["text"] for t in page["page_info"][0]["text_list"]]
    assert "结婚证" in texts and "张三" in texts
