"""Workflow signals become notices: applicants, task candidates in scope (capped), warned clerks."""

from __future__ import annotations

import pytest

from digigov.core.notify.models import InboxMessage
from digigov.core.rbac.models import RoleAssignment
from digigov.core.testing import make_user
from digigov.support.workflow import calendar, notifications, signals
from digigov.support.workflow.models import Case, CaseStatus

from .tl_factories import make_case, make_task


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def inbox(user):
    return list(InboxMessage.objects.filter(recipient=user).order_by("id"))


def test_applicant_hears_of_start_correction_and_finish(city):
    applicant = make_user("citizen")
    case = make_case(city, applicant=applicant, title="食品经营许可")
    signals.case_started.send(sender=Case, case=case, actor=city.system)
    [started] = inbox(applicant)
    assert started.title == "您的申请已受理：食品经营许可" and case.number in started.body and "承诺办结期限" in started.body
    task = make_task(case)
    task.corrections = [{"item": "营业执照", "reason": "已过期"}, "场地平面图"]
    task.opinion = "材料不全"
    signals.correction_requested.send(sender=Case, case=case, actor=city.system, task=task)
    correction = inbox(applicant)[-1]
    assert "1. 营业执照（已过期）" in correction.body and "2. 场地平面图" in correction.body and "材料不全" in correction.body
    case.status = CaseStatus.APPROVED
    case.outcome_note = "准予许可"
    signals.case_finished.send(sender=Case, case=case, actor=city.system)
    finished = inbox(applicant)[-1]
    assert finished.title.startswith("办件已办结（准予）") and "准予许可" in finished.body
    assert [m.topic for m in inbox(applicant)] == ["办件进度"] * 3


def test_no_applicant_account_no_notice(city):
    case = make_case(city)
    signals.case_started.send(sender=Case, case=case, actor=city.system)
    assert not InboxMessage.objects.exists()


def test_task_created_reaches_only_the_candidates_in_scope(city):
    inside = make_user("approver", department=city.bureau)
    below = make_user("approver", department=city.bureau_unit)  # a sub-unit's approver does not cover the bureau
    above = make_user("approver", department=city.gov)  # a grant on the parent department covers the bureau
    other = make_user("approver", department=city.other_bureau)
    clerk = make_user("window_clerk", department=city.bureau)  # another role
    idle = make_user("approver", department=city.bureau)
    idle.is_active = False
    idle.save()
    voided = make_user("approver", department=city.bureau)
    RoleAssignment.objects.filter(user=voided).update(voided_at=city.city.created_at)
    case = make_case(city)
    task = make_task(case, role="approver")
    signals.task_created.send(sender=Case, case=case, actor=city.system, task=task)
    got = set(InboxMessage.objects.values_list("recipient_id", flat=True))
    assert got == {inside.pk, above.pk}
    assert not {below.pk, other.pk, clerk.pk, idle.pk, voided.pk} & got
    assert InboxMessage.objects.filter(recipient=inside).first().title == f"新的待办：审批（{case.title}）"


def test_an_assigned_task_notifies_its_assignee_only(city):
    make_user("approver", department=city.bureau)
    assignee = make_user("approver", department=city.bureau)
    case = make_case(city)
    task = make_task(case, assignee=assignee, status="claimed")
    signals.task_created.send(sender=Case, case=case, actor=city.system, task=task)
    assert list(InboxMessage.objects.values_list("recipient_id", flat=True)) == [assignee.pk]


def test_task_notices_are_capped_and_written_in_one_insert(city, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(notifications, "MAX_TASK_RECIPIENTS", 5)
    for _ in range(8):
        make_user("approver", department=city.bureau)
    case = make_case(city)
    task = make_task(case)
    with django_assert_max_num_queries(3):  # the grants, one INSERT (+ savepoint bookkeeping)
        signals.task_created.send(sender=Case, case=case, actor=city.system, task=task)
    assert InboxMessage.objects.count() == 5
