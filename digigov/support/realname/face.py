"""Face verification (人脸核验, level 3) behind an adapter interface.

``FaceVerifier.verify(person, image_bytes) -> FaceResult``; the adapter is named by ``DIGIGOV_FACE_VERIFIER``.
A real adapter compares the photo with the population registry's photo (公安部人口库 / a 人脸识别 service) and
returns a score; the default ``DevelopmentFaceVerifier`` compares nothing and the page says so.

What is kept: nothing of the photo. The upload is read into memory (``photos.BoundedMemoryUploadHandler``:
never spooled to a temporary file), checked, handed to the adapter and dropped with the request; the
``Verification`` row records only the time, the level and the adapter's name.
"""

from __future__ import annotations

import dataclasses
import struct
import zlib

from django.conf import settings
from django.utils.module_loading import import_string

from digigov.core.errors import ValidationFailed

MAX_PHOTO_BYTES = 8 * 1024 * 1024  # a phone camera's JPEG is 2–6 MB
MIN_SIDE, MAX_SIDE = 64, 12000


@dataclasses.dataclass(frozen=True)
class FaceResult:
    passed: bool
    message: str = ""  # Chinese, shown when not passed
    score: float | None = None


class FaceVerifier:
    """The adapter interface. ``name`` is recorded with each verification; ``notice`` (if any) is shown on the
    verification page, above the camera button."""

    name = "face-verifier"
    label = "人脸核验"
    notice = ""

    def verify(self, person, image_bytes: bytes) -> FaceResult:  # pragma: no cover - interface
        raise NotImplementedError


class DevelopmentFaceVerifier(FaceVerifier):
    """Accepts any well-formed JPEG/PNG photo: for development, demonstrations and tests only."""

    name = "development"
    label = "开发用核验器"
    notice = "开发用核验器：不进行真实人脸比对，仅用于演示和测试。生产环境须配置真实的人脸核验服务（DIGIGOV_FACE_VERIFIER）。"

    def verify(self, person, image_bytes: bytes) -> FaceResult:
        return FaceResult(True, score=None)


def verifier() -> FaceVerifier:
    return import_string(settings.DIGIGOV_FACE_VERIFIER)()


# --- the photo: JPEG or PNG, checked by decoding its header (Pillow is not a dependency) -------------
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 33 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    length = struct.unpack(">I", data[8:12])[0]
    if length != 13 or struct.unpack(">I", data[29:33])[0] != zlib.crc32(data[12:29]):
        return None
    return struct.unpack(">II", data[16:24])


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    if not data.startswith(b"\xff\xd8\xff"):
        return None
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if length < 2:
            return None
        if marker in _JPEG_SOF:
            if i + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        if marker == 0xDA:  # image data before any frame header: not a valid JPEG
            return None
        i += 2 + length
    return None


def check_photo(data: bytes) -> str:
    """The photo's type (``"jpeg"``/``"png"``) or ``ValidationFailed`` with a Chinese message."""
    if not data:
        raise ValidationFailed("请拍摄或选择一张本人正面照片", code="photo_missing")
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationFailed(f"照片过大（上限 {MAX_PHOTO_BYTES // (1024 * 1024)} MB），请重新拍摄", code="photo_too_large")
    for kind, reader in (("png", _png_size), ("jpeg", _jpeg_size)):
        size = reader(data)
        if size is None:
            continue
        width, height = size
        if min(width, height) < MIN_SIDE:
            raise ValidationFailed(f"照片尺寸过小（至少 {MIN_SIDE}×{MIN_SIDE} 像素），请重新拍摄", code="photo_too_small")
        if max(width, height) > MAX_SIDE:
            raise ValidationFailed("照片尺寸过大，请重新拍摄", code="photo_too_large")
        return kind
    raise ValidationFailed("仅支持 JPEG 或 PNG 格式的照片，或照片文件已损坏", code="photo_invalid")


def make_png(width: int = 160, height: int = 160) -> bytes:
    """A valid grey PNG (for tests and demonstrations)."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (_PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
