"""A licence type's page layout (版式) and the placement both renderers share.

The layout is stored on the type (``LicenceType.layout``) so an administrator can adjust it; the default
one is computed from the page size and the fields::

    {"page": {"width": 297, "height": 210},                 # mm
     "title": {"y": 22, "size": 9},                         # centred; size = character height in mm
     "body": {"x": 20, "y": 40, "size": 4.2, "label_width": 42, "line": 1.6},
     "seal": {"x": 220, "y": 120, "size": 40}}              # where the issuing unit's seal goes (top-left, mm)

``place(layout, title, rows, footer)`` turns it into positioned text lines (top-left origin, mm, like OFD);
the PDF renderer flips the y axis. Long values wrap at the page's right margin (CJK characters are as wide
as they are high; Latin ones about half).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


def default_layout(name: str, fields: list[dict], width: float, height: float) -> dict:
    small = width < 130  # card-sized: 身份证明, 驾驶证, 社保卡
    rows = len(fields) + 4  # + the footer lines
    body_top = height * (0.22 if small else 0.2)
    room = height - body_top - (6 if small else 14)
    size = max(2.0, min(4.5 if not small else 2.6, room / rows / 1.45))
    seal = min(40, round(height * 0.42))
    return {
        "page": {"width": width, "height": height},
        "title": {"y": round(height * (0.1 if small else 0.09), 1), "size": round(min(9.0, width / max(len(name), 4) * 0.7, height * 0.07), 1)},
        "body": {"x": round(width * 0.07, 1), "y": round(body_top, 1), "size": round(size, 2), "label_width": round(size * 8.5, 1), "line": 1.45},
        "seal": {"x": round(width - seal - width * 0.06, 1), "y": round(height - seal - height * 0.06, 1), "size": seal},
    }


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline, from the top, mm
    size: float  # character height, mm
    text: str


def text_width(text: str, size: float) -> float:
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.55 for ch in text)


def wrap(text: str, size: float, width: float) -> list[str]:
    lines, cur, w = [], "", 0.0
    for ch in text.replace("\r", "").replace("\n", " "):
        cw = size if unicodedata.east_asian_width(ch) in "WF" else size * 0.55
        if cur and w + cw > width:
            lines.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    return lines + [cur] if cur or not lines else lines


def place(layout: dict, title: str, rows: list[tuple[str, str]], footer: list[tuple[str, str]]) -> list[Text]:
    page = layout.get("page") or {}
    width, height = float(page.get("width", 210)), float(page.get("height", 148))
    t = layout.get("title") or {}
    tsize = float(t.get("size", 8))
    out = [Text(max(2.0, (width - text_width(title, tsize)) / 2), float(t.get("y", 20)), tsize, title)]
    b = layout.get("body") or {}
    x, y, size = float(b.get("x", 15)), float(b.get("y", 35)), float(b.get("size", 4))
    label_w, step = float(b.get("label_width", size * 8)), size * float(b.get("line", 1.45))
    right = width - x
    label_w = max(label_w, max((text_width(f"{lb}：", size) for lb, _ in rows), default=0) + size * 0.5)
    for label, value in rows:
        out.append(Text(x, y, size, f"{label}："))
        for i, line in enumerate(wrap(value or "—", size, max(size * 4, right - x - label_w))):
            out.append(Text(x + label_w, y + i * step, size, line))
            if i:
                y += step
        y += step
    fsize = size * 0.8
    y += step * 0.3
    for label, value in footer:
        for line in wrap(f"{label}：{value}", fsize, right - x):
            out.append(Text(x, y, fsize, line))
            y += fsize * 1.4
    return out


def seal_box(layout: dict) -> tuple[float, float, float]:
    s = layout.get("seal") or {}
    return float(s.get("x", 150)), float(s.get("y", 90)), float(s.get("size", 40))
