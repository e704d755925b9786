"""SpiffWorkflow behind one small interface: parse a ``.bpmn`` file, make a workflow for a process version,
and turn a workflow into JSON and back.

* Files are parsed with SpiffWorkflow's Camunda parser, so what Camunda Modeler and bpmn.io draw
  (``camunda:candidateGroups``, ``camunda:properties``, ``camunda:formKey``) reads as drawn.
* Parsed specs are cached per process version (a version never changes once saved), and the serialized
  state of a case leaves the spec out: a case stores only its own task tree and data, and gets the spec
  back from the cache when it is loaded. That keeps an open case to a few kilobytes.
* ``element_meta(version)`` reads what SpiffWorkflow's parser does not keep but the task engine needs
  (who a user task is for, its form, its time limit) straight from the XML, once per version.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}


class Parser(CamundaParser):
    """The platform's BPMN parser. The engine slice adds service tasks bound to business components."""


SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))


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
    for node in tree.iter(f"{{{BPMN_NS}}}userTask", f"{{{BPMN_NS}}}serviceTask", f"{{{BPMN_NS}}}endEvent"):
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
    return spec, subprocesses, spec_dct, sub_dct, read_element_meta(version.bpmn_xml)


def called_process_files(version) -> dict[str, str]:
    """The XML of the processes ``version``'s call activities name: each one's active version (a called
    process is resolved when the calling version is loaded). The engine slice fills this in."""
    return {}


def spec_for(version):
    spec, subprocesses, *_ = _cached(version.pk, version.sha256)
    return spec, subprocesses


def element_meta(version) -> dict[str, ElementMeta]:
    return _cached(version.pk, version.sha256)[4]


def new_workflow(version) -> BpmnWorkflow:
    spec, subprocesses = spec_for(version)
    return BpmnWorkflow(spec, subprocesses)


def dump(workflow: BpmnWorkflow) -> dict:
    """The workflow's state as a JSON-ready dict, without the (cached) specs."""
    dct = SERIALIZER.to_dict(workflow)
    dct.pop("spec", None)
    dct.pop("subprocess_specs", None)
    return dct


def load(version, state: dict) -> BpmnWorkflow:
    _, _, spec_dct, sub_dct, _ = _cached(version.pk, version.sha256)
    dct = dict(state)
    dct["spec"] = spec_dct
    dct["subprocess_specs"] = sub_dct
    return SERIALIZER.from_dict(dct)


def state_size(state: dict) -> int:
    return len(json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
