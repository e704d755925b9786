"""Service tasks call business components (a failure becomes an incident, retried or cancelled), timers
fire once from the Timer table, messages reach waiting catch events, call activities run the called
process's active version, and conditions run without builtins."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core import registry
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.notify.models import InboxMessage
from digigov.support.workflow import engine, runtime
from digigov.support.workflow.actions.incidents import cancel_incident, retry_incident
from digigov.support.workflow.actions.messages import deliver_message
from digigov.support.workflow.models import CaseEvent, CaseStatus, Incident, IncidentStatus, TaskStatus, Timer, TimerStatus
from digigov.support.workflow.tasks import fire_due_timers
from digigov.support.workflow.testing import make_version, start_case

from .bpmn_samples import cond, doc, service


def open_ids(case):
    return sorted(case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)).values_list("element_id", flat=True))


@pytest.fixture
def flaky():
    state = {"fail": True, "calls": 0}

    def func(actor, case, inputs):
        state["calls"] += 1
        if state["fail"]:
            raise ValidationFailed("外部系统暂不可用", code="upstream_down")
        return {"checked": True, "echo": inputs.get("value")}

    registry.register_component(registry.Component("test.flaky", "测试组件", "测试用", func,
                                                   inputs=(registry.ComponentParam("value", "string", "值"),)))
    yield state
    registry.COMPONENTS.pop("test.flaky", None)


def test_component_outputs_reach_case_data(city, flaky):
    flaky["fail"] = False
    v = make_version(service("test.flaky", '<camunda:inputParameter name="value">${applicant_ref}</camunda:inputParameter>'), user=city.system)
    case = start_case(v, actor=city.system, department=city.bureau, data={"applicant_ref": "A-1"})
    assert case.status == CaseStatus.RUNNING and open_ids(case) == ["review"]
    wf = engine.load(v, case.state)
    review = [t for t in wf.get_tasks() if t.task_spec.bpmn_id == "review"][0]
    assert review.data["checked"] is True and review.data["echo"] == "A-1"


def test_failing_component_commits_an_incident_then_retry_resumes(city, flaky, role_user):
    v = make_version(service("test.flaky", '<camunda:inputParameter name="value">x</camunda:inputParameter>'), user=city.system)
    case = start_case(v, actor=city.system, department=city.bureau)
    case.refresh_from_db()
    assert case.status == CaseStatus.INCIDENT and case.revision == 1 and open_ids(case) == []
    incident = Incident.objects.get(case=case)
    assert (incident.element_id, incident.component, incident.message) == ("call", "test.flaky", "外部系统暂不可用")
    admin = role_user("dept_admin")
    retry_incident(admin, incident)  # still failing: one more attempt, still open
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.OPEN and incident.attempts == 2
    flaky["fail"] = False
    retry_incident(admin, incident)
    incident.refresh_from_db()
    case.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED and incident.resolved_by == admin
    assert case.status == CaseStatus.RUNNING and open_ids(case) == ["review"]
    with pytest.raises(Conflict):
        retry_incident(admin, incident)


def test_cancel_incident_ends_case(city, flaky, role_user):
    v = make_version(service("test.flaky", '<camunda:inputParameter name="value">x</camunda:inputParameter>'), user=city.system)
    case = start_case(v, actor=city.system, department=city.bureau)
    incident = Incident.objects.get(case=case)
    with pytest.raises(ValidationFailed):
        cancel_incident(role_user("dept_admin"), incident, reason="")
    cancel_incident(role_user("dept_admin"), incident, reason="申请人资格不符")
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED and case.finished_at is not None


def test_component_crash_is_an_incident_not_a_500(city):
    def boom(actor, case, inputs):
        raise RuntimeError("bug")

    registry.register_component(registry.Component("test.boom", "崩溃组件", "测试用", boom))
    try:
        v = make_version(service("test.boom"), user=city.system)
        case = start_case(v, actor=city.system, department=city.bureau)
        assert Incident.objects.get(case=case).message == "业务组件执行出错：RuntimeError"
    finally:
        registry.COMPONENTS.pop("test.boom", None)


def test_builtin_notify_applicant(city, user_factory):
    citizen = user_factory("citizen")
    v = make_version(service("notify.applicant", '<camunda:inputParameter name="title">已受理</camunda:inputParameter>'), user=city.system)
    case = start_case(v, actor=city.system, department=city.bureau, applicant=citizen)
    assert case.status == CaseStatus.RUNNING
    assert InboxMessage.objects.filter(recipient=citizen, title="已受理").count() == 1


def test_builtin_credit_check_blacklist_fails(city):
    from digigov.data.registries.models import CreditKind, CreditRecord

    CreditRecord.objects.create(subject_kind="enterprise", subject_code="91210600MA0000000X", subject_name="某公司", kind=CreditKind.PUNISH,
                                title="拒不履行法定义务", department=city.bureau, decided_on=dt.date(2026, 1, 1))
    params = ('<camunda:inputParameter name="subject_code">${uscc}</camunda:inputParameter>'
              '<camunda:inputParameter name="on_blacklist">fail</camunda:inputParameter>')
    v = make_version(service("credit.check", params), user=city.system)
    bad = start_case(v, actor=city.system, department=city.bureau, data={"uscc": "91210600MA0000000X"})
    assert bad.status == CaseStatus.INCIDENT and "拒不履行法定义务" in Incident.objects.get(case=bad).message
    good = start_case(v, actor=city.system, department=city.bureau, data={"uscc": "91210600MA0000001X"})
    assert good.status == CaseStatus.RUNNING


TIMER_BODY = """
<bpmn:startEvent id="start"/>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
<bpmn:userTask id="review" name="审查" camunda:candidateGroups="approver"/>
<bpmn:boundaryEvent id="remind" name="催办" attachedToRef="review" cancelActivity="{interrupting}">
  <bpmn:timerEventDefinition><bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition>
</bpmn:boundaryEvent>
<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
<bpmn:sequenceFlow id="f3" sourceRef="remind" targetRef="escalate"/>
<bpmn:userTask id="escalate" name="督办" camunda:candidateGroups="dept_admin"/>
<bpmn:sequenceFlow id="f4" sourceRef="escalate" targetRef="end2"/>
<bpmn:endEvent id="end"/>
<bpmn:endEvent id="end2"/>
"""


@pytest.mark.parametrize("interrupting", [True, False])
def test_boundary_timer_fires_once_from_the_timer_table(city, interrupting):
    v = make_version(doc(TIMER_BODY.replace("{interrupting}", "true" if interrupting else "false")), user=city.system)
    case = start_case(v, actor=city.system, department=city.bureau)
    timer = Timer.objects.get(case=case, status=TimerStatus.PENDING)
    assert timer.element_id == "remind"
    assert dt.timedelta(days=1, hours=23) < timer.fire_at - timezone.now() <= dt.timedelta(days=2)
    assert fire_due_timers(now=timezone.now()) == 0  # not due yet
    later = timezone.now() + dt.timedelta(days=3)
    assert fire_due_timers(now=later) == 1
    assert fire_due_timers(now=later) == 0  # safe to run twice
    assert runtime.fire_timer(timer.pk, city.system, now=later) is False
    case.refresh_from_db()
    timer.refresh_from_db()
    assert timer.status == TimerStatus.FIRED
    assert open_ids(case) == (["escalate"] if interrupting else ["escalate", "review"])
    assert CaseEvent.objects.filter(case=case, kind="timer_fired").count() == 1


def test_completing_the_task_cancels_its_timer(city):
    v = make_version(doc(TIMER_BODY.replace("{interrupting}", "true")), user=city.system)
    case = start_case(v, actor=city.system, department=city.bureau)
    runtime.complete(case.tasks.get(element_id="review"), city.system)
    assert Timer.objects.get(case=case).status == TimerStatus.CANCELLED
    assert fire_due_timers(now=timezone.now() + dt.timedelta(days=9)) == 0


INTERMEDIATE = """
<bpmn:startEvent id="start"/>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
<bpmn:intermediateCatchEvent id="wait" name="等待一小时"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="reply"/>
<bpmn:intermediateCatchEvent id="reply" name="等待回函"><bpmn:messageEventDefinition messageRef="msg_reply"/></bpmn:intermediateCatchEvent>
<bpmn:sequenceFlow id="f3" sourceRef="reply" targetRef="decide"/>
<bpmn:exclusiveGateway id="decide" default="f5"/>
<bpmn:sequenceFlow id="f4" sourceRef="decide" targetRef="end_no">{cond}</bpmn:sequenceFlow>
<bpmn:sequenceFlow id="f5" sourceRef="decide" targetRef="end_ok"/>
<bpmn:endEvent id="end_ok" name="准予"/>
<bpmn:endEvent id="end_no" name="不予许可"/>
"""


def test_intermediate_timer_then_message_then_condition(city, role_user):
    xml = doc(INTERMEDIATE.replace("{cond}", cond('reply["opinion"] == "不同意"')), extra='<bpmn:message id="msg_reply" name="reply"/>')
    v = make_version(xml, user=city.system, department=city.bureau)
    case = start_case(v, actor=city.system, department=city.bureau)
    clerk = role_user("approver")
    with pytest.raises(Conflict):  # still waiting on the timer
        deliver_message(clerk, case, "reply", {"opinion": "同意"})
    assert fire_due_timers(now=timezone.now() + dt.timedelta(hours=2)) == 1
    with pytest.raises(Conflict):
        deliver_message(clerk, case, "other", {})
    with pytest.raises(ValidationFailed):
        deliver_message(clerk, case, "reply", ["not", "a", "dict"])
    deliver_message(clerk, case, "reply", {"opinion": "不同意"}, idempotency_key="k1")
    deliver_message(clerk, case, "reply", {"opinion": "不同意"}, idempotency_key="k1")  # replay: applied once
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and case.data["reply"] == {"opinion": "不同意"}


def test_condition_cannot_reach_builtins(city):
    """A condition stored before the import checks existed (or slipped past them) still cannot run code:
    it becomes an incident, the engine evaluates without builtins."""
    xml = doc("""
<bpmn:startEvent id="start"/>
<bpmn:sequenceFlow id="f3" sourceRef="start" targetRef="decide"/>
<bpmn:exclusiveGateway id="decide" default="f5"/>
<bpmn:sequenceFlow id="f4" sourceRef="decide" targetRef="end_no">""" + cond("__import__('os').system('true') == 0") + """</bpmn:sequenceFlow>
<bpmn:sequenceFlow id="f5" sourceRef="decide" targetRef="end_ok"/>
<bpmn:endEvent id="end_ok"/>
<bpmn:endEvent id="end_no"/>""")
    v = make_version(xml, user=city.system)
    case = start_case(v, actor=city.system, department=city.bureau)
    assert case.status == CaseStatus.INCIDENT
    assert Incident.objects.get(case=case).error_code == "engine_error"


def test_safe_engine_subset():
    assert engine.check_expression('a == 1 and b in ["x", "y"] or not c')
    for bad in ("open('/etc/passwd')", "a.b", "(lambda: 1)()", "[x for x in y]", "a[b]", "__builtins__"):
        with pytest.raises(engine.UnsafeExpression):
            engine.check_expression(bad)


CALLED = """
<bpmn:startEvent id="s"/>
<bpmn:sequenceFlow id="g1" sourceRef="s" targetRef="joint"/>
<bpmn:userTask id="joint" name="联合审图" camunda:candidateGroups="approver"/>
<bpmn:sequenceFlow id="g2" sourceRef="joint" targetRef="e"/>
<bpmn:endEvent id="e"/>
"""
CALLER = """
<bpmn:startEvent id="start"/>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
<bpmn:callActivity id="call" name="联合审图" calledElement="joint_review"/>
<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="permit"/>
<bpmn:userTask id="permit" name="核发" camunda:candidateGroups="approver"/>
<bpmn:sequenceFlow id="f3" sourceRef="permit" targetRef="end"/>
<bpmn:endEvent id="end"/>
"""


def test_call_activity_runs_the_called_active_version(city, role_user):
    from digigov.support.workflow.actions.processes import activate_version, import_process

    admin = role_user("dept_admin")
    called = import_process(admin, doc(CALLED, key="joint_review", name="联合审图").encode(), "joint.bpmn", department=city.bureau)
    activate_version(admin, called)
    caller = import_process(admin, doc(CALLER, key="build_permit", name="施工许可").encode(), "permit.bpmn", department=city.bureau)
    activate_version(admin, caller)
    caller.refresh_from_db()
    case = start_case(caller, actor=city.system, department=city.bureau)
    assert open_ids(case) == ["joint"]
    runtime.complete(case.tasks.get(element_id="joint"), city.system)
    assert open_ids(case) == ["permit"]
    runtime.complete(case.tasks.get(element_id="permit"), city.system)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED


def test_fast_load_matches_spiff_deserialisation(city):
    from digigov.support.workflow.testing import parallel_bpmn

    v = make_version(parallel_bpmn(dept_a=city.bureau, dept_b=city.other_bureau), user=city.system)
    case = start_case(v, actor=city.system, department=city.bureau)
    runtime.complete(case.tasks.get(element_id="accept"), city.system)
    case.refresh_from_db()
    assert engine.dump(engine.load(v, case.state)) == engine.dump(engine.load_slow(v, case.state)) == case.state
