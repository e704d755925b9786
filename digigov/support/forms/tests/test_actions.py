"""Designer actions and submissions: permission checks, versions immutable once published, one audit entry
per write, and nothing written on bad input."""

from __future__ import annotations

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.registry import AUDIT_EVENTS
from digigov.core.testing import resident_id
from digigov.support.forms import actions, selectors
from digigov.support.forms.models import FormDefinition, FormStatus, FormSubmission, FormVersion
from digigov.support.forms.testing import published_form, sample_document


def test_create_save_publish_then_new_draft_is_version_two(city, designer):
    form = actions.create_form(designer, key="test-form", name="测试表单", department=city.bureau)
    v1 = actions.save_draft_version(designer, form, sample_document())
    assert v1.version == 1 and v1.status == FormStatus.DRAFT and v1.schema["properties"]["applicant_name"]["title"] == "姓名"
    actions.publish_version(designer, v1)
    v1.refresh_from_db()
    assert v1.status == FormStatus.PUBLISHED and v1.published_by == designer
    doc = sample_document()
    doc["components"][0]["components"][0]["label"] = "申请人姓名"
    v2 = actions.save_draft_version(designer, form, doc)
    assert v2.version == 2 and v2.pk != v1.pk
    v1.refresh_from_db()
    assert v1.ui["components"][0]["components"][0]["label"] == "姓名"  # the published version did not change
    assert selectors.current_version(form) == v1
    actions.publish_version(designer, v2)
    assert selectors.current_version(form) == v2
    codes = set(AuditEntry.objects.filter(action__startswith="forms.").values_list("action", flat=True))
    assert codes == {"forms.form.create", "forms.version.save", "forms.version.publish"}
    assert all(code in AUDIT_EVENTS for code in codes)


def test_published_version_cannot_be_published_again_or_retired_twice(city, designer):
    _form, v1 = published_form(designer, department=city.bureau)
    with pytest.raises(Conflict):
        actions.publish_version(designer, v1)
    actions.retire_version(designer, v1)
    with pytest.raises(Conflict):
        actions.retire_version(designer, v1)


def test_publish_refuses_problems_naming_the_component(city, designer):
    form = actions.create_form(designer, key="bad-form", name="坏表单", department=city.bureau)
    doc = sample_document()
    doc["components"][0]["components"][4]["conditional"]["hide"] = "=kind ==== 1"
    draft = actions.save_draft_version(designer, form, doc, {"applicant_name": "registries.person.nonsense"})
    with pytest.raises(ValidationFailed) as info:
        actions.publish_version(designer, draft)
    problems = info.value.detail["problems"]
    assert "代理人姓名" in " ".join(problems.values())
    assert "无法识别" in problems["bindings.applicant_name"]
    draft.refresh_from_db()
    assert draft.status == FormStatus.DRAFT


def test_permissions(city, designer, role_user):
    clerk = role_user("window_clerk")  # forms.view only
    with pytest.raises(Forbidden):
        actions.create_form(clerk, key="x-form", name="x", department=city.bureau)
    with pytest.raises(Forbidden):  # outside the designer's department
        actions.create_form(designer, key="y-form", name="y", department=city.other_bureau)
    with pytest.raises(Forbidden):  # city-wide forms need an unscoped grant
        actions.create_form(designer, key="z-form", name="z")
    form, version = published_form(designer, department=city.bureau)
    with pytest.raises(Forbidden):
        actions.save_draft_version(clerk, form, sample_document())
    with pytest.raises(Forbidden):
        actions.retire_version(clerk, version)
    other = role_user("dept_admin", department=city.other_bureau)
    with pytest.raises(Forbidden):
        actions.publish_version(other, actions.save_draft_version(designer, form, sample_document()))
    assert not FormDefinition.objects.filter(key__in=["x-form", "y-form", "z-form"]).exists()
    assert list(selectors.forms(other)) == [] and list(selectors.forms(designer)) == [form]


def test_submit_validates_and_writes_nothing_on_bad_input(city, designer, applicant):
    _form, version = published_form(designer, department=city.bureau)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as info:
        actions.submit(applicant, version, {"applicant_name": "张" * 30, "kind": "代理"})
    assert info.value.code == "form_invalid"
    assert info.value.detail["fields"] == {"applicant_name": "最多 18 个字", "applicant_id_number": "必填", "agent_name": "必填"}
    assert FormSubmission.objects.count() == 0 and AuditEntry.objects.count() == before
    sub = actions.submit(applicant, version, {"applicant_name": "张三", "applicant_id_number": resident_id(), "kind": "本人",
                                              "agent_name": "隐藏的值"})
    assert "agent_name" not in sub.data and sub.submitted_by == applicant and not sub.is_draft
    assert AuditEntry.objects.filter(action="forms.submission.submit", object_id=sub.public_id).exists()


def test_draft_submission_skips_required_but_not_formats(city, designer, applicant):
    _form, version = published_form(designer, department=city.bureau)
    sub = actions.submit(applicant, version, {"applicant_name": "张三"}, draft=True)
    assert sub.is_draft
    with pytest.raises(ValidationFailed):
        actions.submit(applicant, version, {"applicant_phone": "123"}, draft=True)


def test_submit_refuses_a_draft_or_retired_version(city, designer, applicant):
    form, version = published_form(designer, department=city.bureau)
    draft = actions.save_draft_version(designer, form, sample_document())
    with pytest.raises(Conflict):
        actions.submit(applicant, draft, {})
    actions.retire_version(designer, version)
    version.refresh_from_db()
    with pytest.raises(Conflict):
        actions.submit(applicant, version, {})


def test_bad_documents_refused(city, designer):
    form = actions.create_form(designer, key="doc-form", name="表单", department=city.bureau)
    for bad in (None, [], {"components": "x"}, {"components": [{"type": "textfield", "key": "a" * 10}] * 20000}):
        with pytest.raises(ValidationFailed):
            actions.save_draft_version(designer, form, bad)
    with pytest.raises(ValidationFailed):
        actions.save_draft_version(designer, form, sample_document(), ["not", "a", "dict"])
    assert FormVersion.objects.filter(form=form).count() == 1
