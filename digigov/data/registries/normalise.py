"""How a delivered value is made comparable before golden records are composed: one spelling per fact
(``男``/``1``/``M`` → ``M``, ``1990/1/2`` → ``1990-01-02``, full-width digits and blanks folded), so two
sources that say the same thing do not count as a conflict. The linkage engine normalises the
canonical fields for matching; this module is applied on top (idempotent) and to every other attribute.
"""

from __future__ import annotations

import re
import unicodedata

from digigov.core.validators import normalize_identifier, resident_id_error, uscc_error

_BLANKS = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
SEX = {"M": "M", "男": "M", "1": "M", "男性": "M", "MALE": "M", "F": "F", "女": "F", "2": "F", "女性": "F", "FEMALE": "F"}


def text(value) -> str:
    if value is None:
        return ""
    return _BLANKS.sub("", unicodedata.normalize("NFKC", str(value)))


def date(value) -> str:
    """``YYYY-MM-DD`` from the spellings sources use (``1990-1-2``, ``1990/01/02``, ``19900102``,
    ``1990年1月2日``); what cannot be read is kept as delivered (and will show as a conflict)."""
    raw = text(value)
    if not raw:
        return ""
    parts = _DIGITS.findall(raw)
    if len(parts) == 1 and len(parts[0]) == 8:
        parts = [parts[0][:4], parts[0][4:6], parts[0][6:]]
    if len(parts) >= 3 and len(parts[0]) == 4:
        try:
            y, m, d = int(parts[0]), int(parts[1]), int(parts[2])
            if 1 <= m <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{m:02d}-{d:02d}"
        except ValueError:
            pass
    return raw


def id_number(value) -> str:
    """NFKC, blanks dropped, upper-cased; a first-generation 15-digit number (GB 11643-1989) is widened to
    its 18-digit form (century 19 inserted, check character computed) so both spellings link."""
    v = normalize_identifier(value if isinstance(value, str) else ("" if value is None else str(value)))
    if len(v) == 15 and v.isdigit():
        from digigov.core.accounts.ids import resident_id_check_char

        first17 = v[:6] + "19" + v[6:]
        v = first17 + resident_id_check_char(first17)
    return v


def valid_id(value: str) -> bool:
    return bool(value) and resident_id_error(value) is None


def valid_uscc(value: str) -> bool:
    return bool(value) and uscc_error(value) is None


def phone(value) -> str:
    digits = "".join(_DIGITS.findall(text(value)))
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def enterprise_name(value) -> str:
    """Names compare with full-width brackets folded (NFKC) and blanks dropped: ``示范市（某）公司`` = ``示范市(某)公司``."""
    return text(value)


def value(attribute: str, raw) -> str:
    if raw is None:
        return ""
    if attribute in ("id_number", "guardian_id_number", "uscc"):
        return id_number(raw)
    if attribute == "sex":
        v = text(raw).upper()
        return SEX.get(v, v)
    if attribute in ("birth_date", "established_on"):
        return date(raw)
    if attribute == "phone":
        return phone(raw)
    return text(raw)
