"""证照标识 (GB/T 36903) and 证照编号, as this platform writes them.

The identifier of one issued licence::

    1.2.156.3005.2.<证照类型代码>.<颁发机构代码>.<年度 4 位><顺序号 6 位>.<校验码>
    e.g. 1.2.156.3005.2.100000CA001.CITYCA.2026000017.K

* ``1.2.156.3005.2`` — the OID arc GB/T 36903 gives e-licence identifiers;
* 证照类型代码 — the type's code (``catalog.py``, at most 16 characters);
* 颁发机构代码 — the issuing unit's code with its separators dropped (``CITY-CA`` → ``CITYCA``), at most 12;
* year + a sequence per (type, issuer, year), six digits;
* one check character over everything before it (dots ignored), ISO/IEC 7064 MOD 37,36 over
  ``0-9A-Z`` — the same family GB 32100 (统一社会信用代码) uses for its check character, so a mistyped or
  transposed character is caught.

The printed 证照编号 is ``<颁发机构代码><年度><顺序号>`` (unique per type); a licence migrated from paper
keeps the original's number instead.
"""

from __future__ import annotations

import re

PREFIX = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_M = 36
IDENTIFIER_RE = re.compile(r"^1\.2\.156\.3005\.2\.([0-9A-Z]{1,16})\.([0-9A-Z]{1,12})\.(\d{4})(\d{6})\.([0-9A-Z])$")


def check_char(body: str) -> str:
    """ISO/IEC 7064 MOD 37,36 check character of ``body`` (letters and digits; dots and dashes ignored)."""
    p = _M
    for ch in body.upper():
        if ch in ".-":
            continue
        v = ALPHABET.find(ch)
        if v < 0:
            raise ValueError(f"不能计算校验码的字符：{ch!r}")
        s = (p + v) % _M or _M
        p = (s * 2) % (_M + 1)
    return ALPHABET[(_M + 1 - p) % _M]


def check_ok(body: str, char: str) -> bool:
    try:
        return check_char(body) == char.upper()
    except ValueError:
        return False


def issuer_code(department) -> str:
    return re.sub(r"[^0-9A-Z]", "", department.code.upper())[:12] or "X"


def build(type_code: str, issuer: str, year: int, seq: int) -> str:
    if not 0 < seq < 1_000_000:
        raise ValueError("顺序号超出范围")
    body = f"{PREFIX}.{type_code}.{issuer}.{year:04d}{seq:06d}"
    return f"{body}.{check_char(body)}"


def parse(identifier: str) -> dict | None:
    """The parts of a well-formed identifier whose check character is right, else ``None``."""
    m = IDENTIFIER_RE.match(identifier or "")
    if not m:
        return None
    body, char = identifier.rsplit(".", 1)
    if not check_ok(body, char):
        return None
    return {"type_code": m.group(1), "issuer": m.group(2), "year": int(m.group(3)), "seq": int(m.group(4))}


def number(issuer: str, year: int, seq: int) -> str:
    return f"{issuer}{year:04d}{seq:06d}"
