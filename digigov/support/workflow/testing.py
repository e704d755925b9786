"""Test factories for processes and cases (import from tests only)."""

from __future__ import annotations

from django.utils import timezone

from . import engine, runtime
from .models import Case, Channel, ProcessDefinition, ProcessVersion, VersionStatus

PARALLEL_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="defs_{key}" targetNamespace="http://digigov.example/bpmn">
  <bpmn:process id="{key}" name="{name}" isExecutable="true">
    <bpmn:startEvent id="start" name="申请"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="accept"/>
    <bpmn:userTask id="accept" name="窗口受理" camunda:candidateGroups="window_clerk"/>
    <bpmn:sequenceFlow id="f2" sourceRef="accept" targetRef="split"/>
    <bpmn:parallelGateway id="split" name="并联审批"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="review_a"/>
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="review_b"/>
    <bpmn:userTask id="review_a" name="{dept_a_name}审查" camunda:candidateGroups="approver@{dept_a}"/>
    <bpmn:userTask id="review_b" name="{dept_b_name}审查" camunda:candidateGroups="approver@{dept_b}"/>
    <bpmn:sequenceFlow id="f5" sourceRef="review_a" targetRef="join"/>
    <bpmn:sequenceFlow id="f6" sourceRef="review_b" targetRef="join"/>
    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="decide"/>
    <bpmn:exclusiveGateway id="decide" name="是否准予" default="f8"/>
    <bpmn:sequenceFlow id="f8" sourceRef="decide" targetRef="end_ok"/>
    <bpmn:sequenceFlow id="f9" sourceRef="decide" targetRef="end_no">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">review_a_decision == "reject" or review_b_decision == "reject"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="end_ok" name="准予许可"/>
    <bpmn:endEvent id="end_no" name="不予许可"/>
  </bpmn:process>
</bpmn:definitions>
"""


def parallel_bpmn(key: str = "two_dept_review", name: str = "两部门并联审批", *, dept_a, dept_b) -> str:
    return PARALLEL_BPMN.format(key=key, name=name, dept_a=dept_a.code, dept_b=dept_b.code,
                                dept_a_name=dept_a.short_name or dept_a.name, dept_b_name=dept_b.short_name or dept_b.name)


def make_version(xml: str, *, user, department=None, key: str | None = None, name: str = "测试流程", status=VersionStatus.ACTIVE) -> ProcessVersion:
    """A process version saved directly (no import checks): for tests of the runtime and of what uses it."""
    key = key or engine.parse_xml(xml).getroot().find(f"{{{engine.BPMN_NS}}}process").get("id")
    process, _ = ProcessDefinition.objects.get_or_create(key=key, defaults={"name": name, "department": department, "created_by": user})
    n = process.versions.count() + 1
    return ProcessVersion.objects.create(process=process, version=n, status=status, bpmn_xml=xml, sha256=engine.sha256_of(xml),
                                         filename=f"{key}.bpmn", imported_by=user, activated_at=timezone.now())


def start_case(version: ProcessVersion, *, actor, department, title: str = "测试事项", applicant=None, data: dict | None = None,
               channel=Channel.ONLINE, division=None) -> Case:
    case = Case(process_version=version, title=title, department=department, division=division, applicant=applicant,
                applicant_name=(applicant.display_name if applicant else "测试申请人"), channel=channel)
    runtime.start(case, actor, data=data)
    return case
