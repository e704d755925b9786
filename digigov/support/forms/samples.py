"""Answers a form accepts, built from the form itself: what the demo city and tests fill in.

``valid_answers(version, *, person=None, legal_person=None, given=None) -> dict`` walks the form-js
document (``version.ui``; a ``FormVersion`` or anything with ``ui`` / ``bindings``, or a bare document) and
gives every required field — and every field bound to the applicant — a value its JSON Schema
(``schema.derive_schema``) and ``forms.actions.check_submission`` accept:

* a field bound (``bindings``) to the applicant's own data (``profile.*``, ``registries.person.*`` /
  ``registries.enterprise.*``) gets the applicant's name, 公民身份号码, phone, address or the company's
  name / 统一社会信用代码 — the same values ``prefill`` would have given;
* ``idtype`` fields get an identifier whose check digit is right (the applicant's own where the field is
  bound to them, else a stable made-up one for the other person the form asks about);
* dates are today (``subtype=date``), times 09:30, datetimes today 09:30; numbers the smallest allowed
  (``min``, else 1 within ``max``); selects and radios their first option, checklists/taglists a list of
  the first option; checkboxes ``True``; text ``示范`` stretched or cut to ``minLength`` / ``maxLength``, or
  a string built from ``pattern`` when there is one;
* a required repeating group (dynamiclist) gets one row; a named group nests its answers.

``given`` (e.g. the pre-filled answers of a draft) is kept for every field it answers with a value that
field accepts. Fields hidden by a display condition are filled too: ``validate`` drops a hidden field's
answer, so filling them is harmless and keeps the result valid whichever way the condition goes.

Why generic here rather than in the demo: every form the city publishes — the forms demo, the 一件事
member and combined forms, the catalog items' forms — must be fillable by the demo applicants, and a
form that no value can satisfy (an unmatchable pattern, ``min`` above ``max``) is a form defect this
function surfaces (``valid_answers`` then leaves the field as best it can and ``check_submission`` says why).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from digigov.core.accounts.ids import resident_id_check_char, uscc_check_char

from . import schema as sc

SAMPLE_TEXT = "示范"
SAMPLE_PHONE = "13800138000"
PERSON_SOURCES = {"name": "name", "id_number": "id_number", "phone": "phone", "address": "address", "gender": "gender",
                  "birth_date": "birth_date"}
ENTERPRISE_SOURCES = {"enterprise_name": "name", "name": "name", "uscc": "uscc", "enterprise_address": "address", "address": "address"}


def sample_resident_id(seed: str = "") -> str:
    """A made-up 公民身份号码 with a correct check character (born 1990-01-01 in 110101; ``seed`` varies the serial)."""
    serial = f"{sum(map(ord, seed)) % 1000:03d}"
    first17 = f"11010119900101{serial}"
    return first17 + resident_id_check_char(first17)


def sample_uscc(seed: str = "") -> str:
    """A made-up 统一社会信用代码 with a correct check character."""
    body = f"{sum(map(ord, seed)) % 10**9:09d}"
    first17 = f"91110101{body}"
    return first17 + uscc_check_char(first17)


def _own_value(source: str, person, legal_person):
    """The applicant's (or company's) value for a binding source, or None."""
    if not isinstance(source, str) or "." not in source:
        return None
    attr = source.rsplit(".", 1)[-1]
    if source.startswith(("profile.", "registries.enterprise.")) and legal_person is not None and attr in ENTERPRISE_SOURCES \
            and (source.startswith("registries.enterprise.") or attr in ("enterprise_name", "uscc", "enterprise_address")):
        value = getattr(legal_person, ENTERPRISE_SOURCES[attr], None)
    elif source.startswith(("profile.", "registries.person.")) and person is not None and attr in PERSON_SOURCES:
        value = getattr(person, PERSON_SOURCES[attr], None)
    else:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if value not in (None, "") else None


def _from_pattern(pattern: str) -> str | None:
    """A short string ``re.search(pattern, s)`` accepts, or None (a construct this tiny walker does not know)."""
    try:
        from re import _parser as parser  # Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse as parser  # type: ignore[no-redef]
    from re import _constants as c

    def category(cat) -> str:
        return {c.CATEGORY_DIGIT: "0", c.CATEGORY_WORD: "a", c.CATEGORY_SPACE: " ", c.CATEGORY_NOT_DIGIT: "a",
                c.CATEGORY_NOT_WORD: "-", c.CATEGORY_NOT_SPACE: "a"}.get(cat, "a")

    def one_in(items) -> str:
        negate = any(op is c.NEGATE for op, _ in items)
        if negate:  # a character the class does not exclude (literals only; the final re.search checks the rest)
            excluded = {chr(av) for op, av in items if op is c.LITERAL}
            return next(ch for ch in "a0A中-_" if ch not in excluded)
        for op, av in items:
            if op is c.LITERAL:
                return chr(av)
            if op is c.RANGE:
                return chr(av[0])
            if op is c.CATEGORY:
                return category(av)
        return "a"

    def walk(tokens) -> str:
        out = []
        for op, av in tokens:
            if op is c.LITERAL:
                out.append(chr(av))
            elif op is c.NOT_LITERAL:
                out.append("a" if chr(av) != "a" else "b")
            elif op is c.ANY:
                out.append("a")
            elif op is c.IN:
                out.append(one_in(av))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
                low, _high, sub = av
                out.append(walk(sub) * low)
            elif op is c.SUBPATTERN:
                out.append(walk(av[-1]))
            elif op is c.BRANCH:
                out.append(walk(av[1][0]))
            elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue
            elif op is c.CATEGORY:
                out.append(category(av))
            else:
                raise ValueError(op)
        return "".join(out)

    try:
        text = walk(parser.parse(pattern))
    except Exception:  # noqa: BLE001 — an unknown construct: the caller falls back
        return None
    try:
        return text if re.search(pattern, text) else None
    except re.error:
        return None


def _text(f: sc.Field, s: dict) -> str:
    if s.get("pattern"):
        made = _from_pattern(s["pattern"])
        if made is not None:
            return made
    low, high = int(s.get("minLength") or 0), int(s.get("maxLength") or sc.MAX_TEXT)
    text = SAMPLE_TEXT * max(1, -(-low // len(SAMPLE_TEXT)))
    return text[:max(high, 1)] if len(text) > high else text


def _number(s: dict):
    low, high = s.get("minimum"), s.get("maximum")
    if low is not None:
        return low
    if high is not None:
        return min(1, high)
    return 1


def _value(f: sc.Field, *, person, legal_person, source: str):
    own = _own_value(source, person, legal_person) if source else None
    s = sc._value_schema(f)
    t = f.type
    if t in ("textfield", "textarea"):
        if f.idtype == "resident_id":
            return own if isinstance(own, str) and sc.FORMAT_ERRORS["resident-id"](own) is None else sample_resident_id(f.path)
        if f.idtype == "uscc":
            if isinstance(own, str) and sc.FORMAT_ERRORS["uscc"](own) is None:
                return own
            return legal_person.uscc if legal_person is not None else sample_uscc(f.path)
        if f.idtype == "phone":
            return own if isinstance(own, str) and sc._phone_error(own) is None else SAMPLE_PHONE
        if isinstance(own, str) and own.strip():
            return own[: s.get("maxLength", sc.MAX_TEXT)]
        return _text(f, s)
    if t == "number":
        return _number(s)
    if t == "checkbox":
        return True
    if t in ("select", "radio"):
        options = s.get("enum") or []
        if own is not None and str(own) in options:
            return str(own)
        return options[0] if options else ""
    if t in ("checklist", "taglist"):
        options = s["items"].get("enum") or []
        return options[:1]
    if t == "datetime":
        today = timezone.localdate()
        subtype = f.component.get("subtype")
        if subtype == "date":
            return own if isinstance(own, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", own) else today.isoformat()
        if subtype == "time":
            return "09:30"
        return f"{today.isoformat()}T09:30"
    return SAMPLE_TEXT


def _wanted(f: sc.Field, source: str) -> bool:
    return f.required or bool(source)


def valid_answers(version, *, person=None, legal_person=None, given: dict | None = None) -> dict:
    """Answers ``version`` accepts (see the module docstring). ``person`` is a ``NaturalPerson`` (the
    applicant), ``legal_person`` the company they act for; ``given`` answers kept where valid."""
    ui = getattr(version, "ui", version)
    bindings = getattr(version, "bindings", None) or {}

    def fill(fs: list[sc.Field], out: dict, prefix: str, in_list: bool) -> None:
        for f in fs:
            if f.type == "text":
                continue
            if f.type == "group":
                if f.key:
                    inner: dict = {}
                    fill(f.children, inner, f"{prefix}{f.key}.", in_list)
                    if inner:
                        out[f.key] = inner
                else:
                    fill(f.children, out, prefix, in_list)
            elif f.type == "dynamiclist":
                validate = f.component.get("validate") if isinstance(f.component.get("validate"), dict) else {}
                if validate.get("required"):
                    row: dict = {}
                    fill(f.children, row, "", True)
                    out[f.key] = [row]
            else:
                source = "" if in_list else str(bindings.get(f"{prefix}{f.key}", ""))
                if _wanted(f, source):
                    out[f.key] = _value(f, person=person, legal_person=legal_person, source=source)

    data: dict = {}
    fill(sc.fields(ui), data, "", False)
    if given:
        merged = _merge(data, given)
        _clean, errors = sc.validate(version, merged)
        if not errors:
            return merged
        keep = {k: v for k, v in given.items() if not any(p == k or p.startswith(f"{k}.") for p in errors)}
        merged = _merge(data, keep)
        if not sc.validate(version, merged)[1]:
            return merged
    return data


def _merge(base: dict, given: dict) -> dict:
    out = dict(base)
    for k, v in given.items():
        if v is None or v == "" or v == [] or (isinstance(k, str) and k.startswith("_")):
            continue
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out
