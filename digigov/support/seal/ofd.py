"""OFD e-seals: a GB/T 33190 §18 signature inside the OFD container, with a GB/T 38540 SES_Signature.

The layout (as ofdrw, the reference implementation, writes for a v4 seal)::

    OFD.xml                          DocBody gains <ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>
    Doc_0/Signs/Signatures.xml       <ofd:MaxSignId>, one <ofd:Signature ID Type="Seal" BaseLoc=".../Signature.xml"/>
    Doc_0/Signs/Sign_N/Signature.xml <ofd:SignedInfo>: Provider, SignatureMethod 1.2.156.10197.1.501,
                                     SignatureDateTime, <ofd:References CheckMethod="1.2.156.10197.1.401">
                                     one <ofd:Reference FileRef="/path"><ofd:CheckValue>base64 SM3</...> per file,
                                     <ofd:StampAnnot ID PageRef Boundary="x y w h" (mm)/>;
                                     <ofd:SignedValue>/Doc_0/Signs/Sign_N/SignedValue.dat</ofd:SignedValue>
    Doc_0/Signs/Sign_N/SignedValue.dat   DER SES_Signature whose dataHash = SM3 of Signature.xml's bytes

Protected: every file of the package except ``Signatures.xml`` (it grows with each later signature) and the
new ``Sign_N`` folder itself; ``OFD.xml`` is changed *before* the digests are taken, so it is covered.
A reader shows the stamp from the seal picture inside the SES_Signature at ``Boundary`` on ``PageRef``.

Safety when reading an OFD someone uploaded: a zip with at most ``MAX_ENTRIES`` files and ``MAX_UNPACKED``
bytes unpacked (no zip bombs), names without ``..`` or absolute paths, XML parsed with entities and network
off (lxml, ``resolve_entities=False``, ``no_network=True``).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import posixpath
import zipfile
from dataclasses import dataclass

from lxml import etree

from digigov.core.crypto import sm3

NS = "http://www.ofdspec.org/2016"
OFD = "{%s}" % NS
SM3_OID = "1.2.156.10197.1.401"
SM2_SM3_OID = "1.2.156.10197.1.501"
MAX_ENTRIES = 5000
MAX_UNPACKED = 200 * 1024 * 1024
PROVIDER = "DigiGov"


class OfdError(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


_parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)


def _xml(data: bytes, what: str):
    try:
        return etree.fromstring(data, _parser)
    except etree.XMLSyntaxError as exc:
        raise OfdError(f"OFD 文件中的 {what} 不是有效的 XML", "bad_ofd") from exc


def _dump(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def unpack(data: bytes) -> dict[str, bytes]:
    """The package's files by path (no leading slash), in zip order; ``OfdError`` for anything unsafe."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > MAX_ENTRIES:
                raise OfdError("OFD 文件包含的文件过多", "bad_ofd")
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise OfdError("OFD 文件解压后过大", "bad_ofd")
            files: dict[str, bytes] = {}
            for info in infos:
                if info.is_dir():
                    continue
                name = info.filename.lstrip("/")
                if ".." in name.split("/") or name.startswith("/") or "\\" in name:
                    raise OfdError("OFD 文件包含不安全的路径", "bad_ofd")
                files[name] = z.read(info)
    except OfdError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise OfdError("OFD 文件已损坏（不是完整的 OFD 压缩包）", "bad_ofd") from exc
    if "OFD.xml" not in files:
        raise OfdError("文件不是 OFD 文档（缺少 OFD.xml）", "not_ofd")
    return files


def pack(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return out.getvalue()


def _resolve(base_dir: str, loc: str) -> str:
    loc = (loc or "").strip()
    if loc.startswith("/"):
        return posixpath.normpath(loc.lstrip("/"))
    return posixpath.normpath(posixpath.join(base_dir, loc))


@dataclass(frozen=True)
class DocLayout:
    doc_root: str            # "Doc_0/Document.xml"
    doc_dir: str             # "Doc_0"
    pages: list[tuple[str, str]]  # (page ID, content path)
    default_box: tuple[float, float, float, float]


def layout(files: dict[str, bytes]) -> tuple[object, object, DocLayout]:
    ofd_root = _xml(files["OFD.xml"], "OFD.xml")
    body = ofd_root.find(f"{OFD}DocBody")
    doc_root_el = body.find(f"{OFD}DocRoot") if body is not None else None
    if doc_root_el is None or not (doc_root_el.text or "").strip():
        raise OfdError("OFD.xml 缺少文档入口（DocRoot）", "bad_ofd")
    doc_root = _resolve("", doc_root_el.text)
    if doc_root not in files:
        raise OfdError("OFD 文件缺少文档描述文件", "bad_ofd")
    doc_dir = posixpath.dirname(doc_root)
    doc = _xml(files[doc_root], "Document.xml")
    box = (0.0, 0.0, 210.0, 297.0)
    pb = doc.find(f"{OFD}CommonData/{OFD}PageArea/{OFD}PhysicalBox")
    if pb is not None and pb.text:
        try:
            parts = [float(v) for v in pb.text.split()]
            if len(parts) == 4:
                box = tuple(parts)
        except ValueError:
            pass
    pages = [(p.get("ID", ""), _resolve(doc_dir, p.get("BaseLoc", ""))) for p in doc.iterfind(f"{OFD}Pages/{OFD}Page")]
    if not pages:
        raise OfdError("OFD 文档没有页面", "no_pages")
    return ofd_root, body, DocLayout(doc_root=doc_root, doc_dir=doc_dir, pages=pages, default_box=box)


def page_box(files: dict[str, bytes], page_path: str, default) -> tuple[float, float, float, float]:
    if page_path in files:
        try:
            root = _xml(files[page_path], "页面")
            pb = root.find(f"{OFD}Area/{OFD}PhysicalBox")
            if pb is not None and pb.text:
                parts = [float(v) for v in pb.text.split()]
                if len(parts) == 4:
                    return tuple(parts)
        except (OfdError, ValueError):
            pass
    return default


@dataclass
class Plan:
    """A package ready for its SignedValue.dat: every other file final."""
    files: dict[str, bytes]
    signature_path: str       # "/Doc_0/Signs/Sign_0/Signature.xml"
    signed_value_path: str    # "Doc_0/Signs/Sign_0/SignedValue.dat"
    signature_xml_hash: bytes


def _e(tag: str, parent=None, text: str | None = None, **attrs):
    el = etree.SubElement(parent, f"{OFD}{tag}", **attrs) if parent is not None else etree.Element(
        f"{OFD}{tag}", nsmap={"ofd": NS}, **attrs)
    if text is not None:
        el.text = text
    return el


def prepare(data: bytes, *, seal_png: bytes, width_mm: int, height_mm: int, page: int = 0,
            x_mm: float | None = None, y_mm: float | None = None, when: dt.datetime | None = None) -> Plan:
    """Lay the signature into the package: OFD.xml, Signatures.xml and Sign_N/Signature.xml (the digests
    of every protected file). The SM3 of Signature.xml is what the SES_Signature signs."""
    files = unpack(data)
    ofd_root, body, lay = layout(files)
    n = len(lay.pages)
    index = page if page >= 0 else n + page
    if not 0 <= index < n:
        raise OfdError(f"页码超出范围（共 {n} 页）", "bad_page")
    page_id, page_path = lay.pages[index]
    bx, by, bw, bh = page_box(files, page_path, lay.default_box)
    if x_mm is None or y_mm is None:
        x, y = bw - 15 - width_mm, bh - 15 - height_mm
    else:
        x, y = float(x_mm), float(y_mm)
    x = min(max(0.0, x), max(0.0, bw - width_mm))
    y = min(max(0.0, y), max(0.0, bh - height_mm))

    # OFD.xml → Signatures.xml
    sigs_el = body.find(f"{OFD}Signatures")
    if sigs_el is not None and (sigs_el.text or "").strip():
        sigs_path = _resolve("", sigs_el.text)
    else:
        sigs_path = f"{lay.doc_dir}/Signs/Signatures.xml" if lay.doc_dir else "Signs/Signatures.xml"
        sigs_el = _e("Signatures", body, sigs_path)
        files["OFD.xml"] = _dump(ofd_root)
    signs_dir = posixpath.dirname(sigs_path)
    if sigs_path in files:
        sigs_root = _xml(files[sigs_path], "Signatures.xml")
    else:
        sigs_root = _e("Signatures")
        _e("MaxSignId", sigs_root, "0")
    max_el = sigs_root.find(f"{OFD}MaxSignId")
    if max_el is None:
        max_el = _e("MaxSignId", sigs_root, "0")
        sigs_root.insert(0, max_el)
    existing = [int(s.get("ID", "0")) for s in sigs_root.iterfind(f"{OFD}Signature") if s.get("ID", "").isdigit()]
    try:
        sign_id = max([int(max_el.text or "0"), *existing]) + 1
    except ValueError:
        sign_id = max([0, *existing]) + 1
    k = 0
    while any(name.startswith(f"{signs_dir}/Sign_{k}/") for name in files):
        k += 1
    sign_dir = f"{signs_dir}/Sign_{k}"
    signature_path = f"/{sign_dir}/Signature.xml"
    signed_value_path = f"{sign_dir}/SignedValue.dat"
    max_el.text = str(sign_id)
    _e("Signature", sigs_root, ID=str(sign_id), Type="Seal", BaseLoc=signature_path)

    # Signature.xml over every other file
    when = (when or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    root = _e("Signature")
    info = _e("SignedInfo", root)
    _e("Provider", info, ProviderName=PROVIDER, Version="1.0", Company="示范市")
    _e("SignatureMethod", info, SM2_SM3_OID)
    _e("SignatureDateTime", info, when.strftime("%Y%m%d%H%M%SZ"))
    refs = _e("References", info, CheckMethod=SM3_OID)
    for name in sorted(files):
        if name == sigs_path:
            continue
        ref = _e("Reference", refs, FileRef=f"/{name}")
        _e("CheckValue", ref, base64.b64encode(sm3(files[name])).decode())
    _e("StampAnnot", info, ID="1", PageRef=page_id, Boundary=f"{x:.2f} {y:.2f} {width_mm} {height_mm}")
    _e("SignedValue", root, f"/{signed_value_path}")
    signature_xml = _dump(root)
    files[sigs_path] = _dump(sigs_root)
    files[signature_path.lstrip("/")] = signature_xml
    return Plan(files=files, signature_path=signature_path, signed_value_path=signed_value_path,
                signature_xml_hash=sm3(signature_xml))


def finish(plan: Plan, ses_der: bytes) -> bytes:
    plan.files[plan.signed_value_path] = bytes(ses_der)
    return pack(plan.files)


# --- reading ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OfdSignature:
    signature_path: str
    signature_xml_hash: bytes
    ses_der: bytes | None
    method_ok: bool
    references: list[tuple[str, bool]]  # (file, digest matches)
    unprotected: list[str]               # files in the package no signature reference covers


def read_signatures(data: bytes) -> list[OfdSignature]:
    files = unpack(data)
    ofd_root, body, lay = layout(files)
    sigs_el = body.find(f"{OFD}Signatures")
    if sigs_el is None or not (sigs_el.text or "").strip():
        return []
    sigs_path = _resolve("", sigs_el.text)
    if sigs_path not in files:
        raise OfdError("OFD 文件缺少签名列表（Signatures.xml）", "bad_signature")
    sigs_root = _xml(files[sigs_path], "Signatures.xml")
    signs_dir = posixpath.dirname(sigs_path)
    found = []
    for entry in sigs_root.iterfind(f"{OFD}Signature"):
        path = _resolve(signs_dir, entry.get("BaseLoc", ""))
        if path not in files:
            raise OfdError("OFD 文件中的签名描述文件缺失", "bad_signature")
        xml = files[path]
        root = _xml(xml, "Signature.xml")
        info = root.find(f"{OFD}SignedInfo")
        if info is None:
            raise OfdError("OFD 签名描述文件缺少 SignedInfo", "bad_signature")
        method = (info.findtext(f"{OFD}SignatureMethod") or "").strip()
        refs_el = info.find(f"{OFD}References")
        check = refs_el.get("CheckMethod", "") if refs_el is not None else ""
        refs = []
        covered = {path}
        if refs_el is not None:
            for ref in refs_el.iterfind(f"{OFD}Reference"):
                name = _resolve("", ref.get("FileRef", ""))
                covered.add(name)
                try:
                    want = base64.b64decode((ref.findtext(f"{OFD}CheckValue") or "").strip(), validate=True)
                except (ValueError, TypeError):
                    want = b""
                refs.append((name, name in files and sm3(files[name]) == want))
        value_loc = (root.findtext(f"{OFD}SignedValue") or "").strip()
        value_path = _resolve(posixpath.dirname(path), value_loc) if value_loc else ""
        covered.add(value_path)
        sign_dir = posixpath.dirname(path)
        unprotected = [n for n in files if n not in covered and n != sigs_path and not n.startswith(sign_dir + "/")
                       and not n.startswith(f"{signs_dir}/Sign_")]
        found.append(OfdSignature(
            signature_path=f"/{path}", signature_xml_hash=sm3(xml), ses_der=files.get(value_path),
            method_ok=method == SM2_SM3_OID and check == SM3_OID, references=refs, unprotected=unprotected))
    return found
