"""The picture of a seal (SES_ESPictrueInfo): a transparent PNG drawn with Pillow in seal red.

Shapes follow the city's seal rules (GA 241 style): 公章 a 42 mm circle, the unit name along the upper arc and
a five-pointed star in the middle; 业务专用章/合同专用章 a 45 × 30 mm oval, the unit name on the arc and the
kind across the middle; 法人章 a 20 mm square with the name in two columns and 印; 个人签名章 a 25 × 12 mm
rectangle with the name. The font is WenQuanYi Micro Hei (the only CJK font on the servers).

Drawing takes a few milliseconds; images are cached per (name, type) because the demo and re-issues draw the
same seal many times.
"""

from __future__ import annotations

import functools
import io
import math

from PIL import Image, ImageDraw, ImageFont

from .models import SealType

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
RED = (214, 0, 15, 255)
PX_PER_MM = 10  # 254 dpi: sharp on screen and in print, small enough to keep the DER SESeal compact

# (width mm, height mm) per type
SIZES = {
    SealType.OFFICIAL: (42, 42),
    SealType.BUSINESS: (45, 30),
    SealType.CONTRACT: (45, 30),
    SealType.LEGAL_REP: (20, 20),
    SealType.PERSONAL: (25, 12),
}
KIND_SUFFIX = {SealType.BUSINESS: "业务专用章", SealType.CONTRACT: "合同专用章"}


@functools.lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_PATH, size, index=0)


def size_mm(seal_type: int) -> tuple[int, int]:
    return SIZES[SealType(seal_type)]


def _char(ch: str, size: int, angle_deg: float) -> Image.Image:
    tile = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((size, size), ch, font=_font(size), fill=RED, anchor="mm")
    return tile.rotate(-angle_deg, resample=Image.BICUBIC)


def _arc_text(img: Image.Image, text: str, *, cx: float, cy: float, rx: float, ry: float, size: int, span_deg: float) -> None:
    """Characters centred on the ellipse (rx, ry) around the top, upright towards the centre."""
    n = len(text)
    if not n:
        return
    step = span_deg / max(n - 1, 1) if n > 1 else 0
    start = -span_deg / 2 if n > 1 else 0
    for i, ch in enumerate(text):
        a = math.radians(start + i * step)  # 0 = top, clockwise
        x, y = cx + rx * math.sin(a), cy - ry * math.cos(a)
        tangent = math.degrees(math.atan2(ry * math.sin(a), rx * math.cos(a)))  # letters lean with the curve
        tile = _char(ch, size, tangent)
        img.alpha_composite(tile, (int(x - tile.width / 2), int(y - tile.height / 2)))


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for k in range(10):
        rr = r if k % 2 == 0 else r * 0.382
        a = math.radians(-90 + k * 36)
        points.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    draw.polygon(points, fill=RED)


def _arc_part(name: str, seal_type: int) -> str:
    suffix = KIND_SUFFIX.get(seal_type)
    if suffix and name.endswith(suffix) and len(name) > len(suffix):
        return name[: -len(suffix)]
    return name


def draw(name: str, seal_type: int) -> Image.Image:
    seal_type = SealType(seal_type)
    w_mm, h_mm = SIZES[seal_type]
    w, h = w_mm * PX_PER_MM, h_mm * PX_PER_MM
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    line = max(4, PX_PER_MM)
    if seal_type == SealType.OFFICIAL:
        d.ellipse([line // 2, line // 2, w - line // 2, h - line // 2], outline=RED, width=line)
        n = len(name)
        size = int(w * (0.12 if n <= 12 else 0.1 if n <= 18 else 0.08))
        _arc_text(img, name, cx=w / 2, cy=h / 2, rx=w / 2 - line - size * 0.75, ry=h / 2 - line - size * 0.75,
                  size=size, span_deg=min(250, 18 * n + 40))
        _star(d, w / 2, h / 2, w * 0.17)
    elif seal_type in (SealType.BUSINESS, SealType.CONTRACT):
        d.ellipse([line // 2, line // 2, w - line // 2, h - line // 2], outline=RED, width=line)
        arc = _arc_part(name, seal_type)
        n = len(arc)
        size = int(h * (0.15 if n <= 12 else 0.12 if n <= 18 else 0.1))
        _arc_text(img, arc, cx=w / 2, cy=h / 2, rx=w / 2 - line - size * 0.8, ry=h / 2 - line - size * 0.8,
                  size=size, span_deg=min(220, 14 * n + 40))
        label = KIND_SUFFIX[seal_type]
        d.text((w / 2, h * 0.68), label, font=_font(int(h * 0.14)), fill=RED, anchor="mm")
    elif seal_type == SealType.LEGAL_REP:
        d.rectangle([line // 2, line // 2, w - line // 2, h - line // 2], outline=RED, width=line)
        chars = list(name[:3]) + ["印"]
        if len(chars) == 3:  # two-character names: 名 字 印 章 layout keeps four cells
            chars.insert(2, "之")
        size = int(w * 0.36)
        # traditional reading order: right column top→bottom, then left column
        cells = [(0.72, 0.3), (0.72, 0.72), (0.28, 0.3), (0.28, 0.72)]
        for ch, (fx, fy) in zip(chars, cells):
            d.text((w * fx, h * fy), ch, font=_font(size), fill=RED, anchor="mm")
    else:
        d.rectangle([line // 2, line // 2, w - line // 2, h - line // 2], outline=RED, width=line)
        text = name[:6]
        size = min(int(h * 0.6), int((w - 3 * line) / max(len(text), 1)))
        d.text((w / 2, h / 2), text, font=_font(size), fill=RED, anchor="mm")
    return img


@functools.lru_cache(maxsize=1024)
def render_png(name: str, seal_type: int) -> bytes:
    """The PNG bytes of a seal (cached per name and type)."""
    buf = io.BytesIO()
    draw(name, seal_type).save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()
