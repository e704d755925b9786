"""Application materials (申请材料) on disk: what is accepted and where it is kept.

A file is kept under ``settings.DIGIGOV_VAR_DIR/materials/<case public id>/<material public id>.<ext>``,
outside the web root (nothing serves that folder; a page hands a file out only through a view that
checks the reader). What a file *is* comes from its content, never from its name or the browser's
declared type: the first bytes must be those of a PDF, JPEG or PNG, or a zip holding ``OFD.xml`` (an OFD
document, GB/T 33190). Anything else — HTML, SVG, an executable, a zip of something else, a PDF that
does not parse — is refused, whatever it is called. A PDF's pages are counted with pypdf (a real
parser: a file that merely starts with ``%PDF-`` but is not one is refused). Every file's SHA-256 is
recorded with its size, so a later reader can prove it is the file that was received.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from digigov.core.errors import ValidationFailed

MAX_BYTES = 20 * 1024 * 1024  # 20 MB: a scanned application of some tens of pages
MAX_PDF_PAGES = 2000

TYPES = {
    "application/pdf": ("pdf", "PDF 文档"),
    "image/jpeg": ("jpg", "JPEG 图片"),
    "image/png": ("png", "PNG 图片"),
    "application/ofd": ("ofd", "OFD 版式文档"),
}
ALLOWED_LABEL = "PDF、OFD、JPEG 或 PNG"


@dataclass(frozen=True)
class Checked:
    content_type: str
    extension: str
    size: int
    pages: int | None
    sha256: str


def _refuse(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, detail={"field": "file", "allowed": ALLOWED_LABEL})


def sniff(data: bytes) -> str | None:
    """The content type the bytes really have, among the accepted ones; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = {n.upper() for n in z.namelist()}
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "OFD.XML" in names:
            return "application/ofd"
    return None


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse("PDF 文件已加密，请提交未加密的文件", "material_encrypted")
        return len(reader.pages)
    except ValidationFailed:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError, RecursionError):
        raise _refuse("文件内容不是有效的 PDF 文档", "material_bad_pdf") from None


def check(data) -> Checked:
    """Refuse (422) what the window must not accept; describe what it may."""
    if not isinstance(data, (bytes, bytearray)):
        raise _refuse("请选择要上传的文件", "material_required")
    data = bytes(data)
    if not data:
        raise _refuse("文件为空", "material_empty")
    if len(data) > MAX_BYTES:
        raise _refuse(f"文件过大（不超过 {MAX_BYTES // (1024 * 1024)} MB）", "material_too_large")
    content_type = sniff(data)
    if content_type is None:
        raise _refuse(f"文件类型不允许：只接受 {ALLOWED_LABEL}（按文件内容判断，与文件名无关）", "material_type")
    pages = None
    if content_type == "application/pdf":
        pages = pdf_pages(data)
        if pages > MAX_PDF_PAGES:
            raise _refuse(f"PDF 页数过多（不超过 {MAX_PDF_PAGES} 页）", "material_too_many_pages")
    return Checked(content_type, TYPES[content_type][0], len(data), pages, hashlib.sha256(data).hexdigest())


def root() -> Path:
    return Path(settings.VAR_DIR) / "materials"


def path_for(case_public_id: str, material_public_id: str, extension: str) -> Path:
    for part in (case_public_id, material_public_id, extension):
        if not part or not part.replace("_", "").replace("-", "").isalnum():
            raise ValueError("unsafe material path part")
    return root() / case_public_id / f"{material_public_id}.{extension}"


def store(path: Path, data: bytes) -> None:
    """Write the file whole or not at all (temporary name, then an atomic rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read(relative: str) -> bytes:
    path = (root() / relative).resolve()
    if root().resolve() not in path.parents:
        raise ValueError("material path outside the materials folder")
    return path.read_bytes()


def relative(path: Path) -> str:
    return str(path.relative_to(root()))
