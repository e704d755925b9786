"""Server-side rendering: labels, sections as fieldsets, repeating groups, conditional fields, Chinese
field errors, pre-fill badges; and reading the answers back from a POST."""

from __future__ import annotations

import json

from django.http import QueryDict
from django.template import Context, Template

from digigov.core.testing import resident_id
from digigov.support.forms import render as rd, schema as sc
from digigov.support.forms.testing import sample_document


def test_labels_sections_repeat_and_conditions():
    html = rd.render_form(sample_document(), {"kind": "本人"})
    assert '<fieldset class="dg-section"' in html and "<legend>申请人</legend>" in html
    assert '<label for="f-applicant_name">姓名' in html and 'name="f-applicant_name"' in html and 'maxlength="18"' in html
    assert 'class="dg-repeat"' in html and "<template>" in html and "添加一项" in html and "删除此项" in html
    assert 'name="f-members.0.name"' in html and 'name="f-members.__i__.name"' in html
    # the conditional field is hidden on the server's first render, with its parse tree for the browser script
    agent = html[html.index('data-path="agent_name"') - 60:html.index('data-path="agent_name"') + 300]
    assert " hidden" in agent and "data-hide='[" in agent
    assert "eval" not in html
    shown = rd.render_form(sample_document(), {"kind": "代理"})
    agent = shown[shown.index('data-path="agent_name"'):shown.index('data-path="agent_name"') + 200]
    assert " hidden" not in agent.split(">")[0]


def test_field_errors_in_chinese_with_aria():
    data = {"applicant_name": "张" * 30, "kind": "本人", "members": [{"id_number": "1"}]}
    _clean, errors = sc.validate(sample_document(), data)
    html = rd.render_form(sample_document(), data, errors)
    assert 'aria-invalid="true" aria-describedby="f-applicant_name-err"' in html
    assert '<p class="field-error" id="f-applicant_name-err" role="alert">最多 18 个字</p>' in html
    assert "表单填写有误，共" in html and 'href="#f-members-0-name"' in html


def test_prefill_badge_and_confirm():
    prov = {"applicant_name": {"source": "registries.person.name", "label": "来自 公安局·人口基础库", "digest": "abc", "confirmed": False}}
    html = rd.render_form(sample_document(), {"applicant_name": "张三"}, {}, prov)
    assert '<span class="badge prefill">来自 公安局·人口基础库</span>' in html
    assert 'name="f-confirm.applicant_name"' in html and "确认无误" in html


def test_readonly_answers():
    html = rd.render_form(sample_document(), {"applicant_name": "张三", "kind": "代理", "agent_name": "李四", "items": ["甲"],
                                              "members": [{"name": "王五"}]}, readonly=True)
    assert "<dt>姓名</dt><dd>张三</dd>" in html and "<dt>代理人姓名</dt><dd>李四</dd>" in html and "家庭成员 第1项" in html
    assert "<input" not in html


def test_post_round_trip():
    idn = resident_id()
    prov = json.dumps({"source": "registries.person.name", "label": "来自 公安局·人口基础库", "digest": "abc"}, ensure_ascii=False)
    post = QueryDict(mutable=True)
    post.update({"f-applicant_name": " 张三 ", "f-applicant_id_number": idn.lower(), "f-kind": "本人", "f-area": "12",
                 "f-start": "2026-05-01", "f-members.0.name": "李四", "f-members.3.name": "王五", "f-members.3.id_number": "",
                 "f-prov.applicant_name": prov, "f-confirm.applicant_name": "1"})
    post.setlist("f-items", ["甲", "乙"])
    data, provenance = rd.data_from_post(sample_document(), post)
    assert data == {"applicant_name": "张三", "applicant_id_number": idn.upper(), "kind": "本人", "area": 12, "start": "2026-05-01",
                    "items": ["甲", "乙"], "members": [{"name": "李四"}, {"name": "王五"}]}
    assert provenance["applicant_name"]["confirmed"] is True
    assert sc.validate(sample_document(), data)[1] == {}


def test_template_tag():
    html = Template("{% load forms_tags %}{% render_form ui data errors %}").render(Context({
        "ui": sample_document(), "data": {}, "errors": {"applicant_name": "必填"}}))
    assert "必填" in html and "dg-form" in html


def test_display_text_is_rendered_and_carries_no_value():
    doc = sample_document()
    doc["components"].insert(0, {"type": "text", "text": "请如实填写，带 * 的为必填项。", "id": "Text_1"})
    html = rd.render_form(doc, {})
    assert '<p class="dg-text">请如实填写，带 * 的为必填项。</p>' in html
    assert "text" not in sc.derive_schema(doc)["properties"] and sc.validate(doc, {"applicant_name": "张三", "kind": "本人",
                                                                                    "applicant_id_number": resident_id()})[1] == {}
