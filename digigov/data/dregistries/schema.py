"""A registry's JSON schema: checking it, reading what it declares, validating records against it.

The GovStack Database API carries the record structure as a JSON schema (draft 7 here: what the spec's
examples use). Besides the standard keywords, a property may say

* ``"primaryKey": true`` — the record's ID field (the spec's own marker); without one, ``ID`` or ``id`` if
  the schema has such a property; IDs missing on create are numbered ``{code}{n}`` (the spec's
  ``numberFormat``);
* ``"personal": true`` (or ``"x-personal": true``) — personal information: stored sealed, masked in
  answers unless the client holds ``registries.view_clear`` and states a purpose; every clear read is
  audited and shown by "my personal data usage".
"""

from __future__ import annotations

from types import SimpleNamespace

from jsonschema import Draft7Validator
from jsonschema.exceptions import SchemaError

from digigov.core.errors import ValidationFailed

MAX_FIELDS = 200
KEYWORD_WORDS = {
    "type": "类型不符",
    "required": "缺少必填字段",
    "enum": "取值不在允许范围内",
    "const": "取值不符",
    "pattern": "格式不符",
    "format": "格式不符",
    "minLength": "长度过短",
    "maxLength": "长度过长",
    "minimum": "小于允许的最小值",
    "maximum": "大于允许的最大值",
    "exclusiveMinimum": "小于允许的最小值",
    "exclusiveMaximum": "大于允许的最大值",
    "additionalProperties": "含有登记簿未定义的字段",
    "minItems": "条目过少",
    "maxItems": "条目过多",
}
TYPE_WORDS = {"string": "文本", "integer": "整数", "number": "数字", "boolean": "布尔值", "object": "对象", "array": "数组", "null": "空值"}


def is_personal(prop) -> bool:
    return isinstance(prop, dict) and bool(prop.get("personal") or prop.get("x-personal"))


def check(schema) -> tuple[str, list[str]]:
    """Refuse a schema that is not a valid draft-7 object schema with named properties; return its ID field
    and its personal fields."""
    if not isinstance(schema, dict):
        raise ValidationFailed("schema 应为 JSON 对象（JSON Schema）", code="invalid_schema")
    try:
        Draft7Validator.check_schema(schema)
    except SchemaError as exc:
        raise ValidationFailed("schema 不是有效的 JSON Schema", code="invalid_schema",
                               detail={"path": "/".join(str(p) for p in exc.absolute_path), "error": exc.message[:300]}) from None
    remote = _remote_refs(schema)
    if remote:
        raise ValidationFailed("schema 只能引用自身内部的定义（$ref 以 # 开头），不能引用外部地址", code="invalid_schema",
                               detail={"refs": remote[:5]})
    broken = [r for r in _local_refs(schema) if not _resolves(schema, r)]
    if broken:
        raise ValidationFailed("schema 中的引用（$ref）指向不存在的定义", code="invalid_schema", detail={"refs": broken[:5]})
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict) or not schema["properties"]:
        raise ValidationFailed("schema 应为 type 为 object、且在 properties 中定义字段的对象", code="invalid_schema")
    props = schema["properties"]
    if len(props) > MAX_FIELDS:
        raise ValidationFailed(f"登记簿字段不能超过 {MAX_FIELDS} 个", code="invalid_schema")
    bad = [k for k in props if not isinstance(k, str) or not k or len(k) > 64 or "/" in k]
    if bad:
        raise ValidationFailed("字段名应为 1 到 64 个字符，且不含“/”", code="invalid_schema", detail={"fields": bad[:20]})
    keys = [k for k, p in props.items() if isinstance(p, dict) and p.get("primaryKey") is True]
    if len(keys) > 1:
        raise ValidationFailed("只能有一个主键字段（primaryKey）", code="invalid_schema", detail={"fields": keys})
    id_field = keys[0] if keys else ("ID" if "ID" in props else "id" if "id" in props else "")
    if id_field and props[id_field].get("type") not in (None, "string", "integer"):
        raise ValidationFailed("主键字段的类型应为文本或整数", code="invalid_schema", detail={"field": id_field})
    personal = sorted(k for k, p in props.items() if is_personal(p))
    if id_field in personal:
        raise ValidationFailed("主键字段不能标为个人信息（它出现在地址和审计记录中）；请另设登记编号作主键", code="invalid_schema")
    return id_field, personal


def _remote_refs(node) -> list[str]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and not v.startswith("#"):
                out.append(v)
            out.extend(_remote_refs(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(_remote_refs(v))
    return out


def _local_refs(node) -> list[str]:
    out = []
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            out.append(ref)
        for v in node.values():
            out.extend(_local_refs(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(_local_refs(v))
    return out


def _resolves(schema: dict, ref: str) -> bool:
    """Whether a local JSON-pointer reference (``#/definitions/x``) names something in ``schema``."""
    from urllib.parse import unquote

    node = schema
    pointer = unquote(ref[1:])
    if not pointer:
        return True
    if not pointer.startswith("/"):
        return False  # an anchor ($id-based) reference: not supported here
    for part in pointer[1:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def _error_detail(err) -> dict:
    path = "/".join(str(p) for p in err.absolute_path)
    words = KEYWORD_WORDS.get(err.validator, "不符合登记簿的数据结构")
    if err.validator == "required":
        missing = err.message.split("'")[1] if "'" in err.message else ""
        path = "/".join(x for x in (path, missing) if x)
    elif err.validator == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        words = "类型应为" + "或".join(TYPE_WORDS.get(t, t) for t in wanted)
    return {"field": path, "message": words, "keyword": err.validator}


def validate(schema: dict, content: dict) -> None:
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(content), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise ValidationFailed("记录不符合登记簿的数据结构", code="schema_violation",
                               detail=[_error_detail(e) for e in errors[:20]])


def label(schema: dict, field: str) -> str:
    prop = schema.get("properties", {}).get(field) or {}
    return str(prop.get("title") or prop.get("description") or field)


def masker_item(schema: dict, field: str):
    """What ``grading.policy.mask_value`` reads: the field's Chinese name (it masks by what the name says)."""
    prop = schema.get("properties", {}).get(field) or {}
    fmt = "resident_id" if field in ("id_number",) else ""
    return SimpleNamespace(name=label(schema, field), format=prop.get("x-format", fmt))
