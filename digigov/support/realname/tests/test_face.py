"""The photo check decodes headers by hand (Pillow is not a dependency): it must never crash, whatever arrives."""

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digigov.core.errors import ValidationFailed
from digigov.support.realname import face


def _kind_or_refusal(data: bytes):
    try:
        return face.check_photo(data)
    except ValidationFailed as exc:
        assert exc.status == 422 and any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)
        return None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_type_or_a_chinese_refusal(data):
    assert _kind_or_refusal(data) in (None, "png", "jpeg")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_jpeg_and_png_prefixes_with_garbage_never_crash(tail):
    for head in (b"\xff\xd8\xff", b"\xff\xd8\xff\xe0\x00\x10", face._PNG_SIGNATURE, face._PNG_SIGNATURE + b"\x00\x00\x00\x0dIHDR"):
        assert _kind_or_refusal(head + tail) in (None, "png", "jpeg")


@pytest.mark.parametrize("w,h,ok", [(64, 64, True), (63, 200, False), (4000, 3000, True), (12001, 100, False)])
def test_dimension_limits(w, h, ok):
    jpeg = b"\xff\xd8\xff\xc0\x00\x11\x08" + struct.pack(">HH", h, w) + b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9"
    assert (_kind_or_refusal(jpeg) == "jpeg") is ok
    assert (_kind_or_refusal(face.make_png(w, h) if w * h < 10**6 else b"") == "png") is (ok and w * h < 10**6)


def test_the_development_verifier_says_what_it_is():
    verifier = face.verifier()
    assert isinstance(verifier, face.DevelopmentFaceVerifier)
    assert verifier.notice.startswith("开发用核验器：不进行真实人脸比对，仅用于演示和测试")
    assert verifier.verify(None, face.make_png()).passed
