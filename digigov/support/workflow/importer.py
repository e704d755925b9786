"""Checking a ``.bpmn`` file before it becomes a process version.

``check(xml_bytes, filename)`` answers the file's main process (id, name), or raises ``ValidationFailed``
whose ``detail["errors"]`` lists every problem as ``{"element": <BPMN id>, "message": <Chinese reason>}``
(the message names the first one). It refuses, in this order:

* what is not XML, or declares a DOCTYPE (entities: XXE), or is not a ``bpmn:definitions`` document;
* what the BPMN 2.0 XSD (shipped with SpiffWorkflow) refuses;
* a file without an executable process;
* elements the platform does not run: it runs start/end events, user/service/manual/none tasks,
  exclusive/parallel/inclusive gateways, timer (duration or date) and message boundary/intermediate
  events, call activities and embedded subprocesses. Script tasks are refused: no code from a file runs;
* sequence flows whose source or target is missing, and nodes without incoming or outgoing flows;
* gateway conditions outside the safe expression subset (``engine.check_expression``);
* service tasks naming a business component that is not registered;
* ``camunda:candidateGroups`` naming an unknown role, or ``@DEPTCODE`` an unknown department;
* ``camunda:formKey`` naming a form that does not exist; call activities naming a process that is
  neither in the file nor active on the platform; timers that do not parse; message events without a
  named message;
* and finally whatever SpiffWorkflow's own parser refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from digigov.core.errors import ValidationFailed

from . import engine
from .engine import BPMN_NS, CAMUNDA_NS

MAX_BYTES = 2 * 1024 * 1024

FLOW_NODES = {
    "startEvent", "endEvent", "userTask", "serviceTask", "manualTask", "task", "exclusiveGateway", "parallelGateway",
    "inclusiveGateway", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent", "callActivity", "subProcess",
}
OTHER_ALLOWED = {"sequenceFlow", "laneSet", "textAnnotation", "association", "dataObject", "dataObjectReference",
                 "dataStoreReference", "extensionElements", "documentation", "ioSpecification", "property", "group"}
UNSUPPORTED = {
    "scriptTask": "不支持脚本任务（平台不运行流程文件中的代码，请改用服务任务调用业务组件）",
    "businessRuleTask": "不支持业务规则任务",
    "sendTask": "不支持发送任务（请改用消息中间事件）",
    "receiveTask": "不支持接收任务（请改用消息中间捕获事件）",
    "eventBasedGateway": "不支持事件网关",
    "complexGateway": "不支持复杂网关",
    "transaction": "不支持事务子流程",
    "adHocSubProcess": "不支持自由子流程",
}
EVENT_DEFINITIONS = {"timerEventDefinition", "messageEventDefinition", "terminateEventDefinition"}
SUPPORTED_TEXT = "开始/结束事件、用户任务、服务任务、人工任务、排他/并行/包容网关、定时与消息事件、调用活动、子流程"


@dataclass
class Checked:
    process_id: str
    name: str
    tree: object


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


def _local(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _fail(errors: list[dict]):
    first = errors[0]
    where = f"（元素 {first['element']}）" if first.get("element") else ""
    more = f"等 {len(errors)} 处问题" if len(errors) > 1 else ""
    raise ValidationFailed(f"流程文件有误{where}：{first['message']}{more}", code="bpmn_invalid",
                           detail={"field": "file", "errors": errors[:50]})


def _parse(xml_bytes) -> object:
    if not xml_bytes:
        _fail([{"element": "", "message": "文件为空"}])
    if len(xml_bytes) > MAX_BYTES:
        _fail([{"element": "", "message": "文件过大（不超过 2 MB）"}])
    try:
        tree = engine.parse_xml(xml_bytes)
    except (etree.XMLSyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        _fail([{"element": "", "message": "不是有效的 XML 文件" + (f"（第 {line} 行）" if line else "")}])
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        _fail([{"element": "", "message": "文件不能包含 DOCTYPE 或实体声明"}])
    root = tree.getroot()
    if root.tag != _q("definitions"):
        _fail([{"element": "", "message": "不是 BPMN 2.0 文件（根元素应为 bpmn:definitions）"}])
    return tree


def _xsd(tree) -> None:
    from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

    try:
        _validator().validate(etree.fromstring(etree.tostring(tree)).getroottree())
    except ValidationException as exc:
        line = getattr(exc, "line_number", "") or ""
        _fail([{"element": "", "message": "不符合 BPMN 2.0 规范" + (f"（第 {line} 行）" if line else ""), "detail": str(exc.args[0])[:300] if exc.args else ""}])


_VALIDATOR = None


def _validator():
    global _VALIDATOR
    if _VALIDATOR is None:
        from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator

        _VALIDATOR = BpmnValidator()
    return _VALIDATOR


def _main_process(tree):
    processes = tree.getroot().findall(_q("process"))
    executable = [p for p in processes if (p.get("isExecutable") or "").lower() == "true"]
    if not executable:
        _fail([{"element": processes[0].get("id", "") if processes else "", "message": "文件中没有可执行的流程（isExecutable=\"true\"）"}])
    called = {(n.get("calledElement") or "") for n in tree.iter(_q("callActivity"))}
    main = [p for p in executable if p.get("id") not in called] or executable
    return main[0], processes


def _check_container(container, errors: list[dict], ctx: dict) -> None:
    """One process or subprocess: its elements, its flows, conditions, references."""
    nodes: dict[str, object] = {}
    flows = []
    for child in container:
        if not isinstance(child.tag, str):
            continue
        name = _local(child)
        cid = child.get("id", "")
        if child.tag.startswith(f"{{{BPMN_NS}}}") is False:
            continue
        if name in UNSUPPORTED:
            errors.append({"element": cid, "message": UNSUPPORTED[name]})
            continue
        if name == "sequenceFlow":
            flows.append(child)
            continue
        if name in OTHER_ALLOWED:
            continue
        if name not in FLOW_NODES:
            errors.append({"element": cid, "message": f"不支持的元素 {name}（平台支持：{SUPPORTED_TEXT}）"})
            continue
        nodes[cid] = child
        _check_node(child, name, errors, ctx)
        if name == "subProcess":
            _check_container(child, errors, ctx)
    incoming = {k: 0 for k in nodes}
    outgoing = {k: 0 for k in nodes}
    for f in flows:
        fid, src, tgt = f.get("id", ""), f.get("sourceRef", ""), f.get("targetRef", "")
        if src not in nodes:
            errors.append({"element": fid, "message": f"顺序流的起点 {src or '（空）'} 不存在"})
        else:
            outgoing[src] += 1
        if tgt not in nodes:
            errors.append({"element": fid, "message": f"顺序流的终点 {tgt or '（空）'} 不存在"})
        else:
            incoming[tgt] += 1
        cond = f.find(_q("conditionExpression"))
        if cond is not None and (cond.text or "").strip():
            try:
                engine.check_expression(cond.text)
            except engine.UnsafeExpression as exc:
                errors.append({"element": fid, "message": str(exc.args[0])})
    for nid, node in nodes.items():
        kind = _local(node)
        if kind not in ("startEvent", "boundaryEvent") and incoming[nid] == 0:
            errors.append({"element": nid, "message": "该节点没有流入的顺序流（流程走不到这里）"})
        if kind != "endEvent" and outgoing[nid] == 0:
            errors.append({"element": nid, "message": "该节点没有流出的顺序流（流程会停在这里）"})
        if kind == "boundaryEvent" and node.get("attachedToRef") not in nodes:
            errors.append({"element": nid, "message": f"边界事件附着的任务 {node.get('attachedToRef') or '（空）'} 不存在"})
    if not any(_local(n) == "startEvent" for n in nodes.values()):
        errors.append({"element": container.get("id", ""), "message": "流程没有开始事件"})


def _check_node(node, kind: str, errors: list[dict], ctx: dict) -> None:
    from digigov.core import registry

    nid = node.get("id", "")
    defs = [c for c in node if isinstance(c.tag, str) and _local(c).endswith("EventDefinition")]
    for d in defs:
        dk = _local(d)
        if dk not in EVENT_DEFINITIONS:
            errors.append({"element": nid, "message": f"不支持该类事件（{dk}），平台支持定时和消息事件"})
        elif dk == "timerEventDefinition":
            _check_timer(nid, d, errors)
        elif dk == "messageEventDefinition":
            ref = d.get("messageRef") or ""
            if ref not in ctx["messages"]:
                errors.append({"element": nid, "message": "消息事件未指定消息，或引用的消息不存在（须有 bpmn:message 及其名称）"})
        if dk == "terminateEventDefinition" and kind != "endEvent":
            errors.append({"element": nid, "message": "终止事件只能是结束事件"})
    if kind == "startEvent" and defs and ctx["top"] is node.getparent():
        errors.append({"element": nid, "message": "主流程只能用空开始事件（由受理发起）"})
    if kind in ("boundaryEvent", "intermediateCatchEvent") and not defs:
        errors.append({"element": nid, "message": "中间/边界事件须是定时或消息事件"})
    if kind == "serviceTask":
        code = engine.service_component_code(node)
        if not code:
            errors.append({"element": nid, "message": "服务任务未指定业务组件（camunda:topic）"})
        elif registry.component(code) is None:
            errors.append({"element": nid, "message": f"业务组件 {code} 未注册"})
        else:
            comp = registry.component(code)
            given = set(engine.io_parameters(node, "inputParameter"))
            missing = [p.name for p in comp.inputs if p.required and p.name not in given]
            if missing:
                errors.append({"element": nid, "message": f"业务组件 {comp.label} 缺少输入参数：{'、'.join(missing)}"})
    if kind == "userTask":
        groups = [g.strip() for g in (node.get(f"{{{CAMUNDA_NS}}}candidateGroups") or "").split(",") if g.strip()]
        for g in groups:
            role, _, dept = g.partition("@")
            if role not in ctx["roles"]:
                errors.append({"element": nid, "message": f"办理角色 {role} 不存在"})
            if dept and dept not in ctx["departments"]:
                errors.append({"element": nid, "message": f"部门代码 {dept} 不存在"})
        form_key = (node.get(f"{{{CAMUNDA_NS}}}formKey") or "").strip()
        if form_key:
            key = form_key.split(":", 1)[0]
            if key not in ctx["forms"]:
                errors.append({"element": nid, "message": f"表单 {key} 不存在"})
    if kind == "callActivity":
        called = (node.get("calledElement") or "").strip()
        if not called:
            errors.append({"element": nid, "message": "调用活动未指定被调用的流程（calledElement）"})
        elif called not in ctx["own_processes"] and called not in ctx["active_processes"]:
            errors.append({"element": nid, "message": f"调用的流程 {called} 不存在或没有生效的版本"})


def _check_timer(nid: str, d, errors: list[dict]) -> None:
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    duration, date, cycle = d.find(_q("timeDuration")), d.find(_q("timeDate")), d.find(_q("timeCycle"))
    if cycle is not None:
        errors.append({"element": nid, "message": "不支持循环定时（timeCycle），请用时长（如 P3D）或日期"})
        return
    node = duration if duration is not None else date
    text = (node.text or "").strip().strip("'\"") if node is not None else ""
    if not text:
        errors.append({"element": nid, "message": "定时事件未设置时长或日期"})
        return
    try:
        if duration is not None:
            if not text.upper().startswith("P"):
                raise ValueError
            TimerEventDefinition.parse_iso_duration(text)
        else:
            TimerEventDefinition.get_datetime(text)
    except Exception:
        errors.append({"element": nid, "message": f"定时设置 {text[:40]} 不是有效的 ISO 8601 时长或日期（如 PT30M、P3D、2026-12-01T09:00）"})


def _context(tree) -> dict:
    from digigov.core.org.models import Department
    from digigov.core.rbac.models import Role
    from digigov.support.forms.models import FormDefinition

    from .models import ProcessVersion, VersionStatus

    root = tree.getroot()
    return {
        "roles": set(Role.values) - {Role.SYSTEM},
        "departments": set(Department.objects.values_list("code", flat=True)),
        "forms": set(FormDefinition.objects.values_list("key", flat=True)),
        "messages": {m.get("id") for m in root.findall(_q("message")) if m.get("name")},
        "own_processes": {p.get("id") for p in root.findall(_q("process"))},
        "active_processes": set(ProcessVersion.objects.filter(status=VersionStatus.ACTIVE).values_list("process__key", flat=True)),
    }


def check(xml_bytes: bytes, filename: str = "process.bpmn") -> Checked:
    if isinstance(xml_bytes, str):
        xml_bytes = xml_bytes.encode("utf-8")
    tree = _parse(xml_bytes)
    _xsd(tree)
    main, processes = _main_process(tree)
    ctx = _context(tree)
    errors: list[dict] = []
    for p in processes:
        ctx["top"] = p
        _check_container(p, errors, ctx)
    if errors:
        _fail(errors)
    _spiff_parse(xml_bytes, main.get("id"), filename, ctx)
    return Checked(process_id=main.get("id"), name=(main.get("name") or main.get("id"))[:100], tree=tree)


def _spiff_parse(xml_bytes: bytes, process_id: str, filename: str, ctx: dict) -> None:
    from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

    from .models import ProcessVersion, VersionStatus

    extra = {}
    called = set(engine.called_elements(xml_bytes))
    for v in ProcessVersion.objects.filter(process__key__in=called, status=VersionStatus.ACTIVE).select_related("process"):
        extra[f"{v.process.key}.v{v.version}.bpmn"] = v.bpmn_xml
        extra.update(engine.called_process_files(v))
    try:
        engine.parse(xml_bytes, process_id=process_id, filename=filename or "process.bpmn", extra=extra)
    except ValidationException as exc:
        node = getattr(exc, "id", "") or ""
        _fail([{"element": node, "message": "流程引擎无法解析该流程", "detail": str(exc.args[0])[:300] if exc.args else ""}])
    except Exception as exc:  # SpiffWorkflow raises plain exceptions for some malformed models
        _fail([{"element": "", "message": "流程引擎无法解析该流程", "detail": type(exc).__name__}])
