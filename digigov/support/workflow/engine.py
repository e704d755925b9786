"""SpiffWorkflow behind one small interface: parse a ``.bpmn`` file, make a workflow for a process version,
and turn a workflow into JSON and back.

* Files are parsed with SpiffWorkflow's Camunda parser, so what Camunda Modeler and bpmn.io draw
  (``camunda:candidateGroups``, ``camunda:properties``, ``camunda:formKey``) reads as drawn.
* Parsed specs are cached per process version (a version never changes once saved), and the serialized
  state of a case leaves the spec out: a case stores only its own task tree and data, and gets the spec
  back from the cache when it is loaded. That keeps an open case to a few kilobytes.
* ``element_meta(version)`` reads what SpiffWorkflow's parser does not keep but the task engine needs
  (who a user task is for, its form, its time limit) straight from the XML, once per version.
* Loading a case does not rebuild the spec from JSON: ``load`` restores only the task tree onto the
  cached spec objects (SpiffWorkflow's serializer would re-create every task spec on every load).
* Expressions in a BPMN file (gateway conditions, timer definitions) are run by ``SafeScriptEngine``: a
  restricted subset of Python (names, constants, comparisons, boolean operators, ``in``, arithmetic, a
  constant subscript) checked with ``ast`` and evaluated without builtins. Script tasks are refused at
  import and cannot run: no code from an imported file ever runs.
* Service tasks call business components (``components.py``) through ``ComponentTask``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import ast
import re
import uuid
from copy import deepcopy
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask as ServiceTaskMixin
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG

# SpiffWorkflow logs every task state change at INFO ("spiff.task", "spiff.workflow"): a dozen JSON log
# lines per engine step, most of a step's time. The case timeline and the audit log record what matters.
logging.getLogger("spiff").setLevel(logging.WARNING)

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}


# --- safe expressions -------------------------------------------------------------------------------

_ALLOWED_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.Compare,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
    ast.Name, ast.Load, ast.Constant, ast.List, ast.Tuple, ast.Set, ast.BinOp, ast.Add, ast.Sub, ast.Mult,
    ast.Div, ast.Mod, ast.FloorDiv, ast.IfExp,
)
ISO_TIME = re.compile(r"^(R\d*/)?P[0-9YMWDTHS.,]+$|^\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]+)?$", re.IGNORECASE)


class UnsafeExpression(ValueError):
    """An expression outside the safe subset; ``args[0]`` is the Chinese reason."""


def check_expression(expression: str) -> ast.Expression:
    """The parsed expression, or ``UnsafeExpression`` with a Chinese reason: only names, constants,
    comparisons, boolean operators, ``in``, arithmetic and ``name["constant"]`` are allowed — no calls,
    attributes, lambdas, comprehensions or names starting with an underscore."""
    text = (expression or "").strip()
    if not text:
        raise UnsafeExpression("条件表达式为空")
    if len(text) > 500:
        raise UnsafeExpression("条件表达式过长（不超过 500 个字符）")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise UnsafeExpression(f"条件表达式语法错误：{text[:80]}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            if not (isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant)):
                raise UnsafeExpression("条件表达式只能按常量取值，如 申请人['年龄']")
            continue
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise UnsafeExpression(f"条件表达式不能使用以下划线开头的名称：{node.id}")
        if isinstance(node, ast.Call):
            raise UnsafeExpression("条件表达式不能调用函数")
        if isinstance(node, ast.Attribute):
            raise UnsafeExpression("条件表达式不能访问属性")
        if not isinstance(node, _ALLOWED_NODES):
            raise UnsafeExpression(f"条件表达式不支持该写法（{type(node).__name__}）")
    return tree


class _Data(dict):
    """Task data for an expression: a name the case does not have reads as None (not a crash)."""

    def __missing__(self, key):
        return None


@functools.lru_cache(maxsize=2048)
def _compiled(expression: str):
    return compile(check_expression(expression), "<condition>", "eval")


class SafeScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine with the safe subset only: expressions are checked with ``ast`` and
    evaluated with no builtins; ISO 8601 timer values (``PT5M``, ``2026-12-01T09:00``) written bare, as
    Camunda Modeler does, are taken as strings; scripts never run."""

    def validate(self, expression):
        check_expression(expression)

    def evaluate(self, task, expression, external_context=None):
        text = (expression or "").strip()
        if ISO_TIME.match(text):
            return text
        try:
            return eval(_compiled(text), {"__builtins__": {}}, _Data(task.data))  # noqa: S307 — checked subset, no builtins
        except UnsafeExpression:
            raise
        except Exception as exc:  # TypeError comparing None with a number, …
            from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

            raise WorkflowTaskException(f"条件表达式无法计算：{text[:80]}", task=task, exception=exc) from exc

    def execute(self, task, script, external_context=None):
        raise UnsafeExpression("平台不运行脚本任务")

    def call_service(self, task, **kwargs):
        raise UnsafeExpression("服务任务须调用已注册的业务组件")


SCRIPT_ENGINE = SafeScriptEngine()


# --- service tasks bound to business components ----------------------------------------------------

class ComponentFailed(Exception):
    """A business component raised: the engine step commits the case into ``incident``."""

    def __init__(self, task, component: str, message: str, code: str = "component_failed"):
        super().__init__(message)
        self.task, self.component, self.message, self.code = task, component, message, code


class ComponentTask(ServiceTaskMixin, BpmnSpecMixin):
    """``<bpmn:serviceTask camunda:type="external" camunda:topic="credit.check">`` (or
    ``camunda:class``/``implementation``): calls the registered component with the ``camunda:inputOutput``
    input parameters (``${name}`` / a bare data name reads case data, anything else is a literal) and writes
    its outputs into the task data (renamed by output parameters, else under their own names)."""

    def __init__(self, wf_spec, bpmn_id, component="", params_in=None, params_out=None, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.component = component
        self.params_in = dict(params_in or {})  # (TaskSpec's own inputs/outputs are its graph edges)
        self.params_out = dict(params_out or {})

    def _execute(self, task):
        from digigov.core import registry
        from digigov.core.errors import DigiGovError

        component = registry.component(self.component)
        if component is None:
            raise ComponentFailed(task, self.component, f"业务组件未注册：{self.component}", "component_missing")
        inputs = {name: _input_value(value, task.data) for name, value in self.params_in.items()}
        ctx = CURRENT.get()
        try:
            outputs = component.func(ctx.actor, ctx.case, inputs) or {}
        except DigiGovError as exc:
            raise ComponentFailed(task, self.component, exc.message, exc.code) from exc
        except Exception as exc:  # a component's bug must not lose the case: it becomes an incident
            raise ComponentFailed(task, self.component, f"业务组件执行出错：{type(exc).__name__}") from exc
        for name, value in outputs.items():
            task.data[self.params_out.get(name, name)] = value
        return True


_EXPR = re.compile(r"^\$\{\s*([A-Za-z_][\w.]*)\s*\}$")


def _input_value(value, data: dict):
    if not isinstance(value, str):
        return value
    m = _EXPR.match(value.strip())
    if m:
        cur = data
        for part in m.group(1).split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        return cur
    return value


class ComponentTaskParser(CamundaTaskParser):
    def create_task(self):
        return self.spec_class(self.spec, self.bpmn_id, component=service_component_code(self.node),
                               params_in=io_parameters(self.node, "inputParameter"),
                               params_out={_EXPR.sub(r"\1", v.strip()): k for k, v in io_parameters(self.node, "outputParameter").items() if v},
                               **self.bpmn_attributes)


def service_component_code(node) -> str:
    """The component a service task names: ``camunda:topic`` (external task), else ``camunda:class`` /
    ``camunda:delegateExpression`` / ``implementation``."""
    for attr in (f"{{{CAMUNDA_NS}}}topic", f"{{{CAMUNDA_NS}}}class", f"{{{CAMUNDA_NS}}}delegateExpression", "implementation"):
        value = (node.get(attr) or "").strip()
        if value and value != "##WebService":
            return value
    return ""


def io_parameters(node, kind: str) -> dict:
    out = {}
    for p in node.findall(f"bpmn:extensionElements/camunda:inputOutput/camunda:{kind}", NS):
        name = p.get("name")
        if name:
            out[name] = (p.text or "").strip()
    return out


class ComponentTaskConverter(BpmnTaskSpecConverter):
    def to_dict(self, spec):
        dct = self.get_default_attributes(spec)
        dct.update(component=spec.component, params_in=spec.params_in, params_out=spec.params_out)
        return dct

    def from_dict(self, dct):
        return self.task_spec_from_dict(dct)


class Parser(CamundaParser):
    """The platform's BPMN parser: Camunda's, with service tasks bound to business components."""

    OVERRIDE_PARSER_CLASSES = {**CamundaParser.OVERRIDE_PARSER_CLASSES, full_tag("serviceTask"): (ComponentTaskParser, ComponentTask)}


_CONFIG = deepcopy(DEFAULT_CONFIG)
_CONFIG[ComponentTask] = ComponentTaskConverter
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))
_WF_CONVERTER = SERIALIZER.registry.convert_from_dict[SERIALIZER.registry.typenames[BpmnWorkflow]].args[0].__self__


@dataclass
class StepContext:
    actor: object = None
    case: object = None


import contextvars  # noqa: E402

CURRENT: contextvars.ContextVar[StepContext] = contextvars.ContextVar("workflow_step", default=StepContext())


def sha256_of(xml: str | bytes) -> str:
    return hashlib.sha256(xml.encode("utf-8") if isinstance(xml, str) else xml).hexdigest()


def parse_xml(xml: str | bytes):
    """lxml tree of a BPMN file; external entities and network access refused."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return etree.fromstring(data, parser=parser).getroottree()


def parse(xml: str | bytes, *, process_id: str, filename: str = "process.bpmn", extra: dict[str, str] | None = None):
    """(spec, subprocess_specs) of ``process_id`` in ``xml``; ``extra`` maps other files' names to their XML
    (the processes call activities name)."""
    parser = Parser()
    parser.add_bpmn_xml(parse_xml(xml), filename=filename)
    for name, other in (extra or {}).items():
        parser.add_bpmn_xml(parse_xml(other), filename=name)
    spec = parser.get_spec(process_id)
    subprocesses = parser.get_subprocess_specs(process_id)
    return spec, subprocesses


@dataclass(frozen=True)
class ElementMeta:
    """What one user task asks for, as drawn: ``candidate_groups`` (role codes, optionally ``role@DEPTCODE``),
    ``form_key`` (a form key, optionally ``key:version``), ``properties`` (camunda:properties: ``department``,
    ``division``, ``due_days`` …)."""

    element_id: str
    name: str
    kind: str = "userTask"
    candidate_groups: tuple[str, ...] = ()
    form_key: str = ""
    properties: dict = field(default_factory=dict)


def read_element_meta(xml: str | bytes) -> dict[str, ElementMeta]:
    tree = parse_xml(xml)
    out: dict[str, ElementMeta] = {}
    kinds = ("userTask", "serviceTask", "endEvent", "startEvent", "manualTask", "task", "callActivity", "subProcess",
             "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway", "parallelGateway", "inclusiveGateway")
    for node in tree.iter(*(f"{{{BPMN_NS}}}{k}" for k in kinds)):
        groups = node.get(f"{{{CAMUNDA_NS}}}candidateGroups", "") or ""
        props = {
            p.get("name"): p.get("value", "")
            for p in node.findall("bpmn:extensionElements/camunda:properties/camunda:property", NS)
            if p.get("name")
        }
        out[node.get("id")] = ElementMeta(
            element_id=node.get("id"),
            kind=etree.QName(node).localname,
            name=node.get("name") or node.get("id"),
            candidate_groups=tuple(g.strip() for g in groups.split(",") if g.strip()),
            form_key=node.get(f"{{{CAMUNDA_NS}}}formKey", "") or "",
            properties=props,
        )
    return out


@functools.lru_cache(maxsize=256)
def _cached(version_pk: int, sha256: str):
    from .models import ProcessVersion

    version = ProcessVersion.objects.select_related("process").get(pk=version_pk)
    extra = called_process_files(version)
    spec, subprocesses = parse(version.bpmn_xml, process_id=version.process.key, filename=version.filename or "process.bpmn", extra=extra)
    spec_dct = SERIALIZER.to_dict(spec)
    sub_dct = {name: SERIALIZER.to_dict(s) for name, s in subprocesses.items()}
    timers = "timerEventDefinition" in version.bpmn_xml or any("timerEventDefinition" in x for x in extra.values())
    return spec, subprocesses, spec_dct, sub_dct, read_element_meta(version.bpmn_xml), timers


def called_elements(xml: str | bytes) -> list[str]:
    """The process ids ``xml``'s call activities name (``calledElement``) and that ``xml`` does not define."""
    tree = parse_xml(xml)
    own = {p.get("id") for p in tree.iter(f"{{{BPMN_NS}}}process")}
    called = [(n.get("calledElement") or "").strip() for n in tree.iter(f"{{{BPMN_NS}}}callActivity")]
    return sorted({c for c in called if c and c not in own})


def called_process_files(version, _seen: frozenset = frozenset()) -> dict[str, str]:
    """The XML of the processes ``version``'s call activities name: each one's active version (a called
    process is resolved when the calling version is first loaded), and, recursively, what they call."""
    from .models import ProcessVersion, VersionStatus

    out: dict[str, str] = {}
    keys = [k for k in called_elements(version.bpmn_xml) if k not in _seen]
    if not keys:
        return out
    called = ProcessVersion.objects.filter(process__key__in=keys, status=VersionStatus.ACTIVE).select_related("process")
    for v in called:
        out[f"{v.process.key}.v{v.version}.bpmn"] = v.bpmn_xml
        out.update(called_process_files(v, _seen | {version.process.key, *keys}))
    return out


def spec_for(version):
    spec, subprocesses, *_ = _cached(version.pk, version.sha256)
    return spec, subprocesses


def element_meta(version) -> dict[str, ElementMeta]:
    return _cached(version.pk, version.sha256)[4]


def new_workflow(version) -> BpmnWorkflow:
    spec, subprocesses = spec_for(version)
    return BpmnWorkflow(spec, subprocesses, script_engine=SCRIPT_ENGINE)


def dump(workflow: BpmnWorkflow) -> dict:
    """The workflow's state as a JSON-ready dict, without the (cached) specs: what SpiffWorkflow's
    ``BpmnWorkflowConverter.to_dict`` writes minus ``spec``/``subprocess_specs`` (never converted, where
    converting and dropping them was a third of a step's engine time)."""
    from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter

    conv = _WF_CONVERTER
    dct = WorkflowConverter.to_dict(conv, workflow)
    dct["subprocesses"] = conv.mapping_to_dict(workflow.subprocesses)
    dct["bpmn_events"] = conv.registry.convert(workflow.bpmn_events)
    dct["typename"] = conv.registry.typenames[BpmnWorkflow]
    return dct


def has_timers(version) -> bool:
    """Whether the version (or a process it calls) has timer events: steps of other versions skip timer sync."""
    return _cached(version.pk, version.sha256)[5]


def load(version, state: dict) -> BpmnWorkflow:
    """The case's workflow: the task tree restored onto the cached spec objects (what SpiffWorkflow's
    ``BpmnWorkflowConverter.from_dict`` does, minus rebuilding the specs from JSON)."""
    spec, subprocesses = spec_for(version)
    conv = _WF_CONVERTER
    dct = dict(state)
    dct["subprocesses"] = {k: dict(v) for k, v in (state.get("subprocesses") or {}).items()}
    workflow = BpmnWorkflow(spec, subprocesses, script_engine=SCRIPT_ENGINE, deserializing=True)
    workflow.tasks = conv.mapping_from_dict(dct["tasks"], uuid.UUID, workflow=workflow)
    workflow.task_tree = workflow.tasks.get(uuid.UUID(dct["root"]))
    conv.set_default_attributes(workflow, dct)
    conv.subprocesses_from_dict(dct["subprocesses"], workflow)
    workflow.bpmn_events = conv.registry.restore(dct.pop("bpmn_events", []))
    return workflow


def load_slow(version, state: dict) -> BpmnWorkflow:
    """SpiffWorkflow's own deserialisation (specs rebuilt from JSON): the reference ``load`` is tested against."""
    _, _, spec_dct, sub_dct, *_ = _cached(version.pk, version.sha256)
    dct = dict(state)
    dct["spec"] = spec_dct
    dct["subprocess_specs"] = sub_dct
    workflow = SERIALIZER.from_dict(dct)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow


def state_size(state: dict) -> int:
    return len(json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
