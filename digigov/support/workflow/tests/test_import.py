"""Importing a .bpmn file: every refusal names the element and says why in Chinese, and writes nothing;
a good file becomes a draft version; activating one retires the previous; export is byte for byte."""

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.support.workflow.actions.processes import activate_version, export_version, import_process, retire_version
from digigov.support.workflow.models import ProcessDefinition, ProcessVersion, VersionStatus
from digigov.support.workflow.testing import start_case

from .bpmn_samples import LINEAR_BODY, cond, doc, linear, service


@pytest.fixture
def designer(role_user):
    return role_user("dept_admin")


def _swap(old, new, body=LINEAR_BODY):
    assert old in body
    return doc(body.replace(old, new))


BAD = [
    ("not_xml", b"this is not xml <", "", "不是有效的 XML"),
    ("empty", b"", "", "文件为空"),
    ("xxe", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>', "", "DOCTYPE"),
    ("not_bpmn", b"<root/>", "", "不是 BPMN 2.0"),
    ("xsd", doc('<bpmn:startEvent id="start" bogus="1"/><bpmn:nonsense id="n"/>'), "", "不符合 BPMN 2.0 规范"),
    ("not_executable", linear(executable="false"), "sample", "没有可执行的流程"),
    ("script_task", _swap('<bpmn:userTask id="review" name="审查" camunda:candidateGroups="approver"/>',
                          '<bpmn:scriptTask id="review" name="脚本" scriptFormat="python"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>'),
     "review", "不支持脚本任务"),
    ("send_task", _swap('<bpmn:userTask id="review" name="审查" camunda:candidateGroups="approver"/>', '<bpmn:sendTask id="review"/>'),
     "review", "不支持发送任务"),
    ("signal_event", _swap('<bpmn:endEvent id="end" name="办结"/>',
                           '<bpmn:endEvent id="end"><bpmn:signalEventDefinition id="sd"/></bpmn:endEvent>'), "end", "不支持该类事件"),
    ("dangling_target", _swap('targetRef="end"', 'targetRef="nowhere"'), "f3", "终点 nowhere 不存在"),
    ("dangling_source", _swap('<bpmn:sequenceFlow id="f3" sourceRef="review"', '<bpmn:sequenceFlow id="f3" sourceRef="ghost"'), "f3", "起点 ghost 不存在"),
    ("no_outgoing", _swap('<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>', ""), "review", "没有流出的顺序流"),
    ("no_incoming", _swap('<bpmn:endEvent id="end" name="办结"/>', '<bpmn:endEvent id="end" name="办结"/><bpmn:userTask id="orphan"/><bpmn:sequenceFlow id="fo" sourceRef="orphan" targetRef="end"/>'),
     "orphan", "没有流入的顺序流"),
    ("condition_call", _swap('<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>',
                             f'<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end">{cond("__import__(&quot;os&quot;).system(&quot;id&quot;)")}</bpmn:sequenceFlow>'),
     "f3", "不能调用函数"),
    ("condition_function", _swap('<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>',
                                 f'<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end">{cond("len(x) &gt; 1")}</bpmn:sequenceFlow>'),
     "f3", "不能调用函数"),
    ("condition_attribute", _swap('<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>',
                                  f'<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end">{cond("x.__class__")}</bpmn:sequenceFlow>'),
     "f3", "不能访问属性"),
    ("condition_syntax", _swap('<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>',
                               f'<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end">{cond("a ==")}</bpmn:sequenceFlow>'),
     "f3", "语法错误"),
    ("component_missing", service("no.such.component"), "call", "业务组件 no.such.component 未注册"),
    ("component_input_missing", service("licence.index"), "call", "缺少输入参数"),
    ("unknown_role", _swap('camunda:candidateGroups="approver"', 'camunda:candidateGroups="wizard"'), "review", "办理角色 wizard 不存在"),
    ("unknown_department", _swap('camunda:candidateGroups="approver"', 'camunda:candidateGroups="approver@NO-SUCH"'), "review", "部门代码 NO-SUCH 不存在"),
    ("unknown_form", _swap('camunda:candidateGroups="approver"', 'camunda:candidateGroups="approver" camunda:formKey="no-such-form"'), "review", "表单 no-such-form 不存在"),
    ("call_unknown", _swap('<bpmn:userTask id="review" name="审查" camunda:candidateGroups="approver"/>',
                           '<bpmn:callActivity id="review" calledElement="not_here"/>'), "review", "调用的流程 not_here 不存在"),
    ("timer_bad", _swap('<bpmn:endEvent id="end" name="办结"/>',
                        '<bpmn:endEvent id="end" name="办结"/><bpmn:boundaryEvent id="b" attachedToRef="review"><bpmn:timerEventDefinition><bpmn:timeDuration>three days</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:sequenceFlow id="fb" sourceRef="b" targetRef="end"/>'),
     "b", "不是有效的 ISO 8601"),
    ("timer_cycle", _swap('<bpmn:endEvent id="end" name="办结"/>',
                          '<bpmn:endEvent id="end" name="办结"/><bpmn:boundaryEvent id="b" attachedToRef="review"><bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:sequenceFlow id="fb" sourceRef="b" targetRef="end"/>'),
     "b", "不支持循环定时"),
    ("message_without_message", _swap('<bpmn:userTask id="review" name="审查" camunda:candidateGroups="approver"/>',
                                      '<bpmn:intermediateCatchEvent id="review"><bpmn:messageEventDefinition/></bpmn:intermediateCatchEvent>'),
     "review", "消息事件未指定消息"),
    ("boundary_unattached", _swap('<bpmn:endEvent id="end" name="办结"/>',
                                  '<bpmn:endEvent id="end" name="办结"/><bpmn:boundaryEvent id="b" attachedToRef="ghost"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:sequenceFlow id="fb" sourceRef="b" targetRef="end"/>'),
     "b", "附着的任务 ghost 不存在"),
]


@pytest.mark.parametrize("label,xml,element,reason", BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_with_element_and_reason(city, designer, label, xml, element, reason):
    before = (ProcessDefinition.objects.count(), ProcessVersion.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        import_process(designer, xml.encode() if isinstance(xml, str) else xml, "x.bpmn", department=city.bureau)
    err = exc.value
    assert err.code == "bpmn_invalid" and err.status == 422
    messages = " ".join(e["message"] for e in err.detail["errors"]) + err.message
    assert reason in messages, messages
    if element:
        assert element in [e["element"] for e in err.detail["errors"]]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.message)
    assert (ProcessDefinition.objects.count(), ProcessVersion.objects.count(), AuditEntry.objects.count()) == before


def test_wrong_extension_and_missing_department(city, designer):
    with pytest.raises(ValidationFailed) as exc:
        import_process(designer, linear().encode(), "x.exe", department=city.bureau)
    assert exc.value.code == "invalid_filename"
    with pytest.raises(ValidationFailed):
        import_process(designer, linear().encode(), "x.bpmn", department=None)


def test_import_needs_design_permission(city, role_user):
    with pytest.raises(Forbidden):
        import_process(role_user("approver"), linear().encode(), "x.bpmn", department=city.bureau)
    other = role_user("dept_admin", department=city.other_bureau)
    with pytest.raises(Forbidden):
        import_process(other, linear().encode(), "x.bpmn", department=city.bureau)


def test_import_activate_versions_and_export(city, designer):
    xml = linear(key="licence")
    v1 = import_process(designer, xml.encode(), "licence.bpmn", department=city.bureau)
    assert v1.status == VersionStatus.DRAFT and v1.version == 1 and v1.process.name == "样例流程"
    with pytest.raises(Conflict):
        import_process(designer, xml.encode(), "licence.bpmn", department=city.bureau)
    activate_version(designer, v1)
    case = start_case(ProcessVersion.objects.get(pk=v1.pk), actor=city.system, department=city.bureau)
    v2 = import_process(designer, xml.replace("审查", "复审").encode(), "licence.bpmn", department=city.bureau)
    assert v2.version == 2
    activate_version(designer, v2)
    v1.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED
    case.refresh_from_db()
    assert case.process_version_id == v1.pk  # the running case stays on v1
    from digigov.support.workflow import runtime
    from digigov.support.workflow.models import CaseStatus

    for element in ("accept", "review"):
        runtime.complete(case.tasks.get(element_id=element), city.system)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    name, data = export_version(designer, v1)
    assert name == "licence.bpmn" and data == xml.encode()
    retire_version(designer, v2)
    assert ProcessVersion.objects.get(pk=v2.pk).status == VersionStatus.RETIRED
    codes = list(AuditEntry.objects.filter(action__startswith="workflow.").values_list("action", flat=True))
    assert "workflow.version_import" in codes and "workflow.version_activate" in codes and "workflow.version_retire" in codes
