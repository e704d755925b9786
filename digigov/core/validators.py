"""Identifiers and names typed by people: one normalisation and one refusal rule for every door
(actions, forms, model ``clean()``, the API, search boxes).

Identifiers (resident ID numbers, unified social credit codes, phone numbers, division codes):
Python's ``\\d`` and ``str.isdigit()`` accept any script's digits, so ``２１０１…`` (full-width) passed
the checks and was stored as a second, different person. Now an identifier is NFKC-normalised
(full-width digits and letters become ASCII, e.g. ``２`` → ``2``, ``ｘ`` → ``x``), whitespace is dropped
and letters upper-cased; what remains must be ASCII of the identifier's own alphabet. Digits of other
scripts (Arabic-Indic ``٢``, Devanagari ``२``…) have no compatibility mapping and are refused.

Names (of people, legal persons, departments, accounts): NFC (canonical composition only: full-width
brackets in a company name stay as typed), surrounding whitespace stripped, inner runs of whitespace
made one space; control and format characters (Unicode Cc, Cf: zero-width U+200B-U+200D, U+FEFF,
bidi controls U+202A-U+202E, U+2066-U+2069…), surrogates and line/paragraph separators are refused,
and at least one letter (Unicode L*, which includes every Chinese character) is required.

Every ``clean_*`` raises ``ValidationFailed`` (422, Chinese message, ``detail={"field": …}``) or
returns the normalised value to store and compare. ``*_error`` functions return the message or None
for form and model validators.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from digigov.core.errors import ValidationFailed

_WHITESPACE = re.compile(r"\s+")
_PHONE = re.compile(r"[0-9]{11}", re.ASCII)
_DIVISION_CODE = re.compile(r"[0-9]{12}", re.ASCII)
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def normalize_identifier(value: Any) -> str:
    """NFKC, whitespace removed, upper-cased. Not yet validated; a non-string gives ``""``."""
    if not isinstance(value, str):
        return ""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", value)).upper()


def _ascii_only(value: str) -> bool:
    return value.isascii() and value.isprintable()


def resident_id_error(value: Any) -> str | None:
    """The Chinese reason a (normalised) value is not a resident ID number, or None."""
    from digigov.core.accounts import ids

    if isinstance(value, str) and not _ascii_only(value):
        return "身份证号码只能由半角数字和字母X组成"
    return ids.resident_id_error(value)


def uscc_error(value: Any) -> str | None:
    from digigov.core.accounts import ids

    if isinstance(value, str) and not _ascii_only(value):
        return "统一社会信用代码只能由半角数字和大写字母组成"
    return ids.uscc_error(value)


def _refuse(message: str, code: str, field: str):
    raise ValidationFailed(message, code=code, detail={"field": field})


def clean_resident_id(value: Any, field: str = "id_number") -> str:
    """``２１０１０２ …`` and ``210102…`` are the same number; ``٢١٠…`` is refused."""
    normalized = normalize_identifier(value)
    error = resident_id_error(normalized)
    if error:
        _refuse(error, "invalid_resident_id", field)
    return normalized


def clean_uscc(value: Any, field: str = "uscc") -> str:
    normalized = normalize_identifier(value)
    error = uscc_error(normalized)
    if error:
        _refuse(error, "invalid_uscc", field)
    return normalized


def clean_phone(value: Any, field: str = "phone", *, required: bool = False) -> str:
    """Eleven ASCII digits (after NFKC); ``""`` when optional and empty."""
    normalized = normalize_identifier(value)
    if not normalized and not required:
        return ""
    if not _PHONE.fullmatch(normalized):
        _refuse("手机号码应为11位数字", "invalid_phone", field)
    return normalized


def clean_division_code(value: Any, field: str = "code") -> str:
    normalized = normalize_identifier(value)
    if not _DIVISION_CODE.fullmatch(normalized):
        _refuse("区划代码必须是12位数字", "invalid_division_code", field)
    return normalized


def search_identifier(query: Any, length: int = 18) -> str | None:
    """A search box's text as an identifier of ``length`` ASCII characters (full-width typed ones
    included), or None when it is not one (then the box searches names)."""
    normalized = normalize_identifier(query)
    if len(normalized) == length and _ascii_only(normalized):
        return normalized
    return None


def normalize_name(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", value)).strip()


def name_error(value: Any, label: str, max_length: int, *, required: bool = True, letter: bool = True) -> str | None:
    """The Chinese reason ``value`` (as typed) is not an acceptable name, or None."""
    if value is not None and not isinstance(value, str):
        return f"{label}必须是文本"
    if value and any(unicodedata.category(c) in _REFUSED_CATEGORIES for c in value):
        return f"{label}含有不可见的控制字符"
    name = normalize_name(value)
    if not name:
        return f"请填写{label}" if required else None
    if len(name) > max_length:
        return f"{label}不能超过 {max_length} 个字符"
    if letter and not any(unicodedata.category(c).startswith("L") for c in name):
        return f"{label}应至少包含一个文字"
    return None


def clean_name(value: Any, field: str, label: str, max_length: int, *, required: bool = True, letter: bool = True,
               code: str = "invalid_name", too_long_code: str | None = None) -> str:
    """A person's, organisation's or account's name, normalised; refused with 422 if not acceptable.
    ``letter=False`` for one-line text that may be all digits (an address such as a house number)."""
    error = name_error(value, label, max_length, required=required, letter=letter)
    if error:
        too_long = too_long_code and len(normalize_name(value)) > max_length
        _refuse(error, too_long_code if too_long else code, field)
    return normalize_name(value)


def clean_username(value: Any, field: str = "username") -> str:
    """Login names: NFKC (as Django's own ``normalize_username``), no whitespace or invisible characters."""
    text = unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else ""
    if not 1 <= len(text) <= 64:
        _refuse("用户名长度应为1-64个字符", "invalid_username", field)
    if any(c.isspace() or unicodedata.category(c) in _REFUSED_CATEGORIES for c in text):
        _refuse("用户名不能包含空格或不可见字符", "invalid_username", field)
    return text


def form_error(clean, value, *args, **kwargs):
    """Run a ``clean_*`` for a Django form field: its refusal becomes the field's error."""
    from django import forms

    try:
        return clean(value, *args, **kwargs)
    except ValidationFailed as exc:
        raise forms.ValidationError(exc.message, code=exc.code) from exc
