"""Authoring-time helper that wrote the demo ``.bpmn`` files in this folder WITH diagram interchange (DI),
so bpmn-js can draw them: ``python -m digigov.support.workflow.processes.authoring`` rewrites them from the
compact descriptions below. Nothing calls it at run time (the platform imports the checked-in files).

The layout is a plain layered one: an element's column is its longest distance from the start event,
rows are assigned in order within a column, edges are orthogonal (right, then up/down, then right);
a boundary event sits on its task's lower edge and its flow leaves downwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).parent
SIZES = {"task": (100, 80), "event": (36, 36), "gateway": (50, 50)}
KIND_SIZE = {
    "startEvent": "event", "endEvent": "event", "intermediateThrowEvent": "event", "intermediateCatchEvent": "event",
    "boundaryEvent": "event", "exclusiveGateway": "gateway", "parallelGateway": "gateway", "inclusiveGateway": "gateway",
}
COL, ROW, X0, Y0 = 170, 130, 160, 120


@dataclass
class El:
    id: str
    kind: str
    name: str = ""
    attrs: dict = field(default_factory=dict)
    inner: str = ""
    attached: str = ""  # boundary events: the host task


@dataclass
class Flow:
    id: str
    src: str
    tgt: str
    condition: str = ""
    name: str = ""


def service(id, name, topic, **params) -> El:
    inputs = "".join(f"<camunda:inputParameter name={quoteattr(k)}>{escape(str(v))}</camunda:inputParameter>" for k, v in params.items())
    inner = f"<bpmn:extensionElements><camunda:inputOutput>{inputs}</camunda:inputOutput></bpmn:extensionElements>" if inputs else ""
    return El(id, "serviceTask", name, {"camunda:type": "external", "camunda:topic": topic}, inner)


def user(id, name, group, **props) -> El:
    inner = ""
    if props:
        ps = "".join(f"<camunda:property name={quoteattr(k)} value={quoteattr(str(v))}/>" for k, v in props.items())
        inner = f"<bpmn:extensionElements><camunda:properties>{ps}</camunda:properties></bpmn:extensionElements>"
    return El(id, "userTask", name, {"camunda:candidateGroups": group}, inner)


def timer(id, name, host, duration, interrupting=True) -> El:
    return El(id, "boundaryEvent", name, {"cancelActivity": "true" if interrupting else "false"},
              f"<bpmn:timerEventDefinition id={quoteattr(id + '_def')}><bpmn:timeDuration xsi:type=\"bpmn:tFormalExpression\">{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>",
              attached=host)


def _layout(els: list[El], flows: list[Flow]) -> dict[str, tuple[float, float, float, float]]:
    by_id = {e.id: e for e in els}
    outs: dict[str, list[str]] = {e.id: [] for e in els}
    for f in flows:
        outs[f.src].append(f.tgt)
    col = {e.id: 0 for e in els if e.kind == "startEvent"}
    changed = True
    while changed:  # longest path on a DAG (the demo processes have no loops)
        changed = False
        for e in els:
            if e.kind == "boundaryEvent" and e.attached in col and col.get(e.id) != col[e.attached]:
                col[e.id] = col[e.attached]
                changed = True
        for f in flows:
            if f.src in col:
                want = col[f.src] + 1
                if col.get(f.tgt, -1) < want:
                    col[f.tgt] = want
                    changed = True
    rows: dict[int, int] = {}
    pos = {}
    for e in els:
        if e.kind == "boundaryEvent":
            continue
        c = col[e.id]
        r = rows.get(c, 0)
        rows[c] = r + 1
        w, h = SIZES[KIND_SIZE.get(e.kind, "task")]
        cx, cy = X0 + c * COL, Y0 + r * ROW
        pos[e.id] = (cx - w / 2, cy - h / 2, w, h)
    for e in els:
        if e.kind == "boundaryEvent":
            hx, hy, hw, hh = pos[e.attached]
            pos[e.id] = (hx + hw - 36 - 8, hy + hh - 18, 36, 36)
            # boundary targets go one row below the host
            for t in outs[e.id]:
                x, y, w, h = pos[t]
                pos[t] = (x, hy + hh + ROW / 2 - h / 2 + 20, w, h)
    _ = by_id
    return pos


def _waypoints(f: Flow, pos, els_by_id) -> list[tuple[float, float]]:
    sx, sy, sw, sh = pos[f.src]
    tx, ty, tw, th = pos[f.tgt]
    tcy = ty + th / 2
    if els_by_id[f.src].kind == "boundaryEvent":
        start = (sx + sw / 2, sy + sh)
        return [start, (start[0], tcy), (tx, tcy)]
    start = (sx + sw, sy + sh / 2)
    end = (tx, tcy)
    if abs(start[1] - end[1]) < 1:
        return [start, end]
    mid = (start[0] + end[0]) / 2
    return [start, (mid, start[1]), (mid, end[1]), end]


def render(key: str, name: str, els: list[El], flows: list[Flow], *, messages: dict[str, str] | None = None) -> str:
    pos = _layout(els, flows)
    by_id = {e.id: e for e in els}
    incoming: dict[str, list[str]] = {e.id: [] for e in els}
    outgoing: dict[str, list[str]] = {e.id: [] for e in els}
    for f in flows:
        outgoing[f.src].append(f.id)
        incoming[f.tgt].append(f.id)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
             'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
             'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             f'id="defs_{key}" targetNamespace="http://digigov.example/bpmn" exporter="digigov authoring" exporterVersion="1">']
    for mid, mname in (messages or {}).items():
        lines.append(f"  <bpmn:message id={quoteattr(mid)} name={quoteattr(mname)}/>")
    lines.append(f"  <bpmn:process id={quoteattr(key)} name={quoteattr(name)} isExecutable=\"true\">")
    for e in els:
        attrs = f" id={quoteattr(e.id)}" + (f" name={quoteattr(e.name)}" if e.name else "")
        if e.attached:
            attrs += f" attachedToRef={quoteattr(e.attached)}"
        for k, v in e.attrs.items():
            attrs += f" {k}={quoteattr(v)}"
        ext = e.inner if e.inner.startswith("<bpmn:extensionElements") else ""  # XSD order: extensions, flows, definitions
        body = ext
        body += "".join(f"<bpmn:incoming>{i}</bpmn:incoming>" for i in incoming[e.id])
        body += "".join(f"<bpmn:outgoing>{o}</bpmn:outgoing>" for o in outgoing[e.id])
        body += "" if ext else e.inner
        lines.append(f"    <bpmn:{e.kind}{attrs}>{body}</bpmn:{e.kind}>")
    for f in flows:
        attrs = f" id={quoteattr(f.id)} sourceRef={quoteattr(f.src)} targetRef={quoteattr(f.tgt)}" + (f" name={quoteattr(f.name)}" if f.name else "")
        if f.condition:
            lines.append(f"    <bpmn:sequenceFlow{attrs}><bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">{escape(f.condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>")
        else:
            lines.append(f"    <bpmn:sequenceFlow{attrs}/>")
    lines.append("  </bpmn:process>")
    lines.append(f'  <bpmndi:BPMNDiagram id="diagram_{key}"><bpmndi:BPMNPlane id="plane_{key}" bpmnElement={quoteattr(key)}>')
    for e in els:
        x, y, w, h = pos[e.id]
        extra = ' isMarkerVisible="true"' if e.kind == "exclusiveGateway" else ""
        lines.append(f'    <bpmndi:BPMNShape id="{e.id}_di" bpmnElement="{e.id}"{extra}><dc:Bounds x="{x:.0f}" y="{y:.0f}" width="{w}" height="{h}"/></bpmndi:BPMNShape>')
    for f in flows:
        pts = "".join(f'<di:waypoint x="{px:.0f}" y="{py:.0f}"/>' for px, py in _waypoints(f, pos, by_id))
        lines.append(f'    <bpmndi:BPMNEdge id="{f.id}_di" bpmnElement="{f.id}">{pts}</bpmndi:BPMNEdge>')
    lines.append("  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>")
    lines.append("</bpmn:definitions>")
    return "\n".join(lines) + "\n"


REJECT = 'decision == "reject"'


def individual_business() -> str:
    els = [
        El("start", "startEvent", "提交申请"),
        user("accept", "窗口受理", "window_clerk"),
        service("credit", "信用核查", "credit.check", on_blacklist="flag"),
        user("review", "市场监管审查", "approver@CITY-SAMR"),
        El("decide", "exclusiveGateway", "是否准予", {"default": "f_ok"}),
        service("issue", "核发营业执照", "licence.index", licence_type="BIZ_IND", licence_name="个体工商户营业执照"),
        service("notify", "通知申请人", "notify.applicant", title="您的个体工商户营业执照已核发"),
        El("end_ok", "endEvent", "准予登记"),
        El("end_no", "endEvent", "不予登记"),
    ]
    flows = [Flow("f1", "start", "accept"), Flow("f2", "accept", "credit"), Flow("f3", "credit", "review"), Flow("f4", "review", "decide"),
             Flow("f_ok", "decide", "issue", name="准予"), Flow("f_no", "decide", "end_no", REJECT, "不予"),
             Flow("f5", "issue", "notify"), Flow("f6", "notify", "end_ok")]
    return render("individual_business_registration", "个体工商户设立登记", els, flows)


def food_licence() -> str:
    els = [
        El("start", "startEvent", "提交申请"),
        user("accept", "窗口受理", "window_clerk"),
        El("split", "parallelGateway", "并联审查"),
        user("samr_review", "市场监管审查", "approver@CITY-SAMR"),
        user("hea_inspect", "卫健现场核查", "approver@CITY-HEA"),
        timer("inspect_remind", "核查催办", "hea_inspect", "P3D", interrupting=False),
        El("remind_note", "intermediateThrowEvent", "发出催办"),
        El("remind_end", "endEvent", "催办已记录"),
        El("join", "parallelGateway"),
        user("decide_task", "作出许可决定", "approver@CITY-SAMR"),
        El("decide", "exclusiveGateway", "是否准予", {"default": "f_ok"}),
        service("issue", "核发食品经营许可证", "licence.index", licence_type="FOOD_BIZ", licence_name="食品经营许可证", valid_years="5"),
        El("end_ok", "endEvent", "准予许可"),
        El("end_no", "endEvent", "不予许可"),
    ]
    flows = [Flow("f1", "start", "accept"), Flow("f2", "accept", "split"), Flow("f3", "split", "samr_review"), Flow("f4", "split", "hea_inspect"),
             Flow("f5", "samr_review", "join"), Flow("f6", "hea_inspect", "join"), Flow("f7", "join", "decide_task"),
             Flow("f8", "decide_task", "decide"), Flow("f_ok", "decide", "issue", name="准予"), Flow("f_no", "decide", "end_no", REJECT, "不予"),
             Flow("f9", "issue", "end_ok"), Flow("fr1", "inspect_remind", "remind_note"), Flow("fr2", "remind_note", "remind_end")]
    return render("food_business_licence", "食品经营许可", els, flows)


def joint_drawing_review() -> str:
    els = [
        El("start", "startEvent", "开始联合审图"),
        El("split", "parallelGateway", "并联审图"),
        user("structure", "施工图审查", "approver@CITY-HUD"),
        user("fire", "消防设计审查", "approver@CITY-HUD"),
        user("civil_defence", "人防设计审查", "approver@CITY-CAD"),
        El("join", "parallelGateway"),
        El("end", "endEvent", "审图完成"),
    ]
    flows = [Flow("f1", "start", "split"), Flow("f2", "split", "structure"), Flow("f3", "split", "fire"), Flow("f4", "split", "civil_defence"),
             Flow("f5", "structure", "join"), Flow("f6", "fire", "join"), Flow("f7", "civil_defence", "join"), Flow("f8", "join", "end")]
    return render("joint_drawing_review", "施工图联合审查", els, flows)


def construction_permit() -> str:
    els = [
        El("start", "startEvent", "提交申请"),
        user("accept", "窗口受理", "window_clerk"),
        El("drawings", "callActivity", "联合审图", {"calledElement": "joint_drawing_review"}),
        El("split", "parallelGateway", "并联审批"),
        user("hud_review", "住建审查", "approver@CITY-HUD"),
        user("nr_review", "自然资源规划核验", "approver@CITY-NR"),
        user("fire_review", "消防验收条件审查", "approver@CITY-HUD"),
        El("join", "parallelGateway"),
        user("decide_task", "作出许可决定", "approver@CITY-HUD"),
        El("decide", "exclusiveGateway", "是否准予", {"default": "f_ok"}),
        service("issue", "核发施工许可证", "licence.index", licence_type="BUILD_PERMIT", licence_name="建筑工程施工许可证"),
        El("end_ok", "endEvent", "准予许可"),
        El("end_no", "endEvent", "不予许可"),
    ]
    flows = [Flow("f1", "start", "accept"), Flow("f2", "accept", "drawings"), Flow("f3", "drawings", "split"),
             Flow("f4", "split", "hud_review"), Flow("f5", "split", "nr_review"), Flow("f6", "split", "fire_review"),
             Flow("f7", "hud_review", "join"), Flow("f8", "nr_review", "join"), Flow("f9", "fire_review", "join"),
             Flow("f10", "join", "decide_task"), Flow("f11", "decide_task", "decide"),
             Flow("f_ok", "decide", "issue", name="准予"), Flow("f_no", "decide", "end_no", REJECT, "不予"), Flow("f12", "issue", "end_ok")]
    return render("construction_permit", "建设工程施工许可", els, flows)


def newborn() -> str:
    els = [
        El("start", "startEvent", "提交申请"),
        user("accept", "窗口受理", "window_clerk"),
        El("split", "parallelGateway", "一件事并联办理"),
        user("hukou", "户籍登记", "approver@CITY-PSB"),
        user("birth_cert", "出生医学证明", "approver@CITY-HEA"),
        user("insurance", "医保参保登记", "approver@CITY-HSA"),
        El("join", "parallelGateway"),
        service("notify", "通知申请人", "notify.applicant", title="新生儿出生一件事已办结", body="户籍、出生医学证明、医保参保均已办理完成。"),
        El("end", "endEvent", "办结"),
    ]
    flows = [Flow("f1", "start", "accept"), Flow("f2", "accept", "split"), Flow("f3", "split", "hukou"), Flow("f4", "split", "birth_cert"),
             Flow("f5", "split", "insurance"), Flow("f6", "hukou", "join"), Flow("f7", "birth_cert", "join"), Flow("f8", "insurance", "join"),
             Flow("f9", "join", "notify"), Flow("f10", "notify", "end")]
    return render("newborn_one_thing", "新生儿出生一件事", els, flows)


def pension() -> str:
    els = [
        El("start", "startEvent", "提交申请"),
        service("lookup", "人口基础库核验", "registry.person_lookup"),
        user("review", "参保审核", "approver@CITY-HRSS"),
        El("decide", "exclusiveGateway", "是否符合", {"default": "f_ok"}),
        El("end_ok", "endEvent", "参保成功"),
        El("end_no", "endEvent", "不予参保"),
    ]
    flows = [Flow("f1", "start", "lookup"), Flow("f2", "lookup", "review"), Flow("f3", "review", "decide"),
             Flow("f_ok", "decide", "end_ok", name="符合"), Flow("f_no", "decide", "end_no", REJECT, "不符合")]
    return render("resident_pension_enrolment", "城乡居民养老保险参保", els, flows)


FILES = {
    "individual_business_registration.bpmn": individual_business,
    "food_business_licence.bpmn": food_licence,
    "joint_drawing_review.bpmn": joint_drawing_review,
    "construction_permit.bpmn": construction_permit,
    "newborn_one_thing.bpmn": newborn,
    "resident_pension_enrolment.bpmn": pension,
}


def main() -> None:
    for name, build in FILES.items():
        (HERE / name).write_text(build(), encoding="utf-8")
        print("wrote", name)


if __name__ == "__main__":
    main()
