"""``samples.valid_answers``: answers built from the form itself pass ``check_submission`` — for the city's
demo forms and for each kind of constraint a form can carry (the demo city used to fill every field with
“示范”, which a date, an ID number, an option list or a number refuses)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from digigov.core.accounts.models import LegalPerson, NaturalPerson
from digigov.core.testing import resident_id, uscc
from digigov.support.forms import schema as sc
from digigov.support.forms.actions import check_submission
from digigov.support.forms.demo import FORMS, _c, _doc, _list
from digigov.support.forms.samples import _from_pattern, sample_resident_id, sample_uscc, valid_answers


class Version:  # what check_submission reads of a FormVersion
    def __init__(self, ui, bindings=None):
        self.ui, self.bindings, self.schema = ui, bindings or {}, sc.derive_schema(ui)


def person():
    return NaturalPerson(name="李四", id_number=resident_id(), phone="13912345678", address="振兴区某路1号",
                         birth_date=dt.date(1980, 5, 1), gender="1")


@pytest.mark.parametrize("key", [f[0] for f in FORMS])
def test_every_demo_form_accepts_its_sample_answers(key):
    _key, _name, _dept, _desc, ui, bindings = next(f for f in FORMS if f[0] == key)
    p, lp = person(), LegalPerson(name="示范科技有限公司", uscc=uscc())
    data = valid_answers(Version(ui, bindings), person=p, legal_person=lp)
    clean, errors = check_submission(Version(ui, bindings), data)
    assert errors == {}
    # bound fields carry the applicant's own data, not a placeholder
    if "applicant_id_number" in bindings:
        assert clean["applicant_id_number"] == p.id_number and clean["applicant_name"] == "李四"
    if "enterprise_uscc" in bindings:
        assert clean["enterprise_uscc"] == lp.uscc and clean["enterprise_name"] == "示范科技有限公司"


def test_the_old_placeholder_is_refused_and_the_samples_are_not():
    """The regression: “示范” in every required field of the pension form is refused (dates, options…)."""
    _key, _name, _dept, _desc, ui, bindings = next(f for f in FORMS if f[0] == "resident-pension")
    v = Version(ui, bindings)
    placeholder = {f.path: "示范" for f in sc.flat_fields(ui) if f.required and not f.repeating}
    assert check_submission(v, placeholder)[1]
    assert check_submission(v, valid_answers(v, person=person()))[1] == {}


def test_each_constraint_gets_a_value_it_accepts():
    ui = _doc("edge", [
        _c("datetime", "day", "日期", required=True, subtype="date"),
        _c("datetime", "at", "时间", required=True, subtype="time"),
        _c("datetime", "when", "日期时间", required=True, subtype="datetime"),
        {**_c("number", "count", "数量", required=True), "validate": {"required": True, "min": 5, "max": 9}},
        {**_c("number", "neg", "负数", required=True), "validate": {"required": True, "max": -3}},
        {**_c("textfield", "code", "编码", required=True), "validate": {"required": True, "pattern": r"^[A-Z]{2}-\d{4}(X|Y)?$"}},
        {**_c("textfield", "long", "说明", required=True), "validate": {"required": True, "minLength": 7, "maxLength": 8}},
        _c("textfield", "other_id", "他人身份号码", required=True, idtype="resident_id"),
        _c("textfield", "company", "单位代码", required=True, idtype="uscc"),
        _c("textfield", "mobile", "手机", required=True, idtype="phone"),
        _c("select", "pick", "选择", required=True, values=("甲", "乙")),
        _c("checklist", "many", "多选", required=True, values=("子", "丑")),
        _c("checkbox", "agree", "同意", required=True),
        _c("textfield", "hidden_one", "条件项", required=True, hide="=agree = true"),
        _c("textfield", "optional", "选填"),
        {"type": "group", "path": "nested", "label": "分组", "components": [_c("textfield", "inner", "内层", required=True)]},
        _list("rows", "明细", [_c("textfield", "name", "名称", required=True), _c("number", "qty", "数", required=True, min_value=2)],
              required=True),
    ])
    data = valid_answers(ui)
    assert check_submission(Version(ui), data)[1] == {}
    assert data["count"] == 5 and data["neg"] == -3 and data["pick"] == "甲" and data["many"] == ["子"]
    assert re.fullmatch(r"[A-Z]{2}-\d{4}(X|Y)?", data["code"]) and 7 <= len(data["long"]) <= 8
    assert data["nested"] == {"inner": "示范"} and data["rows"] == [{"name": "示范", "qty": 2}]
    assert "optional" not in data


def test_given_answers_are_kept_where_valid_and_replaced_where_not():
    _key, _name, _dept, _desc, ui, bindings = next(f for f in FORMS if f[0] == "resident-pension")
    v = Version(ui, bindings)
    data = valid_answers(v, person=person(), given={"bank_account": "6222000011112222", "contribution_level": "示范"})
    assert data["bank_account"] == "6222000011112222" and data["contribution_level"] == "200"
    assert check_submission(v, data)[1] == {}


def test_made_up_identifiers_pass_their_check_digits():
    assert sc.FORMAT_ERRORS["resident-id"](sample_resident_id("x")) is None
    assert sc.FORMAT_ERRORS["uscc"](sample_uscc("y")) is None
    made = _from_pattern(r"^\d{3}[^0-9]$")
    assert made is not None and re.fullmatch(r"\d{3}[^0-9]", made)
