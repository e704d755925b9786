"""Small BPMN documents for the engine's tests: ``doc(body)`` wraps process elements in a definitions
document with the Camunda namespace; ``LINEAR`` is a valid two-task process to mutate."""

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'id="defs" targetNamespace="http://digigov.example/bpmn">\n')


def doc(body: str, *, key: str = "sample", name: str = "样例流程", executable: str = "true", extra: str = "") -> str:
    return f'{HEAD}{extra}<bpmn:process id="{key}" name="{name}" isExecutable="{executable}">\n{body}\n</bpmn:process>\n</bpmn:definitions>\n'


def cond(expr: str) -> str:
    return f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{expr}</bpmn:conditionExpression>'


LINEAR_BODY = """
<bpmn:startEvent id="start"/>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="accept"/>
<bpmn:userTask id="accept" name="受理" camunda:candidateGroups="window_clerk"/>
<bpmn:sequenceFlow id="f2" sourceRef="accept" targetRef="review"/>
<bpmn:userTask id="review" name="审查" camunda:candidateGroups="approver"/>
<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
<bpmn:endEvent id="end" name="办结"/>
"""


def linear(key: str = "sample", **kw) -> str:
    return doc(LINEAR_BODY, key=key, **kw)


def service(topic: str, params: str = "", *, key: str = "svc") -> str:
    return doc(f"""
<bpmn:startEvent id="start"/>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
<bpmn:serviceTask id="call" name="调用组件" camunda:type="external" camunda:topic="{topic}">
  <bpmn:extensionElements><camunda:inputOutput>{params}</camunda:inputOutput></bpmn:extensionElements>
</bpmn:serviceTask>
<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="review"/>
<bpmn:userTask id="review" name="审查" camunda:candidateGroups="approver"/>
<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
<bpmn:endEvent id="end"/>
""", key=key)
