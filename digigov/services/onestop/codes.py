"""Service item codes after GB/T 39554.1 (全国一体化政务服务平台 政务服务事项基本目录及实施清单 第1部分：编码要求).

Two codes, as the standard has them:

* **基本编码** (basic code) — the item as the national/provincial basic catalog lists it, the same in every
  city: ``TT MMMMM SSS`` = the two-digit item type (``ItemType``: 01 行政许可, 05 行政给付, 07 行政确认,
  20 公共服务 …), a five-digit main-item number (主项) and a three-digit sub-item number (子项, ``000`` when
  the item has no sub-items). Ten digits, e.g. ``0100021000`` (行政许可 #21, no sub-item).
* **实施编码** (implementing code) — the item as one department of one division implements it:
  ``<basic code><division 6><department><business item 2><check>``: the basic code, the six-digit code of
  the implementing department's county-level division (``210600`` the city, ``210602`` 元宝区), the
  department's own letters (its unit code without the division part, ``SAMR``, ``HRSS01`` — the standard
  uses the 18-character 统一社会信用代码 here; the demo city's units have none, so their unit codes stand in),
  a two-digit business item (业务办理项, ``01`` for the item itself) and one check character computed over
  everything before it with ISO/IEC 7064 MOD 37,36 (the hybrid system the USCC family of codes uses for
  alphanumeric strings): every single mistyped character and nearly every swap of neighbours is caught before
  the code is looked up.

``check_code`` / ``implementing_code_error`` validate; ``implementing_code`` builds; ``parse`` splits a valid code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BASIC_RE = re.compile(r"^(\d{2})(\d{5})(\d{3})$")
IMPLEMENTING_RE = re.compile(r"^(\d{10})(\d{6})([A-Z][A-Z0-9]{0,9}?)(\d{2})([0-9A-Z])$")
TYPE_CODES = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20")  # ItemType values
MAX_LENGTH = 40


def _mod37_36(body: str) -> int:
    """The running value of ISO/IEC 7064 MOD 37,36 over ``body``."""
    m = 36
    p = m
    for ch in body:
        s = (p + ALPHABET.index(ch)) % m
        p = (2 * (s or m)) % (m + 1)
    return p


def check_char(body: str) -> str:
    """The check character of ``body`` (digits and upper-case letters)."""
    p = _mod37_36(body)
    return ALPHABET[(37 - p) % 36]  # the character v with (p + v) mod 36 == 1


def check_code(code: str) -> bool:
    """True when the last character of ``code`` is the check character of the rest."""
    if not code or len(code) < 2 or any(ch not in ALPHABET for ch in code):
        return False
    return check_char(code[:-1]) == code[-1]


def basic_code(item_type: str, main: int, sub: int = 0) -> str:
    if item_type not in TYPE_CODES:
        raise ValueError(f"unknown item type {item_type!r}")
    if not (1 <= main <= 99999 and 0 <= sub <= 999):
        raise ValueError("main item 1–99999, sub item 0–999")
    return f"{item_type}{main:05d}{sub:03d}"


def basic_code_error(code) -> str | None:
    """None for a valid basic code, else the Chinese reason."""
    if not isinstance(code, str) or not BASIC_RE.match(code):
        return "基本编码应为 10 位数字：2 位事项类型 + 5 位主项编码 + 3 位子项编码"
    if code[:2] not in TYPE_CODES:
        return "基本编码的前两位不是有效的事项类型代码"
    if code[2:7] == "00000":
        return "基本编码的主项编码不能为 00000"
    return None


def department_part(department_code: str) -> str:
    """The department's letters in an implementing code: its unit code without the division part
    (``CITY-SAMR`` → ``SAMR``, ``210602-PSB`` → ``PSB``, ``CITY-HRSS-01`` → ``HRSS01``)."""
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", department_code.upper()) if p]
    if len(parts) > 1 and (parts[0] == "CITY" or parts[0].isdigit() or len(parts[0]) == 1):
        parts = parts[1:]
    out = "".join(parts)
    if not out or not out[0].isalpha():
        out = "D" + out
    return out[:10]


def implementing_code(basic: str, division_code: str, department_code: str, business_item: int = 1) -> str:
    """The implementing code of ``basic`` as the department (unit code) of the division implements it."""
    error = basic_code_error(basic)
    if error:
        raise ValueError(error)
    if not (1 <= business_item <= 99):
        raise ValueError("business item 1–99")
    body = f"{basic}{division_code[:6]}{department_part(department_code)}{business_item:02d}"
    return body + check_char(body)


@dataclass(frozen=True)
class ImplementingCode:
    basic: str
    division: str
    department: str
    business_item: int

    @property
    def item_type(self) -> str:
        return self.basic[:2]


def implementing_code_error(code) -> str | None:
    """None for a valid implementing code, else the Chinese reason."""
    if not isinstance(code, str) or not code:
        return "请填写实施编码"
    if len(code) > MAX_LENGTH:
        return f"实施编码不能超过 {MAX_LENGTH} 位"
    m = IMPLEMENTING_RE.match(code)
    if not m:
        return "实施编码应为：10 位基本编码 + 6 位区划代码 + 部门代码（字母开头）+ 2 位业务办理项 + 1 位校验码"
    error = basic_code_error(m.group(1))
    if error:
        return error
    if not check_code(code):
        return "实施编码校验码不正确，请核对"
    return None


def parse(code: str) -> ImplementingCode:
    error = implementing_code_error(code)
    if error:
        raise ValueError(error)
    m = IMPLEMENTING_RE.match(code)
    return ImplementingCode(m.group(1), m.group(2), m.group(3), int(m.group(4)))
