"""Field normalisation before linkage: the raw strings of ``result.CANONICAL_FIELDS`` → comparable values.

One function per field, each total (never raises; an unusable value gives ``""`` plus a status), and
``normalise_row`` that applies them all and derives what linkage compares and what the never-merge
rules need:

* ``id_number`` — NFKC (full-width digits), spaces and hyphens dropped, ``x`` → ``X``; a 15-digit number
  (issued before 1999, birth year 19xx) is upgraded to 18 digits (GB 11643: insert ``19``, recompute the
  check digit); ``id17`` (the first 17 characters) is kept for comparison even when the check digit is
  wrong, because a wrong check character is the most common keying error. ``repair_candidates`` lists
  the valid numbers one substitution or one adjacent swap away (consistent with the birth date when
  known); ISO 7064 MOD 11-2 detects every single substitution and every adjacent transposition, so a
  valid check digit means the number is as issued.
* ``id_trusted`` — valid, consistent with the record's own birth date, and not the guardian's number:
  a newborn's birth record often carries the mother's ID (issue 9); its embedded birth date gives it
  away, so the number moves to ``guardian_id`` and the row is linked on its other fields.
* ``name`` — OpenCC traditional → simplified, NFKC (full-width), whitespace dropped, the middle-dot
  variants (· • ・ . ． ‧ ∙) unified to ``·``; ``name_py`` is the toneless pinyin (homophone typos
  compare equal).
* ``sex`` — 男/女/1/2/M/F/男性/女性 → ``M``/``F``; taken from the ID's 17th digit when absent.
* ``birth_date`` — seven formats (ISO, ``1990/1/2``, ``19900102``, ``1990年1月2日``, ``1990.01.02``,
  ``1990-01-02 00:00:00``, an Excel serial day number) → ISO; from the ID when absent.
* ``address`` — NFKC, province and city prefix stripped (``辽宁省示范市元宝区…`` = ``元宝区…``), the
  building/unit/room tail in one form (``2-3-502``, ``2栋3单元502`` → ``2号楼3单元502室``).
* ``phone`` — digits only, ``+86``/``86`` dropped; kept only when it is an 11-digit mobile number.

Names, dates and sex codes repeat a lot across millions of rows: those functions are cached.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from digigov.core.accounts.ids import ID_CHECK, ID_WEIGHTS

_DROP_IN_ID = re.compile(r"[\s\-]")
_ID18 = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
_ID15 = re.compile(r"[0-9]{15}", re.ASCII)
_DOTS = str.maketrans({c: "·" for c in "·•・.．‧∙･"})
_SPACES = re.compile(r"\s+")
_NON_DIGIT = re.compile(r"[^0-9]")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
)
_SEX = {"男": "M", "女": "F", "1": "M", "2": "F", "M": "M", "F": "F", "男性": "M", "女性": "F",
        "MALE": "M", "FEMALE": "F"}
_PROVINCE = re.compile(r"^(?:[^省]{2,7}省|[^区]{2,10}自治区|北京市|天津市|上海市|重庆市)")
_CITY = re.compile(r"^[^市区县]{2,4}市(?=[^市区县]{1,5}[区县市旗])")
_TAIL_DASH = re.compile(r"(\d+)-(\d+)-(\d+)室?$")
_TAIL_DONG = re.compile(r"(\d+)(?:栋|幢|号楼)(\d+)单元(\d+)室?$")

_WEIGHTS = ID_WEIGHTS


def check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def upgrade_15(id15: str) -> str:
    """A 15-digit number (pre-1999, ``DDDDDDYYMMDDSSS``) as its 18-digit form."""
    first17 = id15[:6] + "19" + id15[6:15]
    return first17 + check_char(first17)


def downgrade_18(id18: str) -> str:
    """The 15-digit form an 18-digit number born in 19xx had (for tests and the generator)."""
    return id18[:6] + id18[8:17]


def _embedded_date(first17: str) -> str:
    try:
        return dt.date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14])).isoformat()
    except ValueError:
        return ""


def clean_id(raw) -> tuple[str, str, str]:
    """``(id18 or "", id17 or "", status)``; status ∈ valid, upgraded, bad_check, bad_date, bad_format, missing."""
    if not isinstance(raw, str) or not raw.strip():
        return "", "", "missing"
    v = _DROP_IN_ID.sub("", unicodedata.normalize("NFKC", raw)).upper()
    if _ID15.fullmatch(v):
        up = upgrade_15(v)
        return (up, up[:17], "upgraded") if _embedded_date(up[:17]) else ("", "", "bad_date")
    if not _ID18.fullmatch(v):
        return "", "", "bad_format"
    if not _embedded_date(v[:17]):
        return "", v[:17], "bad_date"
    if check_char(v[:17]) != v[17]:
        return "", v[:17], "bad_check"
    return v, v[:17], "valid"


def repair_candidates(raw: str, birth_date: str = "") -> list[str]:
    """Valid 18-digit numbers one keying error away from ``raw`` (a wrong digit anywhere, or two adjacent
    digits swapped), whose embedded birth date is real and equals ``birth_date`` when that is given.
    A valid number gives ``[it]``."""
    v = _DROP_IN_ID.sub("", unicodedata.normalize("NFKC", raw or "")).upper()
    if _ID15.fullmatch(v):
        v = upgrade_15(v)
    if not _ID18.fullmatch(v):
        return []
    if check_char(v[:17]) == v[17] and _embedded_date(v[:17]):
        return [v]
    seen: set[str] = set()
    variants = []
    for i in range(18):
        for c in ("0123456789X" if i == 17 else "0123456789"):
            if c != v[i]:
                variants.append(v[:i] + c + v[i + 1:])
    for i in range(17):
        if v[i] != v[i + 1]:
            variants.append(v[:i] + v[i + 1] + v[i] + v[i + 2:])
    out = []
    for cand in variants:
        if cand in seen or "X" in cand[:17]:
            continue
        seen.add(cand)
        if check_char(cand[:17]) != cand[17]:
            continue
        born = _embedded_date(cand[:17])
        if not born or (birth_date and born != birth_date):
            continue
        out.append(cand)
    return sorted(out)


@lru_cache(maxsize=None)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=500_000)
def clean_name(raw: str) -> str:
    if not isinstance(raw, str):
        return ""
    v = _SPACES.sub("", unicodedata.normalize("NFKC", raw)).translate(_DOTS).strip("·")
    return _t2s().convert(v) if v else ""


@lru_cache(maxsize=None)
def _char_pinyin(c: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(c)).lower()


@lru_cache(maxsize=500_000)
def name_pinyin(name: str) -> str:
    """Toneless pinyin, character by character (the same character always reads the same here, which is
    what a comparison needs; 单 in a surname reading shan or dan does not matter as long as it is consistent)."""
    return "".join(_char_pinyin(c) for c in name if c != "·")


@lru_cache(maxsize=1024)
def clean_sex(raw: str) -> str:
    if not isinstance(raw, str):
        return ""
    return _SEX.get(_SPACES.sub("", unicodedata.normalize("NFKC", raw)).upper(), "")


@lru_cache(maxsize=200_000)
def clean_date(raw: str) -> str:
    """ISO date or ``""``. Years outside 1880..2100 are refused (a typo, not a person)."""
    if not isinstance(raw, str):
        return ""
    v = _SPACES.sub(" ", unicodedata.normalize("NFKC", raw)).strip()
    if not v:
        return ""
    if v.isdigit() and 3 <= len(v) <= 5:  # an Excel serial day number
        d = _EXCEL_EPOCH + dt.timedelta(days=int(v))
        return d.isoformat() if 1880 <= d.year <= 2100 else ""
    for pat in _DATE_PATTERNS:
        m = pat.fullmatch(v)
        if m:
            try:
                d = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return ""
            return d.isoformat() if 1880 <= d.year <= 2100 else ""
    return ""


def clean_address(raw: str) -> str:
    if not isinstance(raw, str):
        return ""
    v = _SPACES.sub("", unicodedata.normalize("NFKC", raw))
    v = _PROVINCE.sub("", v, count=1)
    v = _CITY.sub("", v, count=1)
    m = _TAIL_DASH.search(v) or _TAIL_DONG.search(v)
    if m:
        v = f"{v[:m.start()]}{int(m[1])}号楼{int(m[2])}单元{int(m[3])}室"
    return v


def clean_phone(raw: str) -> str:
    if not isinstance(raw, str):
        return ""
    v = _NON_DIGIT.sub("", unicodedata.normalize("NFKC", raw))
    if len(v) == 13 and v.startswith("86"):
        v = v[2:]
    return v if len(v) == 11 and v[0] == "1" else ""


def normalise_row(row: dict) -> dict:
    """The comparable form of one raw row (see the module docstring). Keys: name, name_py, former,
    id_number (trusted 18-digit or ""), id_candidates (the numbers this row can be: its own trusted number,
    or the repair candidates of a mistyped one, or none when nothing is known), id17, id_status, guardian_id, sex, birth_date, address, phone,
    ethnicity."""
    id18, id17, status = clean_id(row.get("id_number"))
    dob = clean_date(row.get("birth_date") or "")
    guardian, _, _ = clean_id(row.get("guardian_id_number"))
    embedded = _embedded_date(id17) if id17 else ""
    if id17 and dob and embedded and embedded != dob:
        # the number belongs to someone born on another day: in practice the guardian's (a birth record)
        if not guardian and id18:
            guardian = id18
        id18, id17, status = "", "", "other_person"
    elif id18 and guardian and id18 == guardian:
        id18, id17, status = "", "", "other_person"
    if not dob and embedded and status in ("valid", "upgraded"):
        dob = embedded
    sex = clean_sex(row.get("sex") or "")
    if not sex and id18:
        sex = "M" if int(id18[16]) % 2 else "F"
    name = clean_name(row.get("name") or "")
    former = row.get("former_names") or ""
    former = clean_name(re.split(r"[、,，;；/]", former)[0]) if former else ""
    candidates: tuple = ()
    if status in ("valid", "upgraded"):
        candidates = (id18,)
    elif status in ("bad_check", "bad_date"):
        candidates = tuple(repair_candidates(row.get("id_number") or "", dob))
    return {
        "name": name,
        "id_candidates": candidates,
        "name_py": name_pinyin(name),
        "former": former,
        "id_number": id18,
        "id17": id17,
        "id_status": status,
        "guardian_id": guardian,
        "sex": sex,
        "birth_date": dob,
        "address": clean_address(row.get("address") or ""),
        "phone": clean_phone(row.get("phone") or ""),
        "ethnicity": clean_name(row.get("ethnicity") or ""),
    }
