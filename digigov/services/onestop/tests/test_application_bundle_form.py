"""The form a 一件事 application asks (``requirements.for_bundle``): merged field by field from the chosen
members' forms, which the bundle slice builds as sections (申请人 + the member's own fields); the bundle's
own combined form only when every member is applied for."""

import pytest

from digigov.core.testing import make_user
from digigov.services.onestop import requirements as req
from digigov.services.onestop.models import BundleMember
from digigov.services.onestop.testing import make_bundle, make_item

pytestmark = pytest.mark.django_db


def _f(key, label):
    return {"type": "textfield", "key": key, "label": label, "id": f"Field_{key}", "validate": {"required": True}}


def _sections(*sections):
    return {"type": "default", "components": [{"type": "group", "label": name, "id": f"Group_s{i}", "components": list(fields)}
                                              for i, (name, fields) in enumerate(sections)]}


def _form(city, key, ui):
    from digigov.support.forms.models import FormDefinition, FormStatus, FormVersion

    form = FormDefinition.objects.create(key=key, name=f"{key}申请表", department=city.bureau, created_by=make_user("city_admin"))
    FormVersion.objects.create(form=form, version=1, status=FormStatus.PUBLISHED, schema={}, ui=ui)
    return form


@pytest.fixture
def members(city):
    a = make_item(city.bureau, name="甲事项")
    a.form = _form(city, "m-a", _sections(("申请人", [_f("applicant_name", "姓名"), _f("applicant_id_number", "公民身份号码")]),
                                          ("甲事项", [_f("bank", "开户银行")])))
    a.save(update_fields=["form"])
    b = make_item(city.other_bureau, name="乙事项")
    b.form = _form(city, "m-b", _sections(("申请人", [_f("applicant_name", "姓名"), _f("applicant_phone", "手机号码")]),
                                          ("乙事项", [_f("bank", "开户银行"), _f("shop_name", "店铺名称")])))
    b.save(update_fields=["form"])
    return a, b


def test_members_are_merged_field_by_field(city, members):
    bundle = make_bundle(city.bureau, list(members))
    paths = [f.path for f in req.for_bundle(bundle).fields]
    # the second member's applicant block is not dropped, and a key two members ask is asked once
    assert sorted(paths) == sorted(["applicant_name", "applicant_id_number", "applicant_phone", "bank", "shop_name"])
    assert all(f.required for f in req.for_bundle(bundle).fields)


def test_unticked_optional_member_fields_are_not_asked(city, members):
    a, b = members
    bundle = make_bundle(city.bureau, [a, b])
    BundleMember.objects.filter(bundle=bundle, item=b).update(optional=True)
    combined = _sections(("申请人", [_f("applicant_name", "姓名"), _f("applicant_id_number", "公民身份号码"), _f("applicant_phone", "手机号码")]),
                         ("甲事项", [_f("bank", "开户银行")]), ("乙事项", [_f("shop_name", "店铺名称")]))
    bundle.form = _form(city, "bundle-ab", combined)
    bundle.save(update_fields=["form"])
    everything = req.for_bundle(bundle)
    assert everything.form.form_id == bundle.form_id and "shop_name" in {f.path for f in everything.fields}
    only_a = {f.path for f in req.for_bundle(bundle, [a]).fields}
    assert only_a == {"applicant_name", "applicant_id_number", "bank"}
