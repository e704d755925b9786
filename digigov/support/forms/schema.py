"""The server-side form model: a FormVersion's form-js document (``ui``) is the one source; the JSON Schema
(``schema``) is derived from it, submissions are validated with ``jsonschema`` and every error becomes a
field path and a Chinese message.

Stable entry points (other slices call them):

* ``derive_schema(ui) -> dict`` — the JSON Schema (draft 2020-12) of a form-js document.
* ``check_document(ui, bindings=None) -> dict[str, str]`` — what publishing refuses: ``{where: 中文原因}``
  (duplicate keys, unsupported components, conditions outside the supported subset …); empty when fine.
* ``validate(version_or_ui, data) -> (clean, errors)`` — ``clean`` is ``data`` with the values of hidden
  fields dropped, ``errors`` is ``{path: 中文}`` (``path`` like ``members.0.name``); empty when valid.
* ``fields(ui)`` — the input components in document order (``Field``), what the renderer and the binding
  editor walk.

Supported form-js components: textfield, textarea, number, checkbox, select, radio, checklist, taglist,
datetime (subtype date / time / datetime), group (a section; with ``path`` its fields nest under it) and
dynamiclist (a repeating group under ``path``); display-only text, spacer, separator and image are
allowed and carry no value. Identifier checks: ``properties.idtype`` = ``resident_id`` (公民身份号码),
``uscc`` (统一社会信用代码) or ``phone`` (手机号码) on a text field adds a format whose check digits are
verified with ``digigov.core.validators``.

Conditional visibility (``conditional.hide``) is a small FEEL subset parsed by ``conditions``: a hidden
field is not required and its value is dropped, on the server whatever the browser did.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError
from referencing import Registry
from referencing.exceptions import NoSuchResource

from digigov.core import validators

from . import conditions

VALUE_TYPES = {"textfield", "textarea", "number", "checkbox", "select", "radio", "checklist", "taglist", "datetime"}
DISPLAY_TYPES = {"text", "spacer", "separator", "image", "html", "default"}
CONTAINER_TYPES = {"group", "dynamiclist"}
KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_TEXT = 2000  # a text field with no maxLength of its own still has one: nothing unbounded is stored

TYPE_LABELS = {
    "textfield": "单行文本", "textarea": "多行文本", "number": "数字", "checkbox": "勾选框", "select": "下拉选择",
    "radio": "单选", "checklist": "多选", "taglist": "标签多选", "datetime": "日期时间", "group": "分组",
    "dynamiclist": "重复分组",
}

IDTYPES = {
    "resident_id": ("公民身份号码", "resident-id"),
    "uscc": ("统一社会信用代码", "uscc"),
    "phone": ("手机号码", "cn-mobile"),
}
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
DATETIME_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?([+-][0-9]{2}:[0-9]{2}|Z)?$"
_PHONE = re.compile(r"^1[3-9][0-9]{9}$")


def _phone_error(value) -> str | None:
    return None if isinstance(value, str) and _PHONE.fullmatch(value) else "手机号码应为以1开头的11位数字"


FORMAT_ERRORS = {
    "resident-id": validators.resident_id_error,
    "uscc": validators.uscc_error,
    "cn-mobile": _phone_error,
}
FORMAT_CHECKER = FormatChecker(("date",))  # times are checked by pattern: the time formats need an extra package
for _name, _check in FORMAT_ERRORS.items():
    FORMAT_CHECKER.checks(_name)(lambda value, _check=_check: not isinstance(value, str) or _check(value) is None)


def _refuse_remote(uri: str):
    raise NoSuchResource(ref=uri)


NO_REMOTE = Registry(retrieve=_refuse_remote)  # a "$ref" to anything outside the schema is refused, never fetched


@dataclass
class Field:
    """One input component: ``path`` is its place in the data (``applicant.name``; inside a repeating group
    the group's path, then the component's key), ``parents`` the containers it sits in."""

    component: dict
    key: str
    path: str
    type: str
    label: str
    required: bool
    hide: str = ""
    idtype: str = ""
    repeating: str = ""  # path of the enclosing repeating group, if any
    children: list["Field"] = field(default_factory=list)

    @property
    def options(self) -> list[tuple[str, str]]:
        return [(str(v.get("value")), str(v.get("label", v.get("value")))) for v in self.component.get("values") or []
                if isinstance(v, dict) and "value" in v]


def _label(c: dict) -> str:
    return str(c.get("label") or c.get("key") or c.get("path") or TYPE_LABELS.get(c.get("type"), "组件"))


def components(ui) -> list:
    if not isinstance(ui, dict):
        return []
    comps = ui.get("components")
    return comps if isinstance(comps, list) else []


def fields(ui) -> list[Field]:
    """The value-carrying components and containers, in document order (containers carry ``children``)."""

    def walk(comps, prefix: str, repeating: str) -> list[Field]:
        out: list[Field] = []
        for c in comps:
            if not isinstance(c, dict):
                continue
            t = c.get("type")
            hide = (c.get("conditional") or {}).get("hide", "") if isinstance(c.get("conditional"), dict) else ""
            if t in CONTAINER_TYPES:
                own = str(c.get("path") or "")
                path = f"{prefix}{own}" if own else prefix.rstrip(".")
                f = Field(c, own, path, t, _label(c), False, hide if isinstance(hide, str) else "", repeating=repeating)
                child_prefix = f"{path}." if own else prefix
                inner = c.get("components") if isinstance(c.get("components"), list) else []
                f.children = walk(inner, child_prefix if t == "group" else "",
                                  path if t == "dynamiclist" else repeating)
                out.append(f)
            elif t == "text" and isinstance(c.get("text"), str) and c["text"].strip():
                out.append(Field(c, "", prefix, "text", c["text"].strip()[:2000], False,
                                 hide if isinstance(hide, str) else "", repeating=repeating))
            elif t in VALUE_TYPES:
                key = str(c.get("key") or "")
                validate = c.get("validate") if isinstance(c.get("validate"), dict) else {}
                props = c.get("properties") if isinstance(c.get("properties"), dict) else {}
                out.append(Field(c, key, f"{prefix}{key}", t, _label(c), bool(validate.get("required")),
                                 hide if isinstance(hide, str) else "", idtype=str(props.get("idtype") or ""), repeating=repeating))
        return out

    return walk(components(ui), "", "")


def flat_fields(ui) -> list[Field]:
    """Every value field (not containers), repeating-group children included (their ``path`` is relative to the item)."""
    out: list[Field] = []

    def walk(fs):
        for f in fs:
            if f.type in CONTAINER_TYPES:
                walk(f.children)
            elif f.type != "text":
                out.append(f)

    walk(fields(ui))
    return out


# --- publish-time checks ------------------------------------------------------------------------------
def check_document(ui, bindings: dict | None = None, known_source=None) -> dict[str, str]:
    """Everything that makes a document unpublishable, as ``{where: 中文原因}`` (``where`` names the component)."""
    problems: dict[str, str] = {}
    if not isinstance(ui, dict) or not isinstance(ui.get("components"), list):
        return {"ui": "表单定义无效：缺少组件列表"}
    seen: dict[str, str] = {}

    def walk(comps, scope: str, names: set[str]):
        local = set(names)
        for c in comps:
            if isinstance(c, dict) and c.get("type") in VALUE_TYPES and isinstance(c.get("key"), str):
                local.add(c["key"])
            if isinstance(c, dict) and c.get("type") in CONTAINER_TYPES and isinstance(c.get("path"), str):
                local.add(c["path"])
        for i, c in enumerate(comps):
            if not isinstance(c, dict):
                problems[f"{scope}#{i}"] = "组件定义无效"
                continue
            t = c.get("type")
            where = f"“{_label(c)}”"
            if t not in VALUE_TYPES | DISPLAY_TYPES | CONTAINER_TYPES:
                problems[str(c.get("key") or c.get("id") or f"{scope}#{i}")] = f"组件{where}的类型不受支持"
                continue
            cond = c.get("conditional")
            if cond:
                hide = cond.get("hide") if isinstance(cond, dict) else None
                if not isinstance(hide, str):
                    problems[str(c.get("key") or c.get("path") or c.get("id"))] = f"组件{where}的显示条件无效"
                elif hide.strip():
                    try:
                        conditions.parse(hide)
                    except conditions.ConditionError as exc:
                        problems[str(c.get("key") or c.get("path") or c.get("id"))] = f"组件{where}的显示条件无法识别：{exc.message}"
            if t in VALUE_TYPES:
                key = c.get("key")
                if not isinstance(key, str) or not KEY_RE.fullmatch(key):
                    problems[str(key or c.get("id") or f"{scope}#{i}")] = f"组件{where}的字段标识应以字母开头，只含字母、数字和下划线"
                    continue
                full = f"{scope}{key}"
                if full in seen:
                    problems[full] = f"字段标识“{key}”重复（{seen[full]}、{_label(c)}）"
                seen[full] = _label(c)
                props = c.get("properties") if isinstance(c.get("properties"), dict) else {}
                if props.get("idtype") and props["idtype"] not in IDTYPES:
                    problems[full] = f"组件{where}的证件类型无效"
                validate = c.get("validate") if isinstance(c.get("validate"), dict) else {}
                if validate.get("pattern"):
                    try:
                        re.compile(str(validate["pattern"]))
                    except re.error:
                        problems[full] = f"组件{where}的格式（正则表达式）无效"
                if t in ("select", "radio", "checklist", "taglist") and not c.get("values"):
                    problems[full] = f"组件{where}没有选项（暂不支持从外部数据加载选项）"
            elif t in CONTAINER_TYPES:
                path = c.get("path")
                if t == "dynamiclist" and (not isinstance(path, str) or not KEY_RE.fullmatch(path)):
                    problems[str(path or c.get("id") or f"{scope}#{i}")] = f"重复分组{where}需要字段标识（路径）"
                    continue
                if path and (not isinstance(path, str) or not KEY_RE.fullmatch(path)):
                    problems[str(path or f"{scope}#{i}")] = f"分组{where}的路径应以字母开头，只含字母、数字和下划线"
                    continue
                full = f"{scope}{path}" if path else ""
                if full:
                    if full in seen:
                        problems[full] = f"字段标识“{path}”重复"
                    seen[full] = _label(c)
                walk(c.get("components") if isinstance(c.get("components"), list) else [], (f"{full}." if full else scope) if t == "group" else f"{full}[].", local)

    walk(ui["components"], "", set())
    for key, source in (bindings or {}).items():
        if not isinstance(key, str) or key not in seen:
            problems[f"bindings.{key}"] = f"数据绑定的字段“{key}”不在表单中"
        elif known_source is not None and not known_source(source):
            problems[f"bindings.{key}"] = f"字段“{seen.get(key, key)}”绑定的数据来源“{source}”无法识别"
    return problems


# --- JSON Schema ---------------------------------------------------------------------------------------
def _value_schema(f: Field) -> dict:
    c, t = f.component, f.type
    validate = c.get("validate") if isinstance(c.get("validate"), dict) else {}
    s: dict[str, Any] = {"title": f.label}
    if t in ("textfield", "textarea"):
        s["type"] = "string"
        max_len = validate.get("maxLength")
        s["maxLength"] = int(max_len) if isinstance(max_len, int) and not isinstance(max_len, bool) and 0 < max_len <= MAX_TEXT else MAX_TEXT
        if isinstance(validate.get("minLength"), int) and not isinstance(validate.get("minLength"), bool) and validate["minLength"] > 0:
            s["minLength"] = validate["minLength"]
        if validate.get("pattern"):
            s["pattern"] = str(validate["pattern"])
        if f.idtype in IDTYPES:
            s["format"] = IDTYPES[f.idtype][1]
    elif t == "number":
        s["type"] = "number"
        for src, dst in (("min", "minimum"), ("max", "maximum")):
            v = validate.get(src)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                s[dst] = v
    elif t == "checkbox":
        s["type"] = "boolean"
    elif t in ("select", "radio"):
        s["type"] = "string"
        s["enum"] = [v for v, _ in f.options]
    elif t in ("checklist", "taglist"):
        s["type"] = "array"
        s["items"] = {"type": "string", "enum": [v for v, _ in f.options]}
        s["uniqueItems"] = True
    elif t == "datetime":
        s["type"] = "string"
        subtype = c.get("subtype")
        if subtype == "date":
            s["format"] = "date"
        elif subtype == "time":
            s["pattern"], s["x-error"] = TIME_PATTERN, "时间格式不正确，应为 时:分"
        else:
            s["pattern"], s["x-error"] = DATETIME_PATTERN, "日期时间格式不正确，应为 年-月-日 时:分"
    return s


def _object_schema(fs: list[Field], title: str = "") -> dict:
    props: dict[str, Any] = {}
    required: list[str] = []

    def add(fs, props, required):
        for f in fs:
            if f.type == "text":
                continue
            if f.type == "group":
                if f.key:
                    sub = _object_schema(f.children, f.label)
                    props[f.key] = sub
                    if not f.hide and sub.get("required"):
                        required.append(f.key)
                else:
                    add(f.children, props, required)
            elif f.type == "dynamiclist":
                item = _object_schema(f.children, f.label)
                validate = f.component.get("validate") if isinstance(f.component.get("validate"), dict) else {}
                arr: dict[str, Any] = {"type": "array", "title": f.label, "items": item, "maxItems": 200}
                if validate.get("required"):
                    arr["minItems"] = 1
                props[f.key] = arr
                if validate.get("required") and not f.hide:
                    required.append(f.key)
            else:
                props[f.key] = _value_schema(f)
                if f.required and not f.hide:
                    required.append(f.key)

    add(fs, props, required)
    s: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if title:
        s["title"] = title
    if required:
        s["required"] = required
    return s


def derive_schema(ui) -> dict:
    """The JSON Schema of the document. Required-ness of a field with a display condition depends on the
    answers, so the schema leaves it optional and ``validate`` checks it where the field is shown."""
    s = _object_schema(fields(ui))
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return s


# --- validation ----------------------------------------------------------------------------------------
def _empty(v) -> bool:
    return v is None or v == "" or v == [] or v == {}


def _visible(f: Field, item: dict, root: dict) -> bool:
    if not f.hide or not f.hide.strip():
        return True
    try:
        return not conditions.evaluate(f.hide, item, root)
    except conditions.ConditionError:
        return True  # never published (check_document refuses it); shown rather than silently dropped


def prune(ui, data: dict) -> tuple[dict, dict[str, str]]:
    """``data`` without the values of hidden fields and without empty answers, plus ``必填`` for each visible
    required field with a display condition left empty (the schema cannot say when those are required)."""
    missing: dict[str, str] = {}

    def walk(fs: list[Field], src: dict, out: dict, root: dict, prefix: str):
        for f in fs:
            if f.type == "text" or not _visible(f, src, root):
                continue
            if f.type == "group":
                if f.key:
                    sub = src.get(f.key)
                    if sub is None:
                        sub = {}
                    if not isinstance(sub, dict):
                        out[f.key] = sub  # the schema names the wrong type
                        continue
                    inner: dict = {}
                    walk(f.children, sub, inner, root, f"{prefix}{f.key}.")
                    extra = {k: v for k, v in sub.items() if k not in inner and k not in _keys(f.children)}
                    inner.update(extra)
                    if inner:
                        out[f.key] = inner
                    elif any(ch.required for ch in f.children):
                        out[f.key] = {}
                else:
                    walk(f.children, src, out, root, prefix)
            elif f.type == "dynamiclist":
                rows = src.get(f.key)
                if rows is None or rows == []:
                    if f.hide and isinstance(f.component.get("validate"), dict) and f.component["validate"].get("required"):
                        missing[f"{prefix}{f.key}"] = "必填"
                    continue
                if not isinstance(rows, list):
                    out[f.key] = rows
                    continue
                kept = []
                for i, row in enumerate(rows):
                    if not isinstance(row, dict):
                        kept.append(row)
                        continue
                    inner = {}
                    walk(f.children, row, inner, root, f"{prefix}{f.key}.{i}.")
                    inner.update({k: v for k, v in row.items() if k not in _keys(f.children)})
                    kept.append(inner)
                out[f.key] = kept
            else:
                if f.key not in src or _empty(src.get(f.key)):
                    if f.required and f.hide:
                        missing[f"{prefix}{f.key}"] = "必填"
                    continue
                out[f.key] = src[f.key]
        # keys the form does not have are kept so that the schema reports them
        known = _keys(fs)
        for k, v in src.items():
            if k not in known and k not in out and prefix == "" and fs is top:
                out[k] = v

    top = fields(ui)
    if not isinstance(data, dict):
        return data, {}
    out: dict = {}
    walk(top, data, out, data, "")
    return out, missing


def _keys(fs: list[Field]) -> set[str]:
    keys: set[str] = set()
    for f in fs:
        if f.type == "group" and not f.key:
            keys |= _keys(f.children)
        elif f.type != "text":
            keys.add(f.key)
    return keys


def _path(parts) -> str:
    return ".".join(str(p) for p in parts)


def _message(error, labels: dict[str, str]) -> list[tuple[str, str]]:
    """One jsonschema error → [(path, 中文)] (``additionalProperties`` names each unexpected key)."""
    path = _path(error.absolute_path)
    v, arg = error.validator, error.validator_value
    if v == "required":
        missing = [k for k in arg if not isinstance(error.instance, dict) or k not in error.instance]
        return [(_path([*error.absolute_path, k]), "必填") for k in missing] or [(path, "必填")]
    if v == "additionalProperties":
        extra = [k for k in (error.instance or {}) if k not in (error.schema.get("properties") or {})]
        return [(_path([*error.absolute_path, k]), "不是本表单的字段") for k in extra]
    if v == "maxLength":
        return [(path, f"最多 {arg} 个字")]
    if v == "minLength":
        return [(path, f"至少 {arg} 个字")]
    if v == "pattern":
        return [(path, error.schema.get("x-error") or "格式不正确")]
    if v == "format":
        check = FORMAT_ERRORS.get(arg)
        if check:
            return [(path, check(error.instance) or "格式不正确")]
        return [(path, {"date": "日期格式不正确，应为 年-月-日", "time": "时间格式不正确，应为 时:分",
                        "date-time": "日期时间格式不正确"}.get(arg, "格式不正确"))]
    if v == "enum":
        return [(path, "请从选项中选择")]
    if v == "type":
        return [(path, {"string": "应为文本", "number": "应为数字", "integer": "应为整数", "boolean": "应为是或否",
                        "array": "应为列表", "object": "应为一组字段"}.get(arg if isinstance(arg, str) else "", "类型不正确"))]
    if v == "minimum":
        return [(path, f"不能小于 {arg}")]
    if v == "maximum":
        return [(path, f"不能大于 {arg}")]
    if v == "minItems":
        return [(path, "至少填写 1 项" if arg == 1 else f"至少填写 {arg} 项")]
    if v == "maxItems":
        return [(path, f"最多填写 {arg} 项")]
    if v == "uniqueItems":
        return [(path, "选项重复")]
    return [(path, "填写内容不正确")]


def validator_for(schema: dict) -> Draft202012Validator:
    """A draft 2020-12 validator with our formats; remote references refused. Raises ``SchemaError`` for a bad schema.

    Checking a schema against the metaschema costs more than validating an answer with it (25 ms against a
    few for a 一件事 form), and the same few published versions serve every submission, so validators are
    kept per process, keyed by the schema's canonical JSON (a changed schema is a new key; a bad one is
    checked, and refused, every time)."""
    return _validator(json.dumps(schema, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


@functools.lru_cache(maxsize=256)
def _validator(schema_json: str) -> Draft202012Validator:
    schema = json.loads(schema_json)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FORMAT_CHECKER, registry=NO_REMOTE)


def validate(version_or_ui, data) -> tuple[dict, dict[str, str]]:
    """Validate ``data`` against a FormVersion (its stored ``schema`` and ``ui``) or a bare form-js document.
    Returns ``(clean, errors)``: ``clean`` holds only the visible fields' answers; ``errors`` maps each
    failing field's path to a Chinese message (the first per field)."""
    if hasattr(version_or_ui, "ui"):
        ui = version_or_ui.ui
        schema = version_or_ui.schema or derive_schema(ui)
    else:
        ui = version_or_ui
        schema = derive_schema(ui)
    if not isinstance(data, dict):
        return {}, {"": "提交的内容应为一组字段"}
    clean, errors = prune(ui, data)
    labels = {f.path: f.label for f in flat_fields(ui)}
    try:
        validator = validator_for(schema)
    except SchemaError:
        return clean, {"": "表单定义无效，请联系表单管理部门"}
    for error in sorted(validator.iter_errors(clean), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path)))):
        for path, message in _message(error, labels):
            errors.setdefault(path, message)
    return clean, errors
