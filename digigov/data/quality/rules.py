"""The rule library: what each rule type checks, the parameters it takes (validated here, 422 naming
the field), its Chinese description, and the baseline rules derived from the item declarations.

Parameters per type (``QualityRule.params``):

* ``required``    — {} : the value is present (not NULL, not blank).
* ``format``      — {"format": resident_id | uscc | phone | division | email | regex, "pattern": "…"}:
  ID numbers and credit codes with their check digits (``digigov.core.validators``), phone numbers
  (11 digits starting 1), 12-digit division codes, e-mail addresses, or a regular expression.
* ``range``       — {"min": …, "max": …} (either or both): numbers for 数值型 items, ISO dates for 日期型/日期时间型.
* ``code_list``   — {} : the value is one of the item's code list (``DataItem.code_list``).
* ``reference``   — {"entry": "<资源代码>", "field": "<字段名>"}: the value exists in that column of another
  entry's mounted table (referential integrity).
* ``unique``      — {"with": ["<字段名>", …]}: the value (with the listed columns: a composite key) occurs once.
* ``timeliness``  — on no item: {} the dataset was loaded within its entry's update cycle; on a date item:
  {"max_age_days": N} the date is not older than N days.
* ``consistency`` — {"other": "<字段名>", "op": lt | le | eq | ne | ge | gt}: this column compared with another
  (e.g. 开始日期 ≤ 结束日期); rows where either is empty are not compared.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from digigov.core.errors import ValidationFailed

from .models import RuleType, Severity

FORMATS = {"resident_id": "公民身份号码", "uscc": "统一社会信用代码", "phone": "手机号码", "division": "行政区划代码",
           "email": "电子邮箱", "regex": "正则表达式"}
OPS = {"lt": "<", "le": "≤", "eq": "=", "ne": "≠", "ge": "≥", "gt": ">"}
MAX_WEIGHT = 100
MAX_PATTERN = 200
MAX_AGE_DAYS = 36600
# the update cycle an entry promises, in days (with a grace day); 不定期 has none
CYCLE_DAYS = {"realtime": 1, "daily": 2, "weekly": 8, "monthly": 32, "quarterly": 93, "half_yearly": 184, "yearly": 367}


def _fail(message: str, field: str = "params", code: str = "invalid_params"):
    raise ValidationFailed(message, code=code, detail={"field": field})


def _only(params: dict, allowed: set[str]) -> None:
    extra = set(params) - allowed
    if extra:
        _fail(f"该类规则不接受参数：{'、'.join(sorted(extra))}")


def _field_of(entry, name, what: str, items=None, field: str = "params"):
    if not isinstance(name, str) or not name:
        _fail(f"请填写{what}", field)
    items = items if items is not None else {i.field_name: i for i in entry.items.all()}
    if name not in items:
        _fail(f"{what}“{name}”不是{'被参照条目' if field == 'field' else '本条目'}的信息项", field)
    return items[name]


def _bound(value, item, which: str):
    label = "最小值" if which == "min" else "最大值"
    if value is None or value == "":
        return None
    if item.data_type == "N":
        if isinstance(value, bool):
            _fail(f"{label}应为数字", field=which)
        try:
            d = Decimal(str(value))
        except InvalidOperation:
            _fail(f"{label}应为数字", field=which)
        if not d.is_finite():
            _fail(f"{label}应为数字", field=which)
        return float(d) if d != d.to_integral_value() else int(d)
    if item.data_type in ("D", "T"):
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            _fail(f"{label}应为日期，如 2026-01-31", field=which)
    _fail("只有数值型和日期型信息项可以设置取值范围", field="rule_type")


def clean_params(entry, item, rule_type: str, params) -> dict:
    """The normalised parameters of a rule, or ``ValidationFailed`` naming the offending field."""
    from digigov.data.catalog.models import CatalogEntry, MountKind

    if rule_type not in RuleType.values:
        _fail("规则类型无效", field="rule_type")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        _fail("参数格式无效")
    if item is not None and item.entry_id != entry.pk:
        _fail("信息项不属于该目录条目", field="item")
    if item is None and rule_type != RuleType.TIMELINESS:
        _fail("请选择信息项", field="item")
    sealed = item is not None and item.personal >= 1

    if rule_type == RuleType.REQUIRED:
        _only(params, set())
        return {}
    if rule_type == RuleType.FORMAT:
        _only(params, {"format", "pattern"})
        fmt = params.get("format") or item.format
        if fmt not in FORMATS:
            _fail("请选择格式", field="format")
        if fmt != "regex":
            return {"format": fmt}
        pattern = params.get("pattern")
        if not isinstance(pattern, str) or not pattern.strip():
            _fail("请填写正则表达式", field="pattern")
        if len(pattern) > MAX_PATTERN:
            _fail(f"正则表达式不能超过{MAX_PATTERN}个字符", field="pattern")
        try:
            re.compile(pattern)
        except re.error:
            _fail("正则表达式无法解析", field="pattern")
        return {"format": "regex", "pattern": pattern}
    if rule_type == RuleType.RANGE:
        _only(params, {"min", "max"})
        lo, hi = _bound(params.get("min"), item, "min"), _bound(params.get("max"), item, "max")
        if lo is None and hi is None:
            _fail("最小值和最大值至少填写一个", field="min")
        if lo is not None and hi is not None and lo > hi:
            _fail("最小值不能大于最大值", field="max")
        return {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}
    if rule_type == RuleType.CODE_LIST:
        _only(params, set())
        if item.code_list_id is None:
            _fail("该信息项没有关联代码表", field="item")
        return {}
    if rule_type == RuleType.REFERENCE:
        _only(params, {"entry", "field"})
        if sealed:
            _fail("个人信息项以密文存储，不能做参照完整性检查", field="item")
        code = params.get("entry")
        if not isinstance(code, str) or not code.strip():
            _fail("请填写被参照的目录条目资源代码", field="entry")
        target = CatalogEntry.objects.filter(code=code.strip(), voided_at__isnull=True).first()
        if target is None:
            _fail("被参照的目录条目不存在", field="entry")
        if target.pk == entry.pk:
            _fail("不能参照本条目自身", field="entry")
        if not target.mounts.filter(kind=MountKind.TABLE, voided_at__isnull=True).exclude(table_name="").exists():
            _fail("被参照的目录条目没有挂载数据表", field="entry")
        ref = _field_of(target, params.get("field"), "被参照字段", field="field")
        if ref.personal >= 1:
            _fail("被参照字段是个人信息项，以密文存储，不能参照", field="field")
        return {"entry": target.code, "field": ref.field_name}
    if rule_type == RuleType.UNIQUE:
        _only(params, {"with"})
        others = params.get("with") or []
        if not isinstance(others, list) or len(others) > 5:
            _fail("组合唯一的字段应为不超过5个字段名的列表", field="with")
        items = {i.field_name: i for i in entry.items.all()}
        names = []
        for name in others:
            other = _field_of(entry, name, "组合字段", items, field="with")
            if other.pk == item.pk or other.field_name in names:
                _fail("组合字段不能重复", field="with")
            names.append(other.field_name)
        return {"with": names} if names else {}
    if rule_type == RuleType.TIMELINESS:
        if item is None:
            _only(params, set())
            return {}
        _only(params, {"max_age_days"})
        if item.data_type not in ("D", "T"):
            _fail("只有日期型信息项可以检查时效", field="item")
        days = params.get("max_age_days")
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_AGE_DAYS:
            _fail(f"最长天数应为1至{MAX_AGE_DAYS}的整数", field="max_age_days")
        return {"max_age_days": days}
    # consistency
    _only(params, {"other", "op"})
    other = _field_of(entry, params.get("other"), "比较字段", field="other")
    if other.pk == item.pk:
        _fail("比较字段不能是本信息项", field="other")
    if sealed or other.personal >= 1:
        _fail("个人信息项以密文存储，不能做一致性比较", field="other")
    op = params.get("op")
    if op not in OPS:
        _fail("请选择比较方式", field="op")
    return {"other": other.field_name, "op": op}


def clean_weight(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WEIGHT:
        _fail(f"权重应为1至{MAX_WEIGHT}的整数", field="weight", code="invalid_weight")
    return value


def clean_severity(value) -> str:
    if value not in Severity.values:
        _fail("严重程度无效", field="severity", code="invalid_severity")
    return value


def describe(rule) -> str:
    """A Chinese sentence for a rule, e.g. “身份证号：格式为公民身份号码（含校验位）”."""
    p = rule.params or {}
    name = rule.item.name if rule.item_id else "数据集"
    t = rule.rule_type
    if t == RuleType.REQUIRED:
        what = "不能为空"
    elif t == RuleType.FORMAT:
        fmt = p.get("format", "")
        what = f"符合正则表达式 {p.get('pattern', '')}" if fmt == "regex" else f"格式为{FORMATS.get(fmt, '')}"
        if fmt in ("resident_id", "uscc"):
            what += "（含校验位）"
    elif t == RuleType.RANGE:
        parts = []
        if "min" in p:
            parts.append(f"不小于 {p['min']}")
        if "max" in p:
            parts.append(f"不大于 {p['max']}")
        what = "、".join(parts)
    elif t == RuleType.CODE_LIST:
        what = f"取值在代码表“{rule.item.code_list.name}”中" if rule.item_id and rule.item.code_list_id else "取值在代码表中"
    elif t == RuleType.REFERENCE:
        what = f"取值存在于资源 {p.get('entry', '')} 的 {p.get('field', '')} 列"
    elif t == RuleType.UNIQUE:
        what = f"与 {'、'.join(p['with'])} 组合唯一" if p.get("with") else "不重复"
    elif t == RuleType.TIMELINESS:
        what = f"不早于 {p.get('max_age_days')} 天前" if rule.item_id else "按更新周期及时更新"
    else:
        what = f"{OPS.get(p.get('op'), '')} {p.get('other', '')}"
    return f"{name}：{what}"


def baseline(entry) -> list[dict]:
    """The rules the item declarations imply: ``[{"item", "rule_type", "params", "severity", "weight"}]``.
    Required and key items weigh more; check-digit formats are severe (a wrong ID number is a wrong person)."""
    out = []
    for item in entry.items.all():
        if item.required or item.is_key:
            out.append({"item": item, "rule_type": RuleType.REQUIRED, "params": {}, "severity": Severity.HIGH if item.is_key else Severity.MEDIUM,
                        "weight": 2})
        if item.format:
            out.append({"item": item, "rule_type": RuleType.FORMAT, "params": {"format": item.format},
                        "severity": Severity.HIGH if item.format in ("resident_id", "uscc") else Severity.MEDIUM, "weight": 2})
        if item.code_list_id:
            out.append({"item": item, "rule_type": RuleType.CODE_LIST, "params": {}, "severity": Severity.MEDIUM, "weight": 1})
    keys = [i for i in entry.items.all() if i.is_key]
    if keys:
        out.append({"item": keys[0], "rule_type": RuleType.UNIQUE, "params": {"with": [k.field_name for k in keys[1:5]]} if len(keys) > 1 else {},
                    "severity": Severity.HIGH, "weight": 2})
    if entry.update_cycle in CYCLE_DAYS:
        out.append({"item": None, "rule_type": RuleType.TIMELINESS, "params": {}, "severity": Severity.LOW, "weight": 1})
    return out
