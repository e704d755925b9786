"""Fan-out of a 一件事 application (一次申请、并联办理、统一出件).

The application goes through the portal's own actions (``actions.applications``: start, fill, upload,
submit — one case per member item) and its status is the one the case signals keep (``refresh_status``).

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
    """The portal's path: a draft for the bundle (``items``: the ticked members), the combined form filled,
    a scan for every material neither an e-licence nor shared data replaces, submitted once, the fee paid.

    ``data`` is ``DATA``, the answers of all eight bundles; the applicant answers only what this
    application's form asks (the form refuses fields it does not have)."""
    from digigov.services.onestop import fees
    from digigov.services.onestop.actions import applications as apps
    from digigov.support.payment.testing import pay_through_sandbox
    from digigov.support.seal.tests.samples import make_pdf

    app = apps.start_application(actor, bundle=bundle, members=None if items is None else [i.code for i in items])
    asked = {f.path for f in apps.requirements_of(app).fields}
    app = apps.save_draft(actor, app, data={**(app.data or {}), **{k: v for k, v in data.items() if k in asked}})
    for row in apps.resolve_materials(app, apps.requirements_of(app)):
        if row["how"] == "missing":
            apps.add_material(actor, app, key=row["need"].key, data=make_pdf(pages=1), filename="扫描件.pdf")
    app = apps.submit(actor, app, idempotency_key=f"fanout-{app.public_id}")
    for order in fees.unpaid_orders(app):  # a member with a fee (不动产转移登记): the applicant pays it at the cashier
        pay_through_sandbox(order)
    return app


def status_of(app: Application) -> str:
    """What the applicant sees: the status the application keeps from its cases' signals."""
    app.refresh_from_db()
    return app.status


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
