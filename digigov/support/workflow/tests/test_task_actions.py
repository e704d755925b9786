"""Task actions: who may claim and decide, what bad input gets (nothing written), idempotency keys,
parallel approvals by two departments, and the correction round-trip."""

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, DigiGovError, Forbidden
from digigov.core.notify.models import InboxMessage
from digigov.core.testing import make_user
from digigov.support.workflow import runtime, signals
from digigov.support.workflow.actions import cases, tasks
from digigov.support.workflow.models import CaseEvent, CaseStatus, TaskOutcome, TaskStatus, WorkTask




@pytest.fixture
def case(version, people):
    return cases.start_case(people.citizen, version, data={"purpose": "测试"})


def open_task(case, element_id):
    return case.tasks.get(element_id=element_id, status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED))


def snapshot(case):
    case.refresh_from_db()
    return (case.revision, case.status, WorkTask.objects.filter(case=case).values_list("status", "assignee_id", "delegated_by_id", "corrections").order_by("pk")[::1],
            CaseEvent.objects.filter(case=case).count(), AuditEntry.objects.count())


def accept(case, clerk):
    t = tasks.claim(clerk, open_task(case, "accept"))
    tasks.complete(clerk, t)
    case.refresh_from_db()


def test_claim_needs_the_candidate_role_in_the_task_department(case, people, city):
    task = open_task(case, "accept")
    assert tasks.could_claim(people.clerk, task)
    assert not tasks.could_claim(people.approver_a, task)  # handles, but not as the task's candidate role
    assert not tasks.could_claim(make_user("window_clerk", department=city.other_bureau), task)
    before = snapshot(case)
    with pytest.raises(Forbidden):
        tasks.claim(people.approver_a, task)
    assert snapshot(case) == before
    tasks.claim(people.clerk, task)
    task.refresh_from_db()
    assert task.status == TaskStatus.CLAIMED and task.assignee == people.clerk and task.claimed_at
    with pytest.raises(Conflict) as err:
        tasks.claim(people.clerk2, task)
    assert err.value.code == "task_taken"
    assert AuditEntry.objects.filter(action="workflow.task_claim").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="task_claimed", public=False).count() == 1


def test_admin_with_assign_may_claim_and_dispatch(case, people):
    task = open_task(case, "accept")
    tasks.assign(people.admin, task, people.clerk)
    task.refresh_from_db()
    assert task.assignee == people.clerk
    tasks.unclaim(people.admin, task)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.assignee is None
    with pytest.raises(DigiGovError) as err:
        tasks.assign(people.admin, task, people.approver_a)
    assert err.value.code == "user_not_eligible"
    with pytest.raises(Forbidden):
        tasks.assign(people.clerk, task, people.clerk2)


def test_completing_a_task_one_is_not_assigned_to_is_403(case, people):
    task = open_task(case, "accept")
    before = snapshot(case)
    with pytest.raises(Forbidden) as err:
        tasks.complete(people.clerk, task)  # eligible, but not claimed
    assert err.value.code == "not_assignee" and snapshot(case) == before
    tasks.claim(people.clerk, task)
    before = snapshot(case)
    with pytest.raises(Forbidden) as err:
        tasks.complete(people.clerk2, task)
    assert err.value.code == "not_assignee" and snapshot(case) == before


def test_same_completion_twice_with_a_key_is_applied_once(case, people):
    task = tasks.claim(people.clerk, open_task(case, "accept"))
    tasks.complete(people.clerk, task, idempotency_key="dbl-1")
    after_first = snapshot(case)
    again = tasks.complete(people.clerk, task, idempotency_key="dbl-1")
    assert again.status == TaskStatus.COMPLETED and snapshot(case) == after_first
    assert AuditEntry.objects.filter(action="workflow.task_complete").count() == 1
    with pytest.raises(Conflict):  # without a key: the task is no longer open (409, not 500)
        tasks.complete(people.clerk, task)
    assert snapshot(case) == after_first


def test_parallel_approvals_each_department_its_own_task(case, people):
    accept(case, people.clerk)
    a, b = open_task(case, "review_a"), open_task(case, "review_b")
    assert tasks.could_claim(people.approver_a, a) and not tasks.could_claim(people.approver_a, b)
    assert tasks.could_claim(people.approver_b, b) and not tasks.could_claim(people.approver_b, a)
    with pytest.raises(Forbidden):
        tasks.claim(people.approver_b, a)
    tasks.claim(people.approver_a, a)
    tasks.claim(people.approver_b, b)
    tasks.approve(people.approver_b, b, opinion="同意")
    case.refresh_from_db()
    assert case.status == CaseStatus.RUNNING
    tasks.approve(people.approver_a, a, opinion="材料齐全，同意")
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert case.data["review_a_decision"] == "approve" and case.data["review_b_decision"] == "approve"
    a.refresh_from_db()
    assert a.outcome == TaskOutcome.APPROVE and a.opinion == "材料齐全，同意" and a.completed_by == people.approver_a


def test_one_rejection_routes_to_the_refusal_end(case, people):
    accept(case, people.clerk)
    a = tasks.claim(people.approver_a, open_task(case, "review_a"))
    b = tasks.claim(people.approver_b, open_task(case, "review_b"))
    tasks.reject(people.approver_a, a, opinion="不符合条件")
    tasks.approve(people.approver_b, b)
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED


@pytest.mark.parametrize("call, code", [
    (lambda p, t: tasks.reject(p.clerk, t, opinion=""), "opinion_required"),
    (lambda p, t: tasks.reject(p.clerk, t, opinion="   "), "opinion_required"),
    (lambda p, t: tasks.approve(p.clerk, t, opinion="x" * 2001), "text_too_long"),
    (lambda p, t: tasks.approve(p.clerk, t, data=["x"]), "invalid_data"),
    (lambda p, t: tasks.approve(p.clerk, t, data={"bad key": 1}), "invalid_data"),
    (lambda p, t: tasks.approve(p.clerk, t, idempotency_key="k" * 101), "invalid_idempotency_key"),
    (lambda p, t: tasks.request_correction(p.clerk, t, items=[]), "items_required"),
    (lambda p, t: tasks.request_correction(p.clerk, t, items="营业执照"), "items_required"),
    (lambda p, t: tasks.request_correction(p.clerk, t, items=[{"material": "营业执照"}]), "items_required"),
    (lambda p, t: tasks.request_correction(p.clerk, t, items=[{"material": "", "reason": "模糊"}]), "items_required"),
    (lambda p, t: tasks.request_correction(p.clerk, t, items=["营业执照"]), "invalid_item"),
    (lambda p, t: tasks.request_correction(p.clerk, t, items=[{"material": "a", "reason": "b"}] * 31), "too_many_items"),
    (lambda p, t: tasks.hand_over(p.clerk, t, p.approver_a), "user_not_eligible"),
    (lambda p, t: tasks.hand_over(p.clerk, t, None), "user_required"),
    (lambda p, t: tasks.hand_over(p.clerk, t, p.clerk), "same_user"),
    (lambda p, t: tasks.delegate(p.clerk, t, p.clerk), "same_user"),
    (lambda p, t: tasks.delegate(p.clerk, t, p.clerk2, note="x" * 201), "text_too_long"),
    (lambda p, t: tasks.delegate(p.clerk2, t, p.clerk), "not_assignee"),
    (lambda p, t: tasks.unclaim(p.clerk2, t), "forbidden"),
])
def test_bad_input_writes_nothing(case, people, call, code):
    task = tasks.claim(people.clerk, open_task(case, "accept"))
    before = snapshot(case)
    with pytest.raises(DigiGovError) as err:
        call(people, task)
    assert err.value.code == code
    assert snapshot(case) == before


def test_hand_over_and_delegate(case, people):
    task = tasks.claim(people.clerk, open_task(case, "accept"))
    tasks.delegate(people.clerk, task, people.clerk2, note="出差")
    task.refresh_from_db()
    assert task.assignee == people.clerk2 and task.delegated_by == people.clerk
    with pytest.raises(Forbidden):
        tasks.complete(people.clerk, task)  # the delegate acts now
    tasks.hand_over(people.clerk2, task, people.clerk, reason="退还")
    task.refresh_from_db()
    assert task.assignee == people.clerk and task.delegated_by is None
    tasks.complete(people.clerk, task)
    assert {e.action for e in AuditEntry.objects.filter(action__startswith="workflow.task_")} >= {
        "workflow.task_claim", "workflow.task_delegate", "workflow.task_hand_over", "workflow.task_complete"}


def test_correction_round_trip(case, people, city):
    seen = []
    signals.correction_requested.connect(lambda **kw: seen.append(("requested", kw["task"].pk)), weak=False, dispatch_uid="t-req")
    signals.correction_submitted.connect(lambda **kw: seen.append(("submitted", kw["task"].pk)), weak=False, dispatch_uid="t-sub")
    try:
        task = tasks.claim(people.clerk, open_task(case, "accept"))
        tasks.request_correction(people.clerk, task, items=[{"material": "营业执照", "reason": "复印件模糊"},
                                                            {"field": "联系电话", "reason": "号码位数不对"}], opinion="请补正")
        case.refresh_from_db()
        task.refresh_from_db()
        assert case.status == CaseStatus.CORRECTION and task.status == TaskStatus.CLAIMED
        assert tasks.pending_correction(task)["items"][1] == {"kind": "field", "name": "联系电话", "reason": "号码位数不对"}
        notices = InboxMessage.objects.filter(recipient=people.citizen, title__startswith="需要补正材料")
        assert notices.count() == 1  # one notice (the notifications receiver), listing what to fix
        assert "营业执照（复印件模糊）" in notices.get().body and "联系电话（号码位数不对）" in notices.get().body
        with pytest.raises(Conflict) as err:  # the process does not move while the applicant corrects
            tasks.complete(people.clerk, task)
        assert err.value.code == "case_in_correction"
        with pytest.raises(Forbidden):
            tasks.submit_correction(make_user("citizen"), case, answers=["a", "b"])
        before = snapshot(case)
        with pytest.raises(DigiGovError) as err:
            tasks.submit_correction(people.citizen, case, answers=["已重新上传"])  # second item unanswered
        assert err.value.code == "answer_1_required" and snapshot(case) == before
        tasks.submit_correction(people.citizen, case, answers=["已重新上传", "13800000000"], note="已补正", idempotency_key="c-1")
        tasks.submit_correction(people.citizen, case, answers=["已重新上传", "13800000000"], note="已补正", idempotency_key="c-1")
        case.refresh_from_db()
        task.refresh_from_db()
        assert case.status == CaseStatus.RUNNING and task.assignee == people.clerk and tasks.pending_correction(task) is None
        assert task.corrections[0]["answers"] == ["已重新上传", "13800000000"]
        assert AuditEntry.objects.filter(action="workflow.correction_submit").count() == 1
        with pytest.raises(Conflict):
            tasks.submit_correction(people.citizen, case, answers=["x", "y"])
        assert seen == [("requested", task.pk), ("submitted", task.pk)]
        tasks.complete(people.clerk, task)
        assert set(CaseEvent.objects.filter(case=case, public=True).values_list("kind", flat=True)) >= {
            "correction_requested", "correction_submitted", "task_completed"}
    finally:
        signals.correction_requested.disconnect(dispatch_uid="t-req")
        signals.correction_submitted.disconnect(dispatch_uid="t-sub")


def test_window_clerk_answers_a_correction_on_the_applicants_behalf(case, people):
    task = tasks.claim(people.clerk, open_task(case, "accept"))
    tasks.request_correction(people.clerk, task, items=[{"material": "身份证", "reason": "缺少反面"}])
    tasks.submit_correction(people.clerk2, case, answers=["窗口已扫描反面"])
    case.refresh_from_db()
    assert case.status == CaseStatus.RUNNING
    assert CaseEvent.objects.filter(case=case, kind="correction_submitted", text__contains="窗口代申请人").exists()


def test_withdrawn_case_tasks_cannot_be_decided(case, people):
    task = tasks.claim(people.clerk, open_task(case, "accept"))
    cases.withdraw_case(people.citizen, case)
    with pytest.raises(Conflict):
        tasks.complete(people.clerk, task)


def test_stale_case_is_a_conflict(case, people):
    assert issubclass(runtime.StaleCase, Conflict)
