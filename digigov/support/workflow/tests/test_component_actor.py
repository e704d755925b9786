"""A service task after an approval runs inside the approver's request: a component that acts as the
platform (indexing the issued licence) must not trip the audit log's actor check — it did, and every demo
licence process ended in an incident ("ActorMismatch")."""

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account
from digigov.core.testing import make_user
from digigov.data.registries.models import LicenceIndex
from digigov.support.workflow.actions import cases, tasks
from digigov.support.workflow.actions.processes import activate_version, import_process
from digigov.support.workflow.models import CaseStatus, Incident
from digigov.support.workflow.tests.bpmn_samples import doc

ISSUE_AFTER_REVIEW = """
<bpmn:startEvent id="start"/>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
<bpmn:userTask id="review" name="审查" camunda:candidateGroups="approver"/>
<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="issue"/>
<bpmn:serviceTask id="issue" name="核发证照" camunda:type="external" camunda:topic="licence.index">
  <bpmn:extensionElements><camunda:inputOutput>
    <camunda:inputParameter name="licence_type">BIZ_IND</camunda:inputParameter>
    <camunda:inputParameter name="licence_name">个体工商户营业执照</camunda:inputParameter>
  </camunda:inputOutput></bpmn:extensionElements>
</bpmn:serviceTask>
<bpmn:sequenceFlow id="f3" sourceRef="issue" targetRef="end"/>
<bpmn:endEvent id="end" name="办结"/>
"""


@pytest.mark.django_db
def test_licence_indexed_as_the_platform_inside_an_approvers_request(city):
    from digigov.core.testing import resident_id

    admin = make_user("city_admin")
    version = activate_version(admin, import_process(admin, doc(ISSUE_AFTER_REVIEW, key="issue_after_review").encode(),
                                                     "issue.bpmn", department=city.bureau))
    citizen = make_user("citizen")
    from digigov.core.accounts.models import NaturalPerson

    person = NaturalPerson.objects.create(id_number=resident_id("210602", "19900101", 7), name="张三", gender="M",
                                          birth_date="1990-01-01", division=city.village_a)
    citizen.person = person
    citizen.save(update_fields=["person"])
    case = cases.start_case(citizen, version)
    approver = make_user("approver", department=city.bureau)
    task = case.tasks.get(element_id="review")
    with acting_as(approver, channel="web"):  # as in the approver's request
        tasks.claim(approver, task)
        tasks.approve(approver, task, opinion="同意")
    case.refresh_from_db()
    assert not Incident.objects.exists()
    assert case.status == CaseStatus.APPROVED
    assert LicenceIndex.objects.filter(source_ref=case.number).count() == 1
    entry = AuditEntry.objects.filter(action__startswith="registries.licence").latest("seq")
    assert entry.actor == system_account().username
