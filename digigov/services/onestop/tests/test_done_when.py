"""Issue 12 "Done when", proven end to end at the service level with the REAL modelled 一件事 (``bundles_data``
installed by ``install_modelled_bundle``) and their BPMN processes, driven only through the actions: the
portal's application actions, the workflow task actions (a user holding the task's role in its department,
``testing_bundles.run_case``), the payment sandbox, the ratings actions.

1. 新生儿出生一件事 by a parent known to the base registries: pre-filled form, nothing uploaded that shared
   data or an e-licence replaces, one application and one case per member on a double submit, nothing to pay,
   every result sealed and in the parent's wallet, a rating (and someone else's refused).
2. 企业开办一件事 by an enterprise's authorised agent: ``acting_for`` the enterprise, the 营业执照 in the
   enterprise's wallet; an expired authorisation is refused and writes nothing.
3. 全市通办 at a window of another division: routed to the competent department's queue; a non-citywide item
   is refused there.
4. The statistics and K09 equal what plain ORM counts over the rows give.

The journeys are helpers (``newborn_journey``, ``start_up_journey``, ``walk_in_journey``) run by the one test at
the end, which goes on to the statistics.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Forbidden, ValidationFailed
from digigov.core.testing import make_user, resident_id
from digigov.data.registries.testing import make_licence, make_person, value
from digigov.services.onestop import fees
from digigov.services.onestop.actions import applications as apps
from digigov.services.onestop.actions import ratings as rating_actions
from digigov.services.onestop.actions.bundles import install_modelled_bundle
from digigov.services.onestop.bundles_data import MODELLED
from digigov.services.onestop.models import Application, ApplicationCase, ApplicationStatus, Bundle, Rating, Rectification, ServiceItem
from digigov.services.onestop.selectors import applications as app_selectors
from digigov.services.onestop.testing_bundles import bundle_world, citizen, enterprise_agent, run_case
from digigov.support.license import wallet
from digigov.support.seal import verify
from digigov.support.seal.tests.samples import make_pdf
from digigov.support.workflow.models import Case, CaseStatus

from .test_bundles_processes import DATA

pytestmark = pytest.mark.django_db

NEWBORN, START_UP = "210600YJS0001", "210600YJS0002"
BABY_ID = resident_id("210602", "20261101")


# --- helpers ---------------------------------------------------------------------------------------------

def install(world, *codes) -> dict:
    return {spec["code"]: install_modelled_bundle(world["admin"], spec) for spec in MODELLED if spec["code"] in codes}


def answer(actor, app, data: dict) -> Application:
    """The applicant fills what the (pre-filled) form still asks: only the keys the form has, pre-filled values kept."""
    asked = {f.path for f in apps.requirements_of(app).fields}
    mine = {k: v for k, v in data.items() if k in asked and k not in (app.data or {})}
    return apps.save_draft(actor, app, data={**(app.data or {}), **mine})


def upload_missing(actor, app) -> list[str]:
    """Scan and upload every material nothing replaces; answers their names."""
    names = []
    for row in apps.resolve_materials(app, apps.requirements_of(app)):
        if row["how"] == "missing":
            apps.add_material(actor, app, key=row["need"].key, data=make_pdf(pages=1), filename="扫描件.pdf")
            names.append(row["need"].name)
    return names


def run_all(app, django_capture_on_commit_callbacks) -> None:
    """Every member case through its tasks (claim, 受理, approve) by users holding the task's role; the
    sealed decisions are written once each step commits."""
    with django_capture_on_commit_callbacks(execute=True):
        for link in app.cases.select_related("case").order_by("id"):
            run_case(link.case)


def sealed(data: bytes) -> bool:
    result = verify.verify_document(bytes(data))
    return result.valid and bool(result.reports)


def verified_by_the_public_api(data: bytes, name: str) -> dict:
    """What anyone gets from the public 验章 API (``POST /api/v1/verify/``) for a file they were handed."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    r = Client().post("/api/v1/verify/", {"file": SimpleUploadedFile(name, bytes(data))})
    assert r.status_code == 200, r.content
    return r.json()


@pytest.fixture
def world(city):
    return bundle_world(city)


# --- 1. 新生儿出生一件事 ---------------------------------------------------------------------------------------

def newborn_registries(city, parent) -> None:
    """What the city's base registries hold: the parent's golden record (户籍, 婚姻), the parent's ID card in
    the e-licence index, and the newborn's record (出生医学证明编号, 监护人 = the parent) and 出生医学证明 in the
    index, from the hospital."""
    pid = parent.person.id_number
    rec = make_person(city, name=parent.person.name, id_number=pid, address="示范市元宝区兴业街1号")
    rec.attributes = {"marital": "已婚"}
    rec.save(update_fields=["attributes"])
    make_licence(pid, parent.person.name, city.bureau, holder_kind="person", licence_name="居民身份证", licence_type="100000PSB001")
    baby = make_person(city, name="王小宝", id_number=BABY_ID, birth_date=dt.date(2026, 11, 1),
                       values=[value("guardian_id_number", pid, dept=city.bureau, current=True),
                               value("birth_certificate", "R26110100001", dept=city.bureau, current=True)])
    baby.attributes = {"birth_certificate": "R26110100001", "guardian_id_number": pid}
    baby.save(update_fields=["attributes"])
    make_licence(BABY_ID, "王小宝", city.bureau, holder_kind="person", licence_name="出生医学证明", licence_type="100000HEA001")


def newborn_journey(world, city, capture) -> Application:
    bundle = install(world, NEWBORN)[NEWBORN]
    parent = citizen(city)
    newborn_registries(city, parent)

    app = apps.start_application(parent, bundle=bundle)
    # pre-filled from the registries, each value naming its source
    assert app.data.get("applicant_id_number") == parent.person.id_number and app.data.get("applicant_name") == parent.person.name
    assert app.prefilled.get("applicant_id_number") and app.prefilled.get("applicant_name")
    app = answer(parent, app, {**DATA, "applicant_name": parent.person.name, "applicant_id_number": parent.person.id_number,
                               "baby_id_number": BABY_ID})

    # only what nothing replaces is asked for; each replaced material names its source
    resolved = apps.resolve_materials(app, apps.requirements_of(app))
    asked = sorted(r["need"].name for r in resolved if r["how"] == "missing" and r["need"].required)
    replaceable = [r for r in resolved if r["need"].licence_code or r["need"].shared_source]
    nothing_replaces = sorted(r["need"].name for r in resolved if r["need"].required and not (r["need"].licence_code or r["need"].shared_source))
    assert asked == nothing_replaces == ["新生儿近期免冠照片"], [(r["need"].name, r["how"]) for r in resolved]
    for r in replaceable:
        if r["need"].required:
            assert r["how"] in ("licence", "shared") and r["source"], r["need"].name
    assert upload_missing(parent, app) == ["新生儿近期免冠照片"]

    # a double submit: one application, one case per member item, in several departments
    first = apps.submit(parent, app, idempotency_key="newborn-1")
    again = apps.submit(parent, app, idempotency_key="newborn-1")
    assert first.pk == again.pk and Application.objects.filter(applicant=parent).count() == 1
    links = list(first.cases.select_related("case__department", "item"))
    members = apps.items_of(first)
    assert len(links) == len(members) == bundle.memberships.count() and len({link.item_id for link in links}) == len(links)
    assert len({link.case.department_id for link in links}) >= 3
    assert Case.objects.filter(applicant=parent).count() == len(links)

    # nothing to pay: no member has a fee, no order, the application is not waiting for payment
    assert fees.amount_cents(members) == 0 and fees.orders(first) == []
    first.refresh_from_db()
    assert first.status == ApplicationStatus.IN_PROGRESS

    run_all(first, capture)
    first.refresh_from_db()
    assert first.status == ApplicationStatus.DONE
    assert set(first.cases.values_list("case__status", flat=True)) == {CaseStatus.APPROVED}

    # every result sealed: the licences verify and are in the parent's wallet, the decisions verify
    results = app_selectors.results(first)
    licences, decisions = results["licences"], results["decisions"]
    assert {lic.licence_type.code for lic in licences} == {"100000HEA001", "100000PSB002", "100000HSA001", "100000HRSS001"}
    held = set(wallet.holder_licences(parent).values_list("pk", flat=True))
    for lic in licences:
        assert lic.pk in held, lic.licence_type.name
        assert lic.seal_id and sealed(lic.ofd), lic.licence_type.name
    checked = verified_by_the_public_api(licences[0].ofd, "出生医学证明.ofd")
    assert checked["valid"] and checked["kind"] == "ofd" and all(c["ok"] for sig in checked["signatures"] for c in sig["checks"])
    no_licence = [link for link in links if not any(lic.case_id == link.case_id for lic in licences)]
    assert len(decisions) == len(no_licence) >= 1
    for d in decisions:
        assert sealed(d.path.read_bytes()), d.title

    # the parent rates (5 levels, reasons); someone else's rating of it is refused and writes nothing
    rating = rating_actions.rate(parent, application=first, level=5, reasons=["G02", "G05"])
    assert rating.level == 5 and rating.reasons == ["G02", "G05"] and rating.application_id == first.pk
    stranger = citizen(city, name="路人甲", birth="19920202")
    before = (Rating.objects.count(), Rectification.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Forbidden):
        rating_actions.rate(stranger, application=first, level=1, reasons=["P05"])
    assert (Rating.objects.count(), Rectification.objects.count(), AuditEntry.objects.count()) == before
    return first


# --- 2. 企业开办一件事 by an authorised agent ------------------------------------------------------------------

def start_up_journey(world, city, capture) -> Application:
    from digigov.core.accounts.models import AgentAuthorization
    from digigov.support.license.models import HolderKind

    bundle = install(world, START_UP)[START_UP]
    agent, enterprise = enterprise_agent(city, name="示范市新起点科技有限公司")
    data = {**DATA, "applicant_name": agent.person.name, "applicant_id_number": agent.person.id_number}

    app = apps.start_application(agent, bundle=bundle, acting_for=enterprise)
    assert app.acting_for_id == enterprise.pk and app.applicant_id == agent.pk
    app = answer(agent, app, data)
    upload_missing(agent, app)
    app = apps.submit(agent, app, idempotency_key="start-up-1")
    links = list(app.cases.select_related("case"))
    assert len(links) == bundle.memberships.count() and all(link.case.applicant_legal_person_id == enterprise.pk for link in links)
    assert fees.orders(app) == []
    run_all(app, capture)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DONE

    # the 营业执照 is the enterprise's: in its wallet (the agent's view of it), sealed
    results = app_selectors.results(app)
    (licence,) = [lic for lic in results["licences"] if lic.licence_type.code == "100000SAMR001"]
    assert licence.holder_kind == HolderKind.ENTERPRISE and licence.holder_code == enterprise.uscc
    assert licence.pk in set(wallet.holder_licences(agent).values_list("pk", flat=True)) and sealed(licence.ofd)
    assert all(sealed(d.path.read_bytes()) for d in results["decisions"]) and results["decisions"]

    # an expired authorisation is refused, at the start and at the submit of a draft made while it was current
    other_agent, other = enterprise_agent(city, name="示范市旧授权贸易有限公司")
    draft = apps.start_application(other_agent, bundle=bundle, acting_for=other)
    draft = answer(other_agent, draft, {**data, "applicant_name": other_agent.person.name, "applicant_id_number": other_agent.person.id_number})
    upload_missing(other_agent, draft)
    AgentAuthorization.objects.filter(agent=other_agent).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    counts = (Application.objects.count(), Case.objects.count(), ApplicationCase.objects.count())
    with pytest.raises(Forbidden):
        apps.start_application(other_agent, bundle=bundle, acting_for=other)
    with pytest.raises(Forbidden):
        apps.submit(other_agent, draft, idempotency_key="start-up-2")
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and not draft.number
    assert (Application.objects.count(), Case.objects.count(), ApplicationCase.objects.count()) == counts
    return app


# --- 3. 全市通办 at a window of another division ------------------------------------------------------------

def citywide_world(city) -> dict:
    """A 区 bureau of division A running a real two-step process (窗口受理, then its own reviews), a 全市通办
    item and an item offered only in A; division B's hall, clerk and a B department's approver."""
    from digigov.core.org import actions as org_actions
    from digigov.core.org.models import DepartmentKind
    from digigov.services.onestop import requirements as req
    from digigov.services.onestop.testing import make_item
    from digigov.support.window.models import ServiceHall
    from digigov.support.window.testing import make_person
    from digigov.support.workflow.testing import make_version, parallel_bpmn

    dept_a = city.county_bureau
    dept_b = org_actions.create_department(city.system, code="B-EDU", name="振兴区教育局", short_name="振兴区教育局",
                                           kind=DepartmentKind.COMMITTEE, division=city.county_b)
    version = make_version(parallel_bpmn("county_enrolment", "义务教育转学", dept_a=dept_a, dept_b=dept_a), user=city.system,
                           department=dept_a, key="county_enrolment", name="义务教育转学")
    citywide = make_item(dept_a, name="义务教育阶段转学", process=version.process, citywide=True, divisions=[city.county_a])
    local = make_item(dept_a, name="校外培训机构备案", process=version.process, divisions=[city.county_a])
    hall_b = ServiceHall.objects.create(name="振兴区政务服务中心", division=city.county_b, counters=4)
    person = make_person(city.county_b, name="周晓", id_number=resident_id("210603", "19870707"), phone="13800138001")
    return {"dept_a": dept_a, "dept_b": dept_b, "citywide": citywide, "local": local, "hall_b": hall_b, "person": person,
            "clerk_b": make_user("window_clerk", division=city.county_b), "key": req.for_item(citywide).materials[0].key}


def walk_in(w, item, key: str = ""):
    p = w["person"]
    return apps.receive_at_window(w["clerk_b"], w["hall_b"], item=item, person=p, idempotency_key=key,
                                  data={"applicant_name": p.name, "applicant_id_number": p.id_number, "applicant_phone": "13800138001"},
                                  files=[(w["key"], make_pdf(pages=1))])


def walk_in_journey(city, capture) -> dict:
    from digigov.services.onestop.models import ApplicationMaterial
    from digigov.support.workflow.models import WorkTask
    from digigov.support.workflow.selectors_tasks import worklist

    w = citywide_world(city)
    app = walk_in(w, w["citywide"], "walk-in-1")
    assert walk_in(w, w["citywide"], "walk-in-1").pk == app.pk  # a double click at the counter: one application
    (link,) = app.cases.select_related("case")
    case = link.case
    assert app.channel == "window" and app.division == city.county_b and app.received_by == w["clerk_b"]
    assert case.department == w["dept_a"] and case.channel == "window"

    # 收受分离: the receiving window (B) does the 窗口受理 of what it took in; the reviews go to the competent
    # department's queue in A — its approvers see them, a division B department's approvers do not
    approver_a, approver_b = make_user("approver", department=w["dept_a"]), make_user("approver", department=w["dept_b"])
    assert not [t for t in worklist(approver_a, "open") if t.case_id == case.pk]
    from digigov.core.context import acting_as
    from digigov.support.workflow.actions import tasks as task_actions

    with acting_as(w["clerk_b"]):
        task = task_actions.claim(w["clerk_b"], WorkTask.objects.get(case=case, element_id="accept"))
        task_actions.complete(w["clerk_b"], task, opinion="材料齐全，予以受理")
    reviews = set(WorkTask.objects.filter(case=case, status="open").values_list("department_id", flat=True))
    assert reviews == {w["dept_a"].pk}
    assert {t.case_id for t in worklist(approver_a, "open")} == {case.pk}
    assert not [t for t in worklist(approver_b, "open") if t.case_id == case.pk]
    with capture(execute=True):
        run_case(case)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DONE

    # an item offered only in A is refused at B's window, in Chinese, and nothing is written
    counts = (Application.objects.count(), Case.objects.count(), ApplicationMaterial.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        walk_in(w, w["local"])
    assert refused.value.code == "item_not_offered" and "不是全市通办事项" in refused.value.message and "校外培训机构备案" in refused.value.message
    assert (Application.objects.count(), Case.objects.count(), ApplicationMaterial.objects.count()) == counts
    return w


# --- 4. statistics equal the database ------------------------------------------------------------------------

HOUSE = "210600YJS0004"


def house_application(world, city, buyer, key: str) -> Application:
    """不动产转移登记一件事 (a member with the 不动产登记费) submitted by ``buyer``: waiting for payment."""
    bundle = Bundle.objects.get(code=HOUSE)
    app = apps.start_application(buyer, bundle=bundle)
    app = answer(buyer, app, {**DATA, "applicant_name": buyer.person.name, "applicant_id_number": buyer.person.id_number})
    upload_missing(buyer, app)
    return apps.submit(buyer, app, idempotency_key=key)


def expected_figures(period) -> dict:
    """Every figure recomputed from the rows: the portal's links (ApplicationCase → Application, Case), the
    window visits and corrections of those cases, and the ratings."""
    from collections import Counter, defaultdict

    from digigov.support.window.models import Reception
    from digigov.support.workflow.calendar import working_days_between
    from digigov.support.workflow.models import TaskOutcome, WorkTask

    links = list(ApplicationCase.objects.select_related("application", "case")
                 .filter(case__started_at__gte=period.start_at, case__started_at__lt=period.end_at))
    today = timezone.localdate()
    rated_apps = set(Rating.objects.values_list("application_id", flat=True))
    out = Counter()
    per_dept = defaultdict(Counter)
    days = 0
    for link in links:
        case = link.case
        finished = case.status in (CaseStatus.APPROVED, CaseStatus.REJECTED)
        visits = Reception.objects.filter(case=case).count()
        corrected = WorkTask.objects.filter(case=case, outcome=TaskOutcome.CORRECTION).exists()
        end = timezone.localtime(case.finished_at).date() if case.finished_at else today
        row = {"cases": 1, "online": link.application.channel in ("online", "mobile"), "finished": finished,
               "once": finished and visits <= 1 and not corrected, "with_due": case.promised_due is not None,
               "overdue": case.promised_due is not None and end > case.promised_due, "rated": finished and link.application_id in rated_apps}
        for k, v in row.items():
            out[k] += int(v)
            per_dept[case.department_id][k] += int(v)
        if finished:
            days += max(0, working_days_between(case.started_at, case.finished_at) - (case.paused_days or 0))
    ratings = list(Rating.objects.filter(created_at__gte=period.start_at, created_at__lt=period.end_at).values_list("level", "department_id", "item_id"))
    out["ratings"], out["satisfied"], out["score"] = len(ratings), sum(1 for r in ratings if r[0] >= 3), sum(r[0] for r in ratings)
    by_dept_rating, by_item_rating = defaultdict(list), defaultdict(list)
    for level, dept, item in ratings:
        by_dept_rating[dept].append(level)
        by_item_rating[item].append(level)
    return {"total": out, "days": days, "per_dept": per_dept, "by_dept_rating": by_dept_rating, "by_item_rating": by_item_rating}


def pct(n, d):
    return round(100.0 * n / d, 2) if d else None


def satisfaction(levels):
    return pct(sum(1 for v in levels if v >= 3), len(levels))


def expected_k09() -> tuple[float, float]:
    """K09 recomputed over the enterprise items: the mean of each item's distance-to-frontier scores."""
    from digigov.services.onestop.models import Audience
    from digigov.support.workflow.calendar import working_days_between

    def score(x, best, worst):
        return None if x is None else max(0.0, min(100.0, 100.0 * (worst - x) / (worst - best)))

    total, n = 0.0, 0
    since = timezone.now() - dt.timedelta(days=365)
    for item in ServiceItem.objects.filter(active=True, voided_at__isnull=True, audience__in=(Audience.ENTERPRISE, Audience.BOTH)):
        ended = list(Case.objects.filter(process_version__process_id=item.process_id, status__in=(CaseStatus.APPROVED, CaseStatus.REJECTED),
                                         finished_at__gte=since)) if item.process_id else []
        measured = (sum(max(0, working_days_between(c.started_at, c.finished_at) - (c.paused_days or 0)) for c in ended) / len(ended)
                    if ended else None)
        own = item.materials.filter(required=True, licence_type__isnull=True, shared_source="").count()
        days = item.promised_days if item.promised_days is not None else item.statutory_days
        steps = len(item.process_steps) if isinstance(item.process_steps, list) and item.process_steps else None
        scores = [s for s in (score(days, 0, 20), score(steps, 1, 8), score(own, 0, 10), score(item.visits_required, 0, 3),
                              score(item.online_depth, 4, 1), score(measured, 0, 20)) if s is not None]
        total += sum(scores) / len(scores) if scores else 0.0
        n += 1
    return round(total, 2), 100.0 * n


def test_done_when_the_three_journeys_then_statistics_equal_the_database(world, city, django_capture_on_commit_callbacks):
    """One test for the whole "Done when": the three journeys (each helper asserts its own steps), then more
    cases, then every figure against plain counts. One test rather than four: installing the real bundles,
    processes and seals costs ~40 s, and the statistics need the journeys' rows anyway."""
    from digigov.services.onestop import kpis
    from digigov.services.onestop.selectors import stats as st
    from digigov.support.payment.channels import sandbox
    from digigov.support.payment.models import EBill, PaymentOrder
    from digigov.support.payment.testing import cashier_trade_no, pay_through_sandbox, trade_of

    newborn = newborn_journey(world, city, django_capture_on_commit_callbacks)
    start_up = start_up_journey(world, city, django_capture_on_commit_callbacks)
    w = walk_in_journey(city, django_capture_on_commit_callbacks)
    install(world, HOUSE)

    # a fee paid once although the channel notifies twice; one member refused; a poor rating
    buyer = citizen(city, name="张买方", birth="19800303")
    house = house_application(world, city, buyer, "house-1")
    assert house.status == ApplicationStatus.AWAITING_PAYMENT
    (order,) = fees.orders(house)
    # the fee is the 不动产登记中心's: the order's payee and the e-bill's issuer (not the first member's 住建局)
    assert order.department == ServiceItem.objects.get(name="不动产转移登记").department
    with django_capture_on_commit_callbacks(execute=True):
        order = pay_through_sandbox(order)
        assert sandbox.deliver(cashier_trade_no(trade_of(order).redirect_url))  # the same signed notification again
    assert order.status == "paid"
    assert PaymentOrder.objects.filter(reference_id=house.public_id).count() == 1
    assert EBill.objects.filter(order=order).count() == 1
    house.refresh_from_db()
    assert house.status == ApplicationStatus.IN_PROGRESS
    with django_capture_on_commit_callbacks(execute=True):
        for link in house.cases.select_related("case", "item").order_by("id"):
            run_case(link.case, reject={"check"} if link.item.name == "不动产转移登记" else frozenset())
    house.refresh_from_db()
    assert house.status == ApplicationStatus.DONE
    rating_actions.rate(buyer, application=house, level=2, reasons=["P04"])
    rating_actions.rate(start_up.applicant, application=start_up, level=4, reasons=["G07"])

    # one withdrawn before paying, one walk-in still open
    quitter = citizen(city, name="钱反悔", birth="19810404")
    apps.withdraw(quitter, house_application(world, city, quitter, "house-2"), reason="不再购买")
    walk_in(w, w["citywide"], "walk-in-2")

    statuses = set(Case.objects.values_list("status", flat=True))
    assert {CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN, CaseStatus.RUNNING} <= statuses
    assert Case.objects.count() == ApplicationCase.objects.count()  # every case came through the portal

    viewer = make_user("city_admin")
    period = st.period_from(None, None)
    want = expected_figures(period)
    e = want["total"]
    got = st.compute(viewer, period, "department")
    t = got.total
    assert (t.cases, t.online, t.finished, t.once, t.with_due, t.overdue, t.rated, t.ratings, t.satisfied) == (
        e["cases"], e["online"], e["finished"], e["once"], e["with_due"], e["overdue"], e["rated"], e["ratings"], e["satisfied"])
    assert t.online_rate == pct(e["online"], e["cases"]) and t.once_rate == pct(e["once"], e["finished"])
    assert t.avg_days == (round(want["days"] / e["finished"], 2) if e["finished"] else None)
    assert t.overdue_rate == pct(e["overdue"], e["with_due"]) and t.participation == pct(e["rated"], e["finished"])
    assert t.satisfaction == satisfaction([lv for lvs in want["by_dept_rating"].values() for lv in lvs])
    assert t.mean_score == round(e["score"] / e["ratings"], 2)
    assert 0 < t.online < t.cases and 0 < t.finished < t.cases and t.ratings == 3 and t.satisfied == 2

    from digigov.core.org.models import Department

    dept_of = {d.public_id: d.pk for d in Department.objects.all()}
    for g in got.groups:
        pk = dept_of[g.key]
        c = want["per_dept"].get(pk, {})
        assert (g.cases, g.online, g.finished, g.once, g.rated) == (c.get("cases", 0), c.get("online", 0), c.get("finished", 0),
                                                                    c.get("once", 0), c.get("rated", 0)), g.label
        assert (g.ratings, g.satisfaction) == (len(want["by_dept_rating"].get(pk, [])), satisfaction(want["by_dept_rating"].get(pk, []))), g.label
    assert {dept_of[g.key] for g in got.groups} == set(want["per_dept"]) | set(want["by_dept_rating"])

    by_item = st.compute(viewer, period, "item")
    item_of = dict(ServiceItem.objects.values_list("code", "pk"))
    rated_items = {item_of[g.key]: g for g in by_item.groups if g.ratings}
    assert set(rated_items) == set(want["by_item_rating"])
    for pk, levels in want["by_item_rating"].items():
        assert (rated_items[pk].ratings, rated_items[pk].satisfaction) == (len(levels), satisfaction(levels))

    # 企业开办's members are enterprise services (个人和法人: the founder applies): K09 counts them
    assert set(ServiceItem.objects.filter(memberships__bundle__code=START_UP).values_list("audience", flat=True)) == {"both"}
    k09 = kpis.compute_k09()
    assert (k09.numerator, k09.denominator) == expected_k09() and k09.denominator > 0
