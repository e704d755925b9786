"""Check digits of Chinese identifiers.

* Resident identity number, GB 11643-1999: 17 digits + ISO 7064 MOD 11-2 check character.
* Unified social credit code, GB 32100-2015: 17 characters + MOD 31 check character.

Pure functions, used by validators, forms, the API and the demo generator alike. They check the
stored form: ASCII only (``\\d`` and ``str.isdigit()`` would accept full-width or Arabic-Indic digits).
Input typed by people goes through ``digigov.core.validators`` first, which normalises it (NFKC).
"""

from __future__ import annotations

import datetime as dt
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
_DIGITS17 = re.compile(r"[0-9]{17}", re.ASCII)


def resident_id_check_char(first17: str) -> str:
    if not (isinstance(first17, str) and _DIGITS17.fullmatch(first17)):
        raise ValueError("first17 must be 17 digits")
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def resident_id_error(value: str) -> str | None:
    """Return a Chinese reason the value is not a valid resident ID number, or None."""
    if not isinstance(value, str):
        return "身份证号码必须是字符串"
    v = value.strip().upper()
    if len(v) != 18:
        return "身份证号码应为18位"
    if not _ID_RE.fullmatch(v):
        return "身份证号码前17位必须为数字，最后一位为数字或X"
    try:
        birth = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效"
    if birth.year < 1900 or birth > dt.date.today():
        return "身份证号码中的出生日期超出合理范围"
    if resident_id_check_char(v[:17]) != v[17]:
        return "身份证号码校验位错误"
    return None


def is_valid_resident_id(value: str) -> bool:
    return resident_id_error(value) is None


def mask_resident_id(value: str) -> str:
    """``210204199001011234`` → ``2102**********1234``."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}", re.ASCII)
_DIVISION = re.compile(r"[0-9]{6}", re.ASCII)


def uscc_check_char(first17: str) -> str:
    if len(first17) != 17 or any(c not in USCC_CHARSET for c in first17):
        raise ValueError("first17 must be 17 characters of the GB 32100 charset")
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_error(value: str) -> str | None:
    if not isinstance(value, str):
        return "统一社会信用代码必须是字符串"
    v = value.strip().upper()
    if len(v) != 18:
        return "统一社会信用代码应为18位"
    if not _USCC_RE.fullmatch(v):
        return "统一社会信用代码含有非法字符（不使用 I、O、Z、S、V）"
    if not _DIVISION.fullmatch(v[2:8]):
        return "统一社会信用代码第3-8位应为行政区划码"
    if uscc_check_char(v[:17]) != v[17]:
        return "统一社会信用代码校验位错误"
    return None


def is_valid_uscc(value: str) -> bool:
    return uscc_error(value) is None


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if value and len(value) >= 11 else ("*" * len(value or ""))


def mask_text(value: str, keep: int = 6) -> str:
    """Addresses and other free text: keep the first characters (district level), hide the rest."""
    if not value:
        return ""
    return value[:keep] + "*" * min(8, max(0, len(value) - keep))
