"""The runtime's mechanics: tasks appear as the process reaches them, parallel branches join, the state
survives a reload, and a stale completion is refused without writing."""

import pytest
from SpiffWorkflow.util.task import TaskState

from digigov.support.workflow import engine, runtime
from digigov.support.workflow.models import CaseEvent, CaseStatus, TaskStatus, WorkTask
from digigov.support.workflow.testing import start_case



def open_tasks(case):
    return {t.element_id: t for t in case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED))}


def test_parallel_review_then_approved(city, version):
    case = start_case(version, actor=city.system, department=city.bureau)
    assert set(open_tasks(case)) == {"accept"}
    assert open_tasks(case)["accept"].candidate_role == "window_clerk"
    runtime.complete(open_tasks(case)["accept"], city.system)
    tasks = open_tasks(case)
    assert set(tasks) == {"review_a", "review_b"}
    assert tasks["review_a"].department == city.bureau and tasks["review_b"].department == city.other_bureau
    runtime.complete(tasks["review_b"], city.system, outcome="approve", data={"review_b_decision": "approve"})
    case.refresh_from_db()
    assert case.status == CaseStatus.RUNNING and set(open_tasks(case)) == {"review_a"}
    runtime.complete(tasks["review_a"], city.system, outcome="approve", data={"review_a_decision": "approve"})
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.finished_at is not None
    assert case.revision == 4
    assert CaseEvent.objects.filter(case=case, kind="case_finished").count() == 1


def test_one_rejection_rejects(city, version):
    case = start_case(version, actor=city.system, department=city.bureau)
    runtime.complete(open_tasks(case)["accept"], city.system)
    tasks = open_tasks(case)
    runtime.complete(tasks["review_a"], city.system, outcome="reject", data={"review_a_decision": "reject"})
    runtime.complete(tasks["review_b"], city.system, outcome="approve", data={"review_b_decision": "approve"})
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED


def test_completing_twice_is_refused_and_writes_nothing(city, version):
    case = start_case(version, actor=city.system, department=city.bureau)
    task = open_tasks(case)["accept"]
    runtime.complete(task, city.system)
    case.refresh_from_db()
    before = (case.revision, WorkTask.objects.count(), CaseEvent.objects.count())
    with pytest.raises(runtime.StaleCase):
        runtime.complete(task, city.system)
    case.refresh_from_db()
    assert (case.revision, WorkTask.objects.count(), CaseEvent.objects.count()) == before


def test_state_leaves_the_spec_out_and_reloads(city, version):
    case = start_case(version, actor=city.system, department=city.bureau)
    assert "spec" not in case.state
    wf = engine.load(version, case.state)
    assert [t.task_spec.bpmn_id for t in wf.get_tasks(manual=True, state=TaskState.READY)] == ["accept"]
    assert engine.state_size(case.state) < 20_000


def test_queries_per_step_are_pinned(city, version, django_assert_max_num_queries):
    """One engine step (lock, load, run, save revision-checked, task rows, timeline, signals) stays a
    fixed handful of queries: the spec comes from the cache, timer sync is skipped for a version
    without timers, a split's departments are looked up once."""
    case = start_case(version, actor=city.system, department=city.bureau)
    accept = case.tasks.get(element_id="accept")
    with django_assert_max_num_queries(STEP_QUERIES):
        runtime.complete(accept, city.system)
    review = case.tasks.get(element_id="review_a")
    with django_assert_max_num_queries(STEP_QUERIES):
        runtime.complete(review, city.system, data={"review_a_decision": "approve"})


# 13 for the step itself, +2 for the notices of a new task (who holds the candidate role in scope), +3 data-key
# reads: case data and state are sealed, and inside a test's never-committed transaction the key store does not
# cache the key it read (it does once a transaction commits, so a served step reads no key)
STEP_QUERIES = 18
