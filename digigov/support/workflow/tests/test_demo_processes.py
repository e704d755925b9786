"""Each demo process file imports cleanly through the importer (XSD, supported elements, components,
roles, departments, the called process), carries diagram interchange for every element, and runs."""

import pytest
from lxml import etree

from digigov.core.org import actions as org_actions
from digigov.core.org.models import DepartmentKind
from digigov.support.workflow import engine, runtime
from digigov.support.workflow.models import CaseStatus, ProcessVersion, TaskStatus, VersionStatus
from digigov.support.workflow.processes import DEMO_PROCESSES, DEPARTMENT_CODES, HERE, import_all, read
from digigov.support.workflow.testing import start_case


@pytest.fixture
def demo_departments(city):
    for code in DEPARTMENT_CODES:
        org_actions.create_department(city.system, code=code, name=f"示范市{code}", kind=DepartmentKind.COMMITTEE, division=city.city, parent=city.gov)


def test_files_have_diagram_interchange_for_every_element():
    assert len(DEMO_PROCESSES) >= 5
    for entry in DEMO_PROCESSES:
        tree = etree.parse(str(HERE / entry["file"]))
        proc = tree.getroot().find(f"{{{engine.BPMN_NS}}}process")
        assert proc.get("id") == entry["key"] and proc.get("name") == entry["name"]
        ids = {n.get("id") for n in proc if isinstance(n.tag, str)}
        drawn = {n.get("bpmnElement") for n in tree.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape", "{http://www.omg.org/spec/BPMN/20100524/DI}BPMNEdge")}
        assert ids <= drawn, ids - drawn


def test_all_import_activate_and_start(city, demo_departments, role_user):
    admin = role_user("city_admin")
    versions = import_all(admin)
    assert [v.process.key for v in versions] == [e["key"] for e in DEMO_PROCESSES]
    assert all(v.status == VersionStatus.ACTIVE for v in versions)
    for v in versions:
        assert v.bpmn_xml.encode() == read(next(e for e in DEMO_PROCESSES if e["key"] == v.process.key))
    permit = ProcessVersion.objects.get(process__key="construction_permit")
    case = start_case(permit, actor=city.system, department=permit.process.department)
    runtime.complete(case.tasks.get(element_id="accept"), city.system)
    # the call activity opened the joint review's three parallel tasks
    open_ids = sorted(case.tasks.filter(status=TaskStatus.OPEN).values_list("element_id", flat=True))
    assert open_ids == ["civil_defence", "fire", "structure"]
    food = ProcessVersion.objects.get(process__key="food_business_licence")
    fcase = start_case(food, actor=city.system, department=food.process.department)
    runtime.complete(fcase.tasks.get(element_id="accept"), city.system)
    assert fcase.timers.filter(element_id="inspect_remind").count() == 1
    pension = ProcessVersion.objects.get(process__key="resident_pension_enrolment")
    pcase = start_case(pension, actor=city.system, department=pension.process.department)
    # no applicant person and no id_number: the lookup stops the case with an incident saying what is missing
    assert pcase.status == CaseStatus.INCIDENT
    assert "公民身份号码" in pcase.incidents.get().message
