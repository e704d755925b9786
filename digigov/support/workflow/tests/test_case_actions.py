"""start_case / withdraw_case: who may, what bad input gets, and that a repeated key is applied once."""

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import DigiGovError, Forbidden
from digigov.core.testing import make_user
from digigov.support.workflow.actions import cases
from digigov.support.workflow.models import Case, CaseStatus, Channel, TaskStatus, VersionStatus



def test_citizen_applies_online_once_per_key(city, version):
    citizen = make_user("citizen")
    first = cases.start_case(citizen, version, idempotency_key="k-1", data={"purpose": "测试"})
    again = cases.start_case(citizen, version, idempotency_key="k-1")
    assert again.pk == first.pk and Case.objects.count() == 1
    assert first.applicant == citizen and first.department == city.bureau and first.data["purpose"] == "测试"
    assert AuditEntry.objects.filter(action="workflow.case_start").count() == 1


@pytest.mark.parametrize("make_actor, kwargs, code", [
    (lambda c: make_user("approver", department=c.bureau), {}, "forbidden"),
    (lambda c: make_user("citizen"), {"channel": "fax"}, "invalid_channel"),
    (lambda c: make_user("citizen"), {"data": ["not", "a", "dict"]}, "invalid_data"),
    (lambda c: make_user("citizen"), {"idempotency_key": "x" * 101}, "invalid_idempotency_key"),
    (lambda c: make_user("window_clerk", department=c.bureau), {"channel": Channel.WINDOW}, "applicant_required"),
    (lambda c: make_user("citizen"), {"channel": Channel.WINDOW}, "forbidden"),
])
def test_bad_starts_write_nothing(city, version, make_actor, kwargs, code):
    actor = make_actor(city)
    with pytest.raises(DigiGovError) as err:
        cases.start_case(actor, version, **kwargs)
    assert err.value.code == code
    assert Case.objects.count() == 0 and not AuditEntry.objects.filter(action="workflow.case_start").exists()


def test_inactive_version_refused(city, version):
    version.status = VersionStatus.RETIRED
    version.save()
    with pytest.raises(DigiGovError) as err:
        cases.start_case(make_user("citizen"), version)
    assert err.value.code == "version_not_active" and Case.objects.count() == 0


def test_withdraw_by_applicant_only(city, version):
    citizen = make_user("citizen")
    case = cases.start_case(citizen, version)
    with pytest.raises(Forbidden):
        cases.withdraw_case(make_user("citizen"), case)
    cases.withdraw_case(citizen, case, reason="材料准备不全")
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert not case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)).exists()
    with pytest.raises(DigiGovError) as err:
        cases.withdraw_case(citizen, case)
    assert err.value.code == "case_finished"


def test_notices_link_to_the_pages_that_exist(city, version):
    """The applicant's notice opens 我的办件; a staff notice opens the task (the links were once left empty
    because they named URL names no app defined)."""
    from digigov.core.notify.models import InboxMessage

    citizen = make_user("citizen")
    clerk = make_user("window_clerk", department=city.bureau)
    case = cases.start_case(citizen, version)
    mine = InboxMessage.objects.get(recipient=citizen)
    assert mine.link == f"/my/cases/{case.public_id}/"
    task = case.tasks.get(element_id="accept")
    assert InboxMessage.objects.get(recipient=clerk).link.endswith(f"/tasks/{task.public_id}/")
