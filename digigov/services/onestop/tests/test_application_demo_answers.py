"""Every form the demo city publishes for 一网通办 accepts the answers ``forms.samples.valid_answers`` builds
from it — the 8 modelled 一件事 (each member's form and the combined form), the standard applicant blocks of
items without a form, and the forms the catalog's items with processes use — so the applications step
never skips an item because its form refused the demo's answers."""

from __future__ import annotations

import datetime as dt

import pytest

from digigov.core.accounts.models import LegalPerson, NaturalPerson
from digigov.core.testing import resident_id, uscc
from digigov.support.forms import schema as sc
from digigov.support.forms.actions import check_submission
from digigov.support.forms.demo import FORMS
from digigov.support.forms.samples import valid_answers
from digigov.services.onestop.actions.bundles import bundle_document, member_document
from digigov.services.onestop.bundles_data import MODELLED
from digigov.services.onestop.demo_catalog import FORM_FOR
from digigov.services.onestop.requirements import StandardForm, standard_form


def _version(ui, bindings):
    return StandardForm(ui, bindings, sc.derive_schema(ui))


def _forms():
    out = [(f"一件事 {b['code']}", *bundle_document(b)) for b in MODELLED]
    out += [(f"成员 {m['key']}", *member_document(m)) for b in MODELLED for m in b["members"]]
    out += [(f"标准 {a}", standard_form(a).ui, standard_form(a).bindings) for a in ("person", "enterprise")]
    out += [(f"事项表单 {f[0]}", f[4], f[5]) for f in FORMS if f[0] in FORM_FOR.values()]
    return out


FORMS_UNDER_TEST = _forms()


@pytest.mark.parametrize("name,ui,bindings", FORMS_UNDER_TEST, ids=[f[0] for f in FORMS_UNDER_TEST])
def test_demo_answers_pass_check_submission(name, ui, bindings):
    person = NaturalPerson(name="王五", id_number=resident_id(), phone="13700001111", address="元宝区示范路2号",
                           birth_date=dt.date(1975, 3, 9), gender="1")
    company = LegalPerson(name="示范餐饮有限公司", uscc=uscc())
    version = _version(ui, bindings)
    data = valid_answers(version, person=person, legal_person=company)
    assert check_submission(version, data)[1] == {}
    for path, source in bindings.items():  # what is bound to the applicant is the applicant's
        if source.endswith(".id_number") and path in data:
            assert data[path] == person.id_number
        if source.endswith(".uscc") and path in data:
            assert data[path] == company.uscc


def test_every_modelled_bundle_and_member_is_covered():
    assert len([f for f in FORMS_UNDER_TEST if f[0].startswith("一件事")]) == len(MODELLED) == 8
    assert len([f for f in FORMS_UNDER_TEST if f[0].startswith("成员")]) == sum(len(b["members"]) for b in MODELLED)
