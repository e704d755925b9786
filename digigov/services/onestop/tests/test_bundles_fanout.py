"""Fan-out of a 一件事 application (一次申请、并联办理、统一出件).

FOR THE LEAD: the application slice's ``submit`` (one case per member item) was not on main when this was
written, so ``submit_bundle`` / ``status_of`` below are LOCAL stand-ins that follow its contract (an
``Application`` with one ``ApplicationCase`` per chosen member, each a workflow case started in the
member's department; the status rule of ``refresh_status``). At merge, replace them with
``actions.applications.start_application`` + ``submit`` and ``refresh_status``; the assertions stay.

The semantics tested (and documented in ``docs``-style here): the member cases start together in their own
departments and run in parallel; the applicant sees one application; it is done only when every member
case has ended, and then the licences of all members are in the wallet; a rejected member does not stop
the others — the application ends ``done`` with that member shown as 不予办理, and ``rejected`` only when
every member was rejected.
"""

import pytest
from django.utils import timezone

from digigov.core.context import acting_as
from digigov.services.onestop.actions.bundles import create_bundle, install_modelled_bundle
from digigov.services.onestop.bundles_data import MODELLED
from digigov.services.onestop.models import Application, ApplicationCase, ApplicationStatus, Bundle, ServiceItem
from digigov.services.onestop.testing_bundles import bundle_world, citizen, run_case
from digigov.support.license import wallet
from digigov.support.workflow.actions.cases import start_case
from digigov.support.workflow.models import CaseStatus, ProcessVersion, TaskStatus, VersionStatus

from .test_bundles_processes import DATA

pytestmark = pytest.mark.django_db

OPEN = (CaseStatus.RUNNING, CaseStatus.CORRECTION, CaseStatus.SUSPENDED, CaseStatus.INCIDENT)


def submit_bundle(actor, bundle, data, *, items=None) -> Application:
    """LOCAL stand-in for the application slice's submit: one case per chosen member item."""
    members = [m.item for m in bundle.memberships.select_related("item", "item__department").order_by("order")]
    chosen = [i for i in members if items is None or i in items]
    app = Application.objects.create(bundle=bundle, title=bundle.name, status=ApplicationStatus.IN_PROGRESS, applicant=actor,
                                     applicant_person=actor.person, applicant_name=actor.person.name, data=data,
                                     number=f"YW{Application.objects.count() + 1:08d}", submitted_at=timezone.now())
    for item in chosen:
        version = ProcessVersion.objects.get(process=item.process, status=VersionStatus.ACTIVE)
        with acting_as(actor):
            case = start_case(actor, version, title=item.name, department=item.department, data=dict(data),
                              statutory_days=item.statutory_days, promised_days=item.promised_days)
        ApplicationCase.objects.create(application=app, item=item, case=case)
    return app


def status_of(app: Application) -> str:
    """LOCAL stand-in for the application slice's refresh_status rule."""
    statuses = list(app.cases.values_list("case__status", flat=True))
    if any(s in OPEN for s in statuses):
        return ApplicationStatus.IN_PROGRESS
    if any(s == CaseStatus.APPROVED for s in statuses):
        return ApplicationStatus.DONE
    return ApplicationStatus.REJECTED


@pytest.fixture
def world(city):
    w = bundle_world(city)
    for spec in MODELLED:
        if spec["name"] in ("退休一件事", "不动产转移登记一件事", "失业一件事"):
            install_modelled_bundle(w["admin"], spec)
    return w


@pytest.fixture
def applicant(city):
    return citizen(city)


def _data(user):
    return {**DATA, "applicant_id_number": user.person.id_number, "applicant_name": user.person.name}


def test_cases_start_together_in_several_departments(world, applicant):
    bundle = Bundle.objects.get(name="退休一件事")
    app = submit_bundle(applicant, bundle, _data(applicant))
    links = list(app.cases.select_related("case__department", "item"))
    assert len(links) == bundle.memberships.count() == 4
    assert {link.case.department.code for link in links} == {"CITY-HRSS", "CITY-HSA", "CITY-HPF"}
    # parallel: every member case waits for its own department's acceptance at the same time
    for link in links:
        assert link.case.status == CaseStatus.RUNNING
        assert link.case.tasks.filter(status=TaskStatus.OPEN, element_id="accept").count() == 1
    # the applicant sees one application, not four
    assert Application.objects.filter(applicant=applicant).count() == 1 and status_of(app) == ApplicationStatus.IN_PROGRESS


def test_done_only_when_every_member_ended_and_all_licences_arrive(world, applicant, city):
    """A bundle over three members whose results are licences of the applicant (医保凭证, 不动产权证书,
    个体工商户营业执照), each run by a different department."""
    items = [ServiceItem.objects.get(name="退休人员基本医疗保险待遇核定"), ServiceItem.objects.get(name="不动产转移登记"),
             ServiceItem.objects.get(name="个体工商户设立登记（自主创业）")]
    bundle = create_bundle(world["admin"], code="210600YJS9001", name="测试三证联办一件事", audience="person",
                           lead_department=items[0].department, items=items)
    assert bundle.modelled
    app = submit_bundle(applicant, bundle, _data(applicant))
    links = list(app.cases.select_related("case", "item").order_by("id"))
    for n, link in enumerate(links):
        assert status_of(app) == ApplicationStatus.IN_PROGRESS
        assert not wallet.holder_licences(applicant).filter(case=link.case).exists()
        run_case(link.case)
        link.case.refresh_from_db()
        assert link.case.status == CaseStatus.APPROVED
    assert status_of(app) == ApplicationStatus.DONE
    held = set(wallet.holder_licences(applicant).values_list("licence_type__code", flat=True))
    assert held == {"100000HSA001", "100000NR001", "100000SAMR005"}


def test_one_member_rejected_the_others_still_deliver(world, applicant):
    bundle = Bundle.objects.get(name="退休一件事")
    app = submit_bundle(applicant, bundle, _data(applicant))
    links = list(app.cases.select_related("case", "item").order_by("id"))
    rejected = next(link for link in links if link.item.name == "住房公积金退休提取")
    for link in links:
        run_case(link.case, reject={"review"} if link is rejected else frozenset())
    statuses = {link.item.name: link.case.__class__.objects.get(pk=link.case_id).status for link in links}
    assert statuses["住房公积金退休提取"] == CaseStatus.REJECTED
    assert [s for n, s in statuses.items() if n != "住房公积金退休提取"] == [CaseStatus.APPROVED] * 3
    assert status_of(app) == ApplicationStatus.DONE
    # the 医保 member still issued its licence to the applicant
    assert wallet.holder_licences(applicant).filter(licence_type__code="100000HSA001").exists()


def test_every_member_rejected_rejects_the_application(world, applicant):
    bundle = Bundle.objects.get(name="失业一件事")
    required = [m.item for m in bundle.memberships.filter(optional=False)]
    app = submit_bundle(applicant, bundle, _data(applicant), items=required)
    assert app.cases.count() == len(required) == 3
    for link in app.cases.select_related("case"):
        run_case(link.case, reject={"review"})
    assert status_of(app) == ApplicationStatus.REJECTED
