"""分类分级 → rules: the one place a level turns into who may see what, how values are masked, and
which sharing/open types an entry may carry. The preview here, and later the exchange gateway and the
open-data platform, all ask this module; none of them compares levels itself.

Who sees an item's values (``may_see_column`` / ``may_see_clear``):

* 核心数据 (an item or its entry at level 3): only the providing department's own staff (a scoped grant
  covering the entry's department) and the data authority see it at all; for everyone else the column
  (or, for a core entry, the whole dataset) is left out, not masked — a masked core value still tells
  that the record exists and its shape.
* 敏感个人信息 (个人信息保护法 §28): in clear only with ``grading.view_sensitive`` covering the entry
  (the provider's data admin, the data authority); masked for everyone else. Each clear view is audited
  by the caller (the preview writes ``grading.preview.clear``).
* 个人信息: in clear for the provider's staff and the data authority; masked for viewers outside the
  providing department (other departments, city-wide read-only roles such as leaders and auditors).
* everything else: in clear for anyone who may see the entry.

Sharing and opening (``share_allowed`` / ``open_allowed``, enforced by ``check_entry_types``):

* 核心数据: never 无条件共享, always 不予开放 (数据安全法 §21: 核心数据 under the strictest regime);
* 重要数据: never 无条件共享 nor 无条件开放 (GB/T 43697: 重要数据 is shared and opened only under control);
* 敏感个人信息: never 无条件共享, always 不予开放 (个人信息保护法 §28–29: separate consent, strict protection);
* 个人信息: never 无条件开放 (it is opened only de-identified, under conditions);
* 一般数据 without personal information: any type.

``check_entry_types(entry_like)`` returns ``[(field, message)]`` for an entry (a model or a dict with
``level``, ``personal``, ``sharing_type``, ``open_type``); the catalog's own actions can call it before
saving an entry, and ``digigov.data.grading.actions`` calls it before confirming a level.
"""

from __future__ import annotations

from typing import Callable, Iterable

from digigov.core.rbac.checks import can, grants
from digigov.data.catalog.models import DataLevel, ItemFormat, OpenType, PersonalKind, SharingType

HIDDEN = object()  # a row masker leaves such columns out

# --- who may see what -------------------------------------------------------------------------------


def _department_of(entry):
    return entry.department


def is_provider(user, entry) -> bool:
    """The user holds a department-scoped grant covering the entry's providing department."""
    department = _department_of(entry)
    path = getattr(department, "path", "") or ""
    return any(g.dept_path is not None and path.startswith(g.dept_path) for g in grants(user))


def is_authority(user, entry=None) -> bool:
    return can(user, "grading.confirm", entry)


def may_see_dataset(user, entry) -> bool:
    """Whether the user may see any row of the entry's data: a core entry only inside the provider and the authority."""
    if entry.level >= DataLevel.CORE:
        return is_provider(user, entry) or is_authority(user, entry)
    return True


def may_see_column(user, item, entry=None) -> bool:
    entry = entry or item.entry
    if item.level >= DataLevel.CORE or entry.level >= DataLevel.CORE:
        return is_provider(user, entry) or is_authority(user, entry)
    return True


def may_see_clear(user, item, entry=None) -> bool:
    """Whether the user may see this item's values unmasked (see the module docstring)."""
    entry = entry or item.entry
    if not may_see_column(user, item, entry):
        return False
    if item.personal >= PersonalKind.SENSITIVE:
        return can(user, "grading.view_sensitive", entry)
    if item.personal >= PersonalKind.PERSONAL:
        return is_provider(user, entry) or is_authority(user, entry)
    return True


# --- masking ------------------------------------------------------------------------------------------
COMPOUND_SURNAMES = frozenset((
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
    "令狐", "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "闻人", "赫连", "澹台", "申屠", "公冶", "太史",
))
NAME_WORDS = ("姓名", "名字", "联系人", "法定代表人", "负责人", "监护人", "申请人", "户主")
ADDRESS_WORDS = ("地址", "住址", "住所", "居住地", "户籍地", "通讯地址")
_STAR = "*"


def mask_generic(value: str) -> str:
    """Keep the first and last character, hide the middle (one or two characters: keep only the first)."""
    n = len(value)
    if n <= 1:
        return _STAR * n
    if n == 2:
        return value[0] + _STAR
    return value[0] + _STAR * (n - 2) + value[-1]


def mask_resident_id(value: str) -> str:
    """``210602199001011234`` → ``210602********1234`` (region kept, birth date hidden)."""
    if len(value) == 18:
        return value[:6] + _STAR * 8 + value[-4:]
    if len(value) == 15:  # first-generation numbers
        return value[:6] + _STAR * 6 + value[-3:]
    return value[:2] + _STAR * (len(value) - 4) + value[-2:] if len(value) > 6 else _STAR * len(value)


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; landlines keep the area code's first digits and the last four."""
    digits = value.strip()
    if len(digits) >= 11:
        return digits[:3] + _STAR * (len(digits) - 7) + digits[-4:]
    if len(digits) >= 7:
        return digits[:2] + _STAR * (len(digits) - 4) + digits[-2:]
    return _STAR * len(digits)


def mask_name(value: str) -> str:
    """``张三`` → ``张*``, ``欧阳娜娜`` → ``欧阳**``."""
    value = value.strip()
    if not value:
        return ""
    keep = 2 if value[:2] in COMPOUND_SURNAMES and len(value) > 2 else 1
    return value[:keep] + _STAR * max(1, len(value) - keep)


def _district_end(value: str) -> int:
    """Where the district/county part of an address ends (0: not found)."""
    head = value[:24]
    for i, ch in enumerate(head):
        if ch in "区县旗" and head[max(0, i - 2):i] != "自治" and (i == 0 or head[i - 1] not in "社小园校景"):
            return i + 1
    city = head.rfind("市")
    return city + 1 if city >= 0 else 0


def mask_address(value: str) -> str:
    """Keep the address down to the district/county (``辽宁省丹东市元宝区兴东街道1号`` → ``辽宁省丹东市元宝区****``)."""
    value = value.strip()
    end = _district_end(value)
    keep = end if 0 < end < len(value) else min(6, max(0, len(value) - 4))
    return value[:keep] + _STAR * 4


def mask_email(value: str) -> str:
    local, at, domain = value.partition("@")
    if not at:
        return mask_generic(value)
    return (local[:1] + _STAR * 3) + "@" + domain


def mask_value(value, item) -> str:
    """The masked text of one value of ``item``: by its format first, then by what its name says it is."""
    if value is None:
        return ""
    text = str(value)
    if not text:
        return ""
    fmt = getattr(item, "format", "") or ""
    name = getattr(item, "name", "") or ""
    if fmt == ItemFormat.RESIDENT_ID or "身份证" in name or "身份号码" in name:
        return mask_resident_id(text)
    if fmt == ItemFormat.PHONE or any(w in name for w in ("手机", "电话", "联系方式")):
        return mask_phone(text)
    if fmt == ItemFormat.EMAIL:
        return mask_email(text)
    if any(w in name for w in NAME_WORDS):
        return mask_name(text)
    if any(w in name for w in ADDRESS_WORDS):
        return mask_address(text)
    return mask_generic(text)


class RowMasker:
    """``row_masker(user, entry)``: call it with a row ``{field_name: clear value}``; it returns the row as
    the user may see it (hidden columns left out, masked ones masked). ``columns`` lists the items shown,
    ``clear_personal`` the field names of personal items shown in clear (what the caller must audit)."""

    def __init__(self, user, entry, items: Iterable | None = None):
        self.entry = entry
        items = list(items if items is not None else entry.items.all())
        self.dataset_visible = may_see_dataset(user, entry)
        self.columns = [i for i in items if self.dataset_visible and may_see_column(user, i, entry)]
        self.hidden = [i for i in items if i not in self.columns]
        self._clear = {i.field_name: may_see_clear(user, i, entry) for i in self.columns}
        self._items = {i.field_name: i for i in self.columns}
        self.clear_personal = [i.field_name for i in self.columns if i.personal >= PersonalKind.PERSONAL and self._clear[i.field_name]]
        self.masked = [i.field_name for i in self.columns if not self._clear[i.field_name]]

    def is_clear(self, field_name: str) -> bool:
        return self._clear.get(field_name, False)

    def __call__(self, row: dict) -> dict:
        out = {}
        for field, item in self._items.items():
            value = row.get(field)
            out[field] = ("" if value is None else value) if self._clear[field] else mask_value(value, item)
        return out


def row_masker(user, entry, items: Iterable | None = None) -> Callable[[dict], dict]:
    return RowMasker(user, entry, items)


def mask_function(item) -> Callable[[object], str]:
    """The masking function ``mask_value`` would apply to ``item``, chosen once (a gateway masks millions of
    values of the same few items: the choice by format and name is made per item, not per value)."""
    fmt = getattr(item, "format", "") or ""
    name = getattr(item, "name", "") or ""
    if fmt == ItemFormat.RESIDENT_ID or "身份证" in name or "身份号码" in name:
        func = mask_resident_id
    elif fmt == ItemFormat.PHONE or any(w in name for w in ("手机", "电话", "联系方式")):
        func = mask_phone
    elif fmt == ItemFormat.EMAIL:
        func = mask_email
    elif any(w in name for w in NAME_WORDS):
        func = mask_name
    elif any(w in name for w in ADDRESS_WORDS):
        func = mask_address
    else:
        func = mask_generic

    def masked(value) -> str:
        if value is None:
            return ""
        text = str(value)
        return func(text) if text else ""

    return masked


def is_core(item, entry) -> bool:
    """核心数据 never leaves the platform through sharing: an item at level 3, or any item of a level-3 entry."""
    return item.level >= DataLevel.CORE or entry.level >= DataLevel.CORE


class SubscriptionMasker:
    """``subscription_masker(entry, items, fields, clear_fields)``: what a consumer app sees under a sharing
    grant (the API gateway). ``fields`` are the field names the caller asked for (already checked against the
    grant); core items are left out whatever the grant says; items in ``clear_fields`` are passed in clear,
    every other personal item is masked by ``mask_function`` (as ``RowMasker`` masks them for viewers outside
    the provider); non-personal items are passed as they are. ``columns`` are the items shown, in the order asked."""

    def __init__(self, entry, items: Iterable, fields: Iterable[str], clear_fields: Iterable[str] = ()):
        by_name = {i.field_name: i for i in items}
        clear = set(clear_fields)
        self.entry = entry
        self.columns = [by_name[f] for f in fields if f in by_name and not is_core(by_name[f], entry)]
        self.masked = [i.field_name for i in self.columns if self._needs_mask(i, clear)]
        self.clear_personal = [i.field_name for i in self.columns
                               if i.personal >= PersonalKind.PERSONAL and i.field_name not in self.masked]
        self._plan = [(i.field_name, mask_function(i) if i.field_name in self.masked else None) for i in self.columns]

    @staticmethod
    def _needs_mask(item, clear: set) -> bool:
        if item.field_name in clear:
            return False
        return item.personal >= PersonalKind.PERSONAL

    def __call__(self, row: dict) -> dict:
        out = {}
        for field, func in self._plan:
            value = row.get(field)
            out[field] = func(value) if func is not None else ("" if value is None else value)
        return out


def subscription_masker(entry, items: Iterable, fields: Iterable[str], clear_fields: Iterable[str] = ()) -> SubscriptionMasker:
    return SubscriptionMasker(entry, items, fields, clear_fields)


# --- sharing / open types -------------------------------------------------------------------------------
def _get(entry_like, name):
    if isinstance(entry_like, dict):
        return entry_like.get(name)
    return getattr(entry_like, name, None)


def share_allowed(entry_like) -> set[str]:
    """The sharing types an entry at these levels may carry."""
    level, personal = int(_get(entry_like, "level") or 1), int(_get(entry_like, "personal") or 0)
    allowed = set(SharingType.values)
    if level >= DataLevel.IMPORTANT or personal >= PersonalKind.SENSITIVE:
        allowed.discard(SharingType.UNCONDITIONAL)
    return allowed


def open_allowed(entry_like) -> set[str]:
    """The open types an entry at these levels may carry."""
    level, personal = int(_get(entry_like, "level") or 1), int(_get(entry_like, "personal") or 0)
    if level >= DataLevel.CORE or personal >= PersonalKind.SENSITIVE:
        return {OpenType.NONE.value}
    allowed = set(OpenType.values)
    if level >= DataLevel.IMPORTANT or personal >= PersonalKind.PERSONAL:
        allowed.discard(OpenType.UNCONDITIONAL)
    return allowed


def _level_words(entry_like) -> str:
    level, personal = int(_get(entry_like, "level") or 1), int(_get(entry_like, "personal") or 0)
    words = []
    if level >= DataLevel.IMPORTANT:
        words.append(DataLevel(level).label)
    if personal >= PersonalKind.PERSONAL:
        words.append(PersonalKind(personal).label)
    return "、".join(str(w) for w in words) or str(DataLevel.GENERAL.label)


def check_entry_types(entry_like) -> list[tuple[str, str]]:
    """``[(field, Chinese message)]`` for sharing/open types the entry's levels do not allow; empty when fine."""
    problems = []
    sharing, open_type = _get(entry_like, "sharing_type"), _get(entry_like, "open_type")
    words = _level_words(entry_like)
    if sharing and sharing not in share_allowed(entry_like):
        problems.append(("sharing_type", f"含{words}的资源不得{SharingType(sharing).label}，请改为有条件共享或不予共享"))
    if open_type and open_type not in open_allowed(entry_like):
        allowed = "或".join(str(OpenType(v).label) for v in OpenType.values if v in open_allowed(entry_like))
        problems.append(("open_type", f"含{words}的资源不得{OpenType(open_type).label}，只能{allowed}"))
    return problems
