"""Test factories for forms: a small form-js document with a section, a repeating group, a conditional field
and identifier checks, and a published version of it made through the actions."""

from __future__ import annotations

from .demo import _c, _doc, _group, _list


def sample_document() -> dict:
    return _doc("sample", [
        _group("申请人", [
            _c("textfield", "applicant_name", "姓名", required=True, max_length=18),
            _c("textfield", "applicant_id_number", "公民身份号码", required=True, idtype="resident_id"),
            _c("textfield", "applicant_phone", "手机号码", idtype="phone"),
            _c("radio", "kind", "申请方式", required=True, values=("本人", "代理")),
            _c("textfield", "agent_name", "代理人姓名", required=True, max_length=32, hide='=kind != "代理"'),
        ], "applicant"),
        _group("其他", [
            _c("number", "area", "面积", min_value=1),
            _c("datetime", "start", "开始日期", subtype="date"),
            _c("checklist", "items", "事项", values=("甲", "乙")),
            _c("textfield", "company_uscc", "统一社会信用代码", idtype="uscc"),
        ], "other"),
        _list("members", "家庭成员", [
            _c("textfield", "name", "姓名", required=True, max_length=32),
            _c("textfield", "id_number", "公民身份号码", idtype="resident_id"),
        ]),
    ])


SAMPLE_BINDINGS = {"applicant_name": "registries.person.name", "applicant_id_number": "registries.person.id_number",
                   "applicant_phone": "profile.phone"}


def published_form(actor, key: str = "sample-form", *, department=None, ui=None, bindings=None):
    """(form, published version 1) made through the actions as ``actor`` (who needs forms.design)."""
    from . import actions

    form = actions.create_form(actor, key=key, name="测试申请表", department=department)
    version = actions.save_draft_version(actor, form, ui or sample_document(), SAMPLE_BINDINGS if bindings is None else bindings)
    return form, actions.publish_version(actor, version)
