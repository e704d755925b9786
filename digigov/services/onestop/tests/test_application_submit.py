"""The application flow through its actions: draft → materials → submit (one transaction, idempotent),
bundles fanning out to one case per member, status following the cases, and the refusals (nothing written)."""

import pytest

from digigov.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from digigov.services.onestop import requirements as req
from digigov.services.onestop.actions import applications as actions
from digigov.services.onestop.application_testing import answers, citizen, run_to_end
from digigov.services.onestop.models import Application, ApplicationCase, ApplicationMaterial, ApplicationStatus, MaterialForm
from digigov.services.onestop.testing import item_with_process, make_bundle
from digigov.support.window.testing import pdf_bytes
from digigov.support.workflow.models import Case, CaseMaterial, CaseStatus

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def applicant(city):
    return citizen(city)


@pytest.fixture
def item(city):
    return item_with_process(city, user=city.system, name="测试许可", materials=(("申请书", MaterialForm.ORIGINAL),))


def _ready(applicant, item, **kw):
    app = actions.start_application(applicant, item=item, **kw)
    actions.save_draft(applicant, app, data=answers(applicant))
    key = req.for_item(item).materials[0].key
    actions.add_material(applicant, app, key=key, data=pdf_bytes(1), filename="申请书.pdf")
    return app


def test_draft_is_prefilled_with_sources(applicant, item):
    app = actions.start_application(applicant, item=item)
    assert app.status == ApplicationStatus.DRAFT and app.number is None
    assert app.data["applicant_name"] == "李四"
    assert app.prefilled["applicant_name"] == "实名认证资料"
    assert Case.objects.count() == 0


def test_submit_starts_one_case_and_attaches_materials(applicant, item, city):
    app = _ready(applicant, item)
    out = actions.submit(applicant, app, "k-1")
    assert out.status == ApplicationStatus.IN_PROGRESS and out.number.startswith("YW")
    link = ApplicationCase.objects.get(application=out)
    assert link.case.department == item.department and link.case.applicant == applicant
    assert CaseMaterial.objects.filter(case=link.case, name="申请书", source="upload").count() == 1


def test_double_submit_makes_one_application_and_one_case(applicant, item):
    app = _ready(applicant, item)
    first = actions.submit(applicant, app, "same-key")
    again = actions.submit(applicant, Application.objects.get(pk=app.pk), "same-key")
    assert again.pk == first.pk and again.number == first.number
    with pytest.raises(Conflict):
        actions.submit(applicant, Application.objects.get(pk=app.pk), "other-key")
    assert Case.objects.count() == 1 and ApplicationCase.objects.count() == 1


def _nothing_written(app):
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT and app.number is None
    assert Case.objects.count() == 0 and ApplicationCase.objects.count() == 0


@pytest.mark.parametrize("case", ["missing_material", "bad_form", "not_offered"])
def test_bad_submissions_write_nothing(applicant, item, city, case):
    app = actions.start_application(applicant, item=item)
    actions.save_draft(applicant, app, data=answers(applicant))
    if case == "missing_material":
        with pytest.raises(ValidationFailed) as e:
            actions.submit(applicant, app, "k")
        assert e.value.code == "materials_missing" and "申请书" in e.value.message
    elif case == "bad_form":
        actions.add_material(applicant, app, key=req.for_item(item).materials[0].key, data=pdf_bytes(1))
        Application.objects.filter(pk=app.pk).update(data={"applicant_name": "李四", "applicant_id_number": "123"})
        with pytest.raises(ValidationFailed) as e:
            actions.submit(applicant, app, "k")
        assert e.value.code == "form_invalid"
    else:
        item.divisions.set([city.county_b])
        Application.objects.filter(pk=app.pk).update(division=city.county_a)
        actions.add_material(applicant, app, key=req.for_item(item).materials[0].key, data=pdf_bytes(1))
        with pytest.raises(ValidationFailed) as e:
            actions.submit(applicant, app, "k")
        assert e.value.code == "item_not_offered"
    _nothing_written(app)


@pytest.mark.parametrize("data,code", [(b"<html>hi</html>", "material_type"), (b"", "material_empty"),
                                       (b"%PDF-1.4 not really", "material_bad_pdf")])
def test_bad_uploads_are_refused(applicant, item, data, code):
    app = actions.start_application(applicant, item=item)
    with pytest.raises(ValidationFailed) as e:
        actions.add_material(applicant, app, key=req.for_item(item).materials[0].key, data=data)
    assert e.value.code == code
    assert ApplicationMaterial.objects.count() == 0


def test_over_size_upload_is_refused(applicant, item, settings, monkeypatch):
    from digigov.support.workflow import materials

    monkeypatch.setattr(materials, "MAX_BYTES", 100)
    app = actions.start_application(applicant, item=item)
    with pytest.raises(ValidationFailed) as e:
        actions.add_material(applicant, app, key=req.for_item(item).materials[0].key, data=PNG + b"\x00" * 200)
    assert e.value.code == "material_too_large"


def test_someone_elses_application_is_not_found(applicant, item, city, user_factory):
    app = _ready(applicant, item)
    other = citizen(city, name="王五")
    for call in (lambda: actions.submit(other, app, "k"), lambda: actions.save_draft(other, app, data={}),
                 lambda: actions.withdraw(other, app)):
        with pytest.raises(NotFound):
            call()
    _nothing_written(app)


def test_expired_agent_authorisation_is_refused(applicant, city):
    import datetime as dt

    from django.utils import timezone

    from digigov.core.accounts.models import AgentAuthorization, LegalPerson
    from digigov.core.testing import uscc
    from digigov.services.onestop.models import Audience

    ent_item = item_with_process(city, user=city.system, name="企业事项", audience=Audience.ENTERPRISE)
    lp = LegalPerson.objects.create(uscc=uscc(), name="示范科技有限公司", division=city.county_a)
    today = timezone.localdate()
    AgentAuthorization.objects.create(agent=applicant, legal_person=lp, valid_from=today - dt.timedelta(days=30),
                                      valid_until=today - dt.timedelta(days=1))
    with pytest.raises(Forbidden):
        actions.start_application(applicant, item=ent_item, acting_for=lp)
    with pytest.raises(ValidationFailed):
        actions.start_application(applicant, item=ent_item)
    assert Application.objects.count() == 0


def test_status_follows_the_cases_and_finishes_once(applicant, item):
    from digigov.services.onestop import signals

    seen = []
    signals.application_finished.connect(lambda sender, application, actor, **kw: seen.append(application.pk), weak=False,
                                         dispatch_uid="t-finish")
    try:
        app = actions.submit(applicant, _ready(applicant, item), "k")
        run_to_end(app.cases.get().case)
        app.refresh_from_db()
        assert app.status == ApplicationStatus.DONE and app.finished_at is not None
        assert seen == [app.pk]
    finally:
        signals.application_finished.disconnect(dispatch_uid="t-finish")
    from digigov.core.notify.models import InboxMessage

    assert InboxMessage.objects.filter(recipient=applicant, title__contains="已办结").exists()


def test_rejected_case_rejects_the_application(applicant, item):
    app = actions.submit(applicant, _ready(applicant, item), "k")
    run_to_end(app.cases.get().case, reject=True)
    app.refresh_from_db()
    assert app.cases.get().case.status == CaseStatus.REJECTED
    assert app.status == ApplicationStatus.REJECTED


def test_withdraw_withdraws_the_cases(applicant, item):
    app = actions.submit(applicant, _ready(applicant, item), "k")
    out = actions.withdraw(applicant, app, reason="不需要了")
    assert out.status == ApplicationStatus.WITHDRAWN
    assert app.cases.get().case.status == CaseStatus.WITHDRAWN


def test_bundle_fans_out_one_case_per_member_and_asks_once(applicant, city):
    a = item_with_process(city, user=city.system, name="成员甲", materials=(("居民身份证", MaterialForm.ORIGINAL), ("申请书", MaterialForm.ORIGINAL)))
    b = item_with_process(city, user=city.system, name="成员乙", materials=(("居民身份证", MaterialForm.ORIGINAL),))
    b.department = city.other_bureau
    b.save()
    bundle = make_bundle(city.bureau, [a, b])
    r = req.for_bundle(bundle)
    assert [m.name for m in r.materials] == ["居民身份证", "申请书"]
    assert sorted(r.materials[0].item_ids) == sorted([a.pk, b.pk])
    assert [f.path for f in r.fields].count("applicant_name") == 1
    app = actions.start_application(applicant, bundle=bundle)
    actions.save_draft(applicant, app, data=answers(applicant))
    for m in r.materials:
        actions.add_material(applicant, app, key=m.key, data=pdf_bytes(1))
    app = actions.submit(applicant, app, "b")
    links = list(app.cases.select_related("case"))
    assert {link.case.department_id for link in links} == {city.bureau.pk, city.other_bureau.pk}
    assert CaseMaterial.objects.filter(name="居民身份证").count() == 2  # one upload, given to both members
    run_to_end(links[0].case)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.IN_PROGRESS  # done only when every member ended
    run_to_end(links[1].case)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DONE


def test_licence_replaces_a_material(applicant, city):
    from digigov.data.registries.models import LicenceIndex
    from digigov.support.license.testing import quick_type

    lt = quick_type(city.bureau, name="结婚证")
    item = item_with_process(city, user=city.system, name="用证事项", materials=({"name": "结婚证", "licence_type": lt},))
    LicenceIndex.objects.create(holder_kind="person", holder_code=applicant.person.id_number, holder_name="李四", licence_type=lt.code,
                                licence_name="结婚证", licence_no="J2026-0001", issuer=city.bureau, issued_on="2020-01-01")
    app = actions.start_application(applicant, item=item)
    actions.save_draft(applicant, app, data=answers(applicant))
    rows = actions.resolve_materials(app, req.for_item(item))
    assert rows[0]["how"] == "licence" and "结婚证" in rows[0]["source"]
    app = actions.submit(applicant, app, "l")
    assert CaseMaterial.objects.get(case=app.cases.get().case).source == "licence"
    assert app.materials.get().source == "licence"
