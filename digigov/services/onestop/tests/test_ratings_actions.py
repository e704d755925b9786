"""好差评 actions: who may rate what, once; bad input refused with nothing written; the poor → rectification →
reply → visit flow with its deadline on the workflow calendar and the rater's notices."""

from __future__ import annotations

import datetime as dt

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.notify.models import InboxMessage
from digigov.services.onestop.actions import ratings as actions
from digigov.services.onestop.models import ApplicationStatus, Rating, Rectification, RectificationStatus
from digigov.services.onestop.testing import item_with_process
from digigov.support.workflow import calendar

from .ratings_fixtures import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(city, role_user):
    return item_with_process(city, user=role_user("city_admin"))


@pytest.fixture
def citizen(role_user):
    return role_user("citizen")


def _counts():
    return Rating.objects.count(), Rectification.objects.count(), AuditEntry.objects.filter(action__startswith="onestop.r").count()


def test_the_applicant_rates_and_what_is_rated_is_derived(item, citizen, city):
    app = make_application(item, citizen)
    rating = actions.rate(citizen, application=app, level=5, reasons=["G01", "G04"], comment="很快")
    assert rating.department == city.bureau and rating.item == item and rating.case == app.cases.get().case
    assert rating.rater == citizen and rating.reasons == ["G01", "G04"] and rating.channel == "pc"
    assert not Rectification.objects.exists()
    entry = AuditEntry.objects.get(action="onestop.rating.create")
    assert entry.actor_id == citizen.pk
    assert InboxMessage.objects.filter(recipient=citizen, title="感谢您的评价").exists()


@pytest.mark.parametrize("case, exc", [
    ("other", Forbidden), ("twice", Conflict), ("draft", Conflict), ("level_0", ValidationFailed), ("level_6", ValidationFailed),
    ("level_text", ValidationFailed), ("level_bool", ValidationFailed), ("poor_reason_on_good", ValidationFailed),
    ("good_reason_on_poor", ValidationFailed), ("poor_without_reason", ValidationFailed), ("unknown_reason", ValidationFailed),
    ("reasons_string", ValidationFailed), ("long_comment", ValidationFailed), ("bad_channel", ValidationFailed),
    ("no_target", ValidationFailed), ("staff", Forbidden),
])
def test_bad_input_is_refused_and_nothing_is_written(item, citizen, role_user, case, exc):
    app = make_application(item, citizen, status=ApplicationStatus.SUBMITTED if case == "draft" else ApplicationStatus.DONE)
    actor, kw = citizen, {"application": app, "level": 4, "reasons": []}
    if case == "twice":
        actions.rate(citizen, application=app, level=4)
    before = _counts()
    if case == "other":
        actor = role_user("citizen")
    elif case == "staff":
        actor = role_user("dept_admin")
    elif case.startswith("level_"):
        kw["level"] = {"level_0": 0, "level_6": 6, "level_text": "好", "level_bool": True}[case]
    elif case == "poor_reason_on_good":
        kw["reasons"] = ["P01"]
    elif case == "good_reason_on_poor":
        kw.update(level=1, reasons=["G01"])
    elif case == "poor_without_reason":
        kw.update(level=2)
    elif case == "unknown_reason":
        kw["reasons"] = ["X99"]
    elif case == "reasons_string":
        kw["reasons"] = "G01"
    elif case == "long_comment":
        kw["comment"] = "长" * 501
    elif case == "bad_channel":
        kw["channel"] = "wechat"
    elif case == "no_target":
        kw.pop("application")
    with pytest.raises(exc):
        actions.rate(actor, **kw)
    assert _counts() == before


def test_poor_rating_opens_a_rectification_due_in_five_working_days(item, citizen, city):
    app = make_application(item, citizen, status=ApplicationStatus.DONE)
    rating = actions.rate(citizen, application=app, level=1, reasons=["P03", "P05"], comment="来回跑了三趟")
    rect = rating.rectification
    assert rect.department == city.bureau and rect.status == RectificationStatus.OPEN
    assert rect.deadline == calendar.add_working_days(rating.created_at, 5)
    assert calendar.working_days_between(rating.created_at, rect.deadline) == 5
    assert InboxMessage.objects.filter(recipient=citizen, title="您的差评已转部门整改").exists()
    assert AuditEntry.objects.filter(action="onestop.rectification.open", actor_id=citizen.pk).exists()


def test_reply_then_visit_closes_the_ticket(item, citizen, city, role_user):
    app = make_application(item, citizen, status=ApplicationStatus.DONE)
    rect = actions.rate(citizen, application=app, level=2, reasons=["P04"]).rectification
    other_dept_admin = role_user("dept_admin", department=city.other_bureau)
    with pytest.raises(Forbidden):
        actions.reply(other_dept_admin, rect, reply="不是我们部门")
    city_admin = role_user("city_admin")
    with pytest.raises(Conflict):
        actions.visit(city_admin, rect, satisfied=True, note="尚未答复")
    dept_admin = role_user("dept_admin")
    with pytest.raises(ValidationFailed):
        actions.reply(dept_admin, rect, reply="  ")
    actions.reply(dept_admin, rect, reply="已优化审批流程，压缩办理时限")
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.REPLIED and rect.replied_by == dept_admin
    assert InboxMessage.objects.filter(recipient=citizen, title="您的差评已整改").exists()
    with pytest.raises(Conflict):
        actions.reply(dept_admin, rect, reply="再答复一次")
    with pytest.raises(Forbidden):
        actions.visit(dept_admin, rect, satisfied=True, note="部门不能自己回访")
    with pytest.raises(ValidationFailed):
        actions.visit(city_admin, rect, satisfied="maybe", note="回访")
    actions.visit(city_admin, rect, satisfied=True, note="电话回访，申请人满意")
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.CLOSED and rect.visit_satisfied is True and rect.visited_by == city_admin
    with pytest.raises(Conflict):
        actions.visit(city_admin, rect, satisfied=False, note="再回访")
    assert list(AuditEntry.objects.filter(action__startswith="onestop.rectification").values_list("action", flat=True).order_by("seq")) == [
        "onestop.rectification.open", "onestop.rectification.reply", "onestop.rectification.visit"]


def test_overdue_flag(item, citizen, role_user):
    from django.utils import timezone

    from digigov.services.onestop.selectors import ratings as sel

    app = make_application(item, citizen, status=ApplicationStatus.DONE)
    rect = actions.rate(citizen, application=app, level=2, reasons=["P04"]).rectification
    today = timezone.localdate()
    assert not sel.is_overdue(rect, today)
    Rectification.objects.filter(pk=rect.pk).update(deadline=today - dt.timedelta(days=1))
    rect.refresh_from_db()
    assert sel.is_overdue(rect, today)
    assert list(Rectification.objects.filter(sel.overdue_q(today))) == [rect]
    actions.reply(role_user("dept_admin"), rect, reply="迟到的答复")
    rect.refresh_from_db()
    assert sel.is_overdue(rect, today)  # answered after the deadline stays flagged
    assert Rectification.objects.filter(sel.overdue_q(today)).count() == 1


def test_window_visit_rated_by_its_applicant_only(city, citizen, role_user):
    from django.utils import timezone

    from digigov.core.accounts import actions as accounts
    from digigov.core.testing import resident_id
    from digigov.support.window.models import Reception, ServiceHall

    admin = role_user("city_admin")
    person = accounts.register_person(admin, id_number=resident_id("210602", "19800101"), name="王一", division=city.village_a)
    citizen.person = person
    citizen.save(update_fields=["person"])
    hall = ServiceHall.objects.create(name="元宝区政务服务中心", division=city.county_a)
    clerk = role_user("window_clerk")
    rec = Reception.objects.create(hall=hall, clerk=clerk, applicant_kind="person", person=person)
    with pytest.raises(Conflict):
        actions.rate(citizen, reception=rec, level=5)  # not finished yet
    rec.finished_at = timezone.now()
    rec.save(update_fields=["finished_at"])
    with pytest.raises(Forbidden):
        actions.rate(role_user("citizen"), reception=rec, level=5)
    rating = actions.rate(citizen, reception=rec, level=3, reasons=["G06"], channel="pad")
    assert rating.hall == hall and rating.department == city.bureau and rating.application is None
    with pytest.raises(Conflict):
        actions.rate(citizen, reception=rec, level=5)
