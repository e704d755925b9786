"""The 电子票据 document: a one-page A5 PDF in the layout of the 财政电子票据 (非税收入统一票据), written with
reportlab and the embedded 文泉驿微米黑 (the same font the e-licences use), then sealed by the caller."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from .models import yuan

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ["", "拾", "佰", "仟"]
SECTIONS = ["", "万", "亿", "万亿"]


def capital(cents: int) -> str:
    """金额大写: 12345 → 壹佰贰拾叁元肆角伍分; 10000 → 壹佰元整."""
    cents = int(cents)
    yuan_part, jiao, fen = cents // 100, (cents // 10) % 10, cents % 10
    out = ""
    if yuan_part:
        sections = []
        n = yuan_part
        while n:
            sections.append(n % 10000)
            n //= 10000
        parts = []
        zero_pending = False
        for i in range(len(sections) - 1, -1, -1):
            sec = sections[i]
            if sec == 0:
                zero_pending = True
                continue
            text = ""
            digits = f"{sec:04d}"
            started = False
            for j, ch in enumerate(digits):
                d = int(ch)
                if d == 0:
                    if started or parts:
                        zero_pending = True
                    continue
                if zero_pending and (started or parts):
                    text += "零"
                zero_pending = False
                text += DIGITS[d] + UNITS[3 - j]
                started = True
            parts.append(text + SECTIONS[i])
            if sec % 10 == 0:
                zero_pending = True
        out = "".join(parts) + "元"
    if not jiao and not fen:
        return (out or "零元") + "整"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif out:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    return out


def bill_code(department, when) -> str:
    division = getattr(department, "division", None)
    region = (getattr(division, "code", "") or "")[:4].ljust(4, "0")
    return f"{region if region.isdigit() else '0000'}01{when:%y}"


def payer_name(user) -> str:
    person = getattr(user, "person", None)
    return (getattr(person, "name", "") or user.display_name or "缴款人")[:100]


def render(*, bill_code: str, number: str, check_code: str, payer_name: str, items: list[dict], amount_cents: int, issuer: str,
           issued_at, order) -> bytes:
    from digigov.support.license.pdf_render import _font

    font = _font()
    width, height = 210, 148
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width * mm, height * mm), invariant=1, pageCompression=1)
    c.setTitle("非税收入统一票据（电子）")
    c.setAuthor(issuer)
    c.setSubject(f"{bill_code}-{number}")
    c.setCreator("DigiGov")
    red = (156 / 255, 29 / 255, 36 / 255)

    def text(x, y, s, size=3.6, centre=False):
        c.setFont(font, size * mm)
        if centre:
            c.drawCentredString(x * mm, (height - y) * mm, s)
        else:
            c.drawString(x * mm, (height - y) * mm, s)

    c.setFillColorRGB(*red)
    text(width / 2, 16, "非税收入统一票据（电子）", 6.5, centre=True)
    c.setFillColorRGB(0, 0, 0)
    text(12, 28, f"票据代码：{bill_code}")
    text(80, 28, f"票据号码：{number}")
    text(150, 28, f"校验码：{check_code}")
    text(12, 35, f"交款人：{payer_name}")
    text(150, 35, f"开票日期：{issued_at:%Y-%m-%d}")
    c.setStrokeColorRGB(*red)
    c.setLineWidth(0.3 * mm)
    top, row = 40, 8
    c.rect(10 * mm, (height - top - row * 6) * mm, (width - 20) * mm, row * 6 * mm)
    for i in range(1, 6):
        c.line(10 * mm, (height - top - row * i) * mm, (width - 10) * mm, (height - top - row * i) * mm)
    cols = [("项目名称", 14), ("缴费事项", 64), ("数量", 140), ("金额（元）", 160)]
    for label, x in cols:
        text(x, top + 5.5, label)
    for i, it in enumerate(items[:3]):
        y = top + row * (i + 1) + 5.5
        text(14, y, str(it.get("name", ""))[:22])
        text(64, y, str(it.get("subject", ""))[:34], 3.2)
        text(140, y, str(it.get("quantity", 1)))
        text(160, y, yuan(it.get("amount_cents", 0)))
    text(14, top + row * 4 + 5.5, f"金额合计（大写）：{capital(amount_cents)}")
    text(140, top + row * 4 + 5.5, f"（小写）¥{yuan(amount_cents)}")
    text(14, top + row * 5 + 5.5, f"备注：缴款码 {order.payment_code}，缴款单号 {order.number}", 3.2)
    text(12, 100, f"收款单位（章）：{issuer}")
    text(12, 108, "复核人：平台自动复核")
    text(80, 108, "收款人：统一公共支付平台")
    text(12, 130, "查验：登录本平台“电子票据查验”，输入票据号码和校验码", 3)
    c.showPage()
    c.save()
    return buf.getvalue()
