"""The form model: JSON Schema derived from the form-js document, validation with Chinese messages per field,
conditional visibility (hidden fields not required, their values dropped), and publish-time checks."""

from __future__ import annotations

import pytest

from digigov.core.testing import resident_id, uscc
from digigov.support.forms import schema as sc
from digigov.support.forms.demo import FORMS, _c, _doc
from digigov.support.forms.testing import sample_document


def ok_data(**extra):
    data = {"applicant_name": "张三", "applicant_id_number": resident_id(), "kind": "本人"}
    data.update(extra)
    return data


def test_schema_derived_from_document():
    s = sc.derive_schema(sample_document())
    assert s["$schema"].endswith("2020-12/schema")
    props = s["properties"]
    assert props["applicant_name"]["maxLength"] == 18 and props["applicant_name"]["title"] == "姓名"
    assert props["applicant_id_number"]["format"] == "resident-id"
    assert props["kind"]["enum"] == ["本人", "代理"]
    assert props["members"]["type"] == "array" and props["members"]["items"]["required"] == ["name"]
    assert props["start"]["format"] == "date"
    # a conditional field is not required by the static schema (validate decides where it is shown)
    assert "agent_name" not in s["required"] and "applicant_name" in s["required"]
    assert s["additionalProperties"] is False
    sc.validator_for(s)  # a valid draft 2020-12 schema


@pytest.mark.parametrize("data, path, message", [
    ({"applicant_name": ""}, "applicant_name", "必填"),
    ({"applicant_name": "张" * 19}, "applicant_name", "最多 18 个字"),
    ({"applicant_id_number": "210602199001010011"}, "applicant_id_number", None),  # wrong check digit: the validator's message
    ({"applicant_phone": "12345"}, "applicant_phone", "手机号码应为以1开头的11位数字"),
    ({"kind": "别的"}, "kind", "请从选项中选择"),
    ({"area": 0}, "area", "不能小于 1"),
    ({"area": "很多"}, "area", "应为数字"),
    ({"start": "2026-13-40"}, "start", "日期格式不正确，应为 年-月-日"),
    ({"items": ["丙"]}, "items.0", "请从选项中选择"),
    ({"company_uscc": "91210602ABCDEFGHI0"}, "company_uscc", None),
    ({"members": [{"id_number": resident_id()}]}, "members.0.name", "必填"),
    ({"unknown": "x"}, "unknown", "不是本表单的字段"),
])
def test_validation_messages_in_chinese(data, path, message):
    clean, errors = sc.validate(sample_document(), ok_data(**data))
    assert path in errors, errors
    if message is None:  # identifier check digits: the message of digigov.core.validators
        from digigov.core import validators

        check = validators.uscc_error if path == "company_uscc" else validators.resident_id_error
        message = check(data[path])
        assert message
    assert errors[path] == message


def test_valid_answers_pass():
    clean, errors = sc.validate(sample_document(), ok_data(applicant_phone="13800000000", area=12.5, start="2026-05-01", items=["甲"],
                                                           company_uscc=uscc(), members=[{"name": "李四", "id_number": resident_id()}]))
    assert errors == {}
    assert clean["members"][0]["name"] == "李四"


def test_conditional_field_hidden_is_dropped_and_not_required():
    clean, errors = sc.validate(sample_document(), ok_data(kind="本人", agent_name="王五"))
    assert errors == {} and "agent_name" not in clean  # hidden: the value is dropped


def test_conditional_field_shown_is_required():
    clean, errors = sc.validate(sample_document(), ok_data(kind="代理"))
    assert errors == {"agent_name": "必填"}
    clean, errors = sc.validate(sample_document(), ok_data(kind="代理", agent_name="王五"))
    assert errors == {} and clean["agent_name"] == "王五"


def test_remote_ref_is_refused_not_fetched():
    from referencing.exceptions import Unresolvable

    v = sc.validator_for({"$ref": "https://example.invalid/schema.json"})
    with pytest.raises(Unresolvable):
        list(v.iter_errors({}))


def test_garbage_data_is_a_field_error_not_a_crash():
    assert sc.validate(sample_document(), ["not", "a", "dict"])[1] == {"": "提交的内容应为一组字段"}
    clean, errors = sc.validate(sample_document(), ok_data(members="x"))
    assert errors["members"] == "应为列表"


def test_check_document_names_problems():
    doc = _doc("bad", [
        _c("textfield", "name", "姓名"), _c("textfield", "name", "名字"),
        _c("textfield", "x", "条件", hide="=a +"),
        {"type": "filepicker", "key": "f", "label": "附件"},
        _c("select", "s", "选择"),
        _c("textfield", "bad key", "坏标识"),
    ])
    problems = sc.check_document(doc, {"nope": "registries.person.name"}, lambda s: True)
    text = " ".join(problems.values())
    assert "字段标识“name”重复" in text
    assert "组件“条件”的显示条件无法识别" in text
    assert "组件“附件”的类型不受支持" in text
    assert "组件“选择”没有选项" in text
    assert "组件“坏标识”的字段标识" in text
    assert problems["bindings.nope"] == "数据绑定的字段“nope”不在表单中"


def test_demo_forms_are_publishable():
    from digigov.support.forms.prefill import known_source

    for key, _name, _dept, _desc, ui, bindings in FORMS:
        assert sc.check_document(ui, bindings, known_source) == {}, key
        kinds = {f.type for f in sc.fields(ui)}
        assert {"group", "dynamiclist"} <= kinds, key
        assert any(f.hide for f in sc.flat_fields(ui)), key


def test_validators_are_reused_per_schema_and_a_bad_schema_is_refused_every_time():
    from jsonschema.exceptions import SchemaError

    s = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert sc.validator_for(s) is sc.validator_for({"properties": {"a": {"type": "string"}}, "type": "object"})
    assert sc.validator_for(s) is not sc.validator_for({**s, "required": ["a"]})
    for _ in range(2):
        with pytest.raises(SchemaError):
            sc.validator_for({"type": "nonsense"})
