"""Unified output: ready when the case finishes, handed out to the right person only, or posted."""

import datetime as dt

import pytest

from digigov.core.accounts.models import AgentAuthorization, LegalPerson
from digigov.core.audit.models import AuditEntry
from digigov.core.errors import DigiGovError
from digigov.core.notify.models import InboxMessage
from digigov.core.testing import make_user, resident_id, uscc
from digigov.support.window.actions import deliveries, reception
from digigov.support.window.models import Delivery, DeliveryStatus
from digigov.support.window.testing import make_person
from digigov.support.workflow import runtime
from digigov.support.workflow.models import CaseEvent, CaseStatus, TaskStatus


def _approve_all(case, city):
    approver = make_user("approver")
    for t in list(case.tasks.filter(status=TaskStatus.OPEN)):
        runtime.complete(t, approver, outcome="approve", data={f"{t.element_id}_decision": "approve"})
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED


@pytest.fixture
def person(city):
    return make_person(city.county_a, name="赵一", id_number=resident_id(seq=321))


@pytest.fixture
def account(person):
    user = make_user("citizen")
    user.person = person
    user.save()
    return user


def _case(hall, clerk, person, version, **kwargs):
    r = reception.start_reception(clerk, hall)
    reception.identify(clerk, r, kind="person", code=person.id_number)
    return reception.create_application(clerk, r, version, **kwargs)


def test_ready_on_finish_then_handed_out(city, hall, clerk, person, account, version):
    case = _case(hall, clerk, person, version)
    d = Delivery.objects.get(case=case)
    with pytest.raises(DigiGovError) as err:
        deliveries.hand_out(clerk, d, recipient="applicant", name="赵一", id_number_last4=person.id_number[-4:])
    assert err.value.code == "not_ready"
    _approve_all(case, city)
    d.refresh_from_db()
    assert d.status == DeliveryStatus.READY
    assert InboxMessage.objects.filter(recipient=account, title__contains="已办结").exists()
    deliveries.hand_out(clerk, d, recipient="applicant", name="赵 一", id_number_last4=person.id_number[-4:])
    d.refresh_from_db()
    assert d.status == DeliveryStatus.HANDED_OUT and d.handed_by == clerk
    assert CaseEvent.objects.filter(case=case, kind="delivery_handed_out").exists()
    entry = AuditEntry.objects.get(action="window.delivery_hand_out")
    assert person.id_number not in str(entry.after)


@pytest.mark.parametrize("kwargs, code", [
    ({"recipient": "applicant", "name": "赵二", "id_number_last4": "LAST"}, "invalid_last4"),
    ({"recipient": "applicant", "name": "赵二", "id_number_last4": None}, "invalid_last4"),
    ({"recipient": "applicant", "name": "赵二", "id_number_last4": "RIGHT"}, "recipient_mismatch"),
    ({"recipient": "applicant", "name": "赵一", "id_number_last4": "0000"}, "recipient_mismatch"),
    ({"recipient": "agent", "name": "钱三", "agent_id_number": "210602199001011235"}, "invalid_resident_id"),
    ({"recipient": "agent", "name": "钱三", "agent_id_number": "VALID"}, "power_of_attorney_required"),
    ({"recipient": "thief", "name": "钱三"}, "invalid_recipient"),
])
def test_wrong_person_gets_nothing(city, hall, clerk, person, version, kwargs, code):
    case = _case(hall, clerk, person, version)
    _approve_all(case, city)
    d = Delivery.objects.get(case=case)
    if kwargs.get("id_number_last4") == "RIGHT":
        kwargs["id_number_last4"] = person.id_number[-4:]
    if kwargs.get("agent_id_number") == "VALID":
        kwargs["agent_id_number"] = resident_id(seq=555)
    with pytest.raises(DigiGovError) as err:
        deliveries.hand_out(clerk, d, **kwargs)
    assert err.value.code == code
    d.refresh_from_db()
    assert d.status == DeliveryStatus.READY and not AuditEntry.objects.filter(action="window.delivery_hand_out").exists()


def test_enterprise_agent_must_be_registered(city, hall, clerk, version):
    legal = LegalPerson.objects.create(uscc=uscc(), name="示范商贸有限公司", division=city.county_a)
    agent_person = make_person(city.county_a, name="孙经办")
    agent_user = make_user("enterprise_agent")
    agent_user.person = agent_person
    agent_user.save()
    r = reception.start_reception(clerk, hall)
    reception.identify(clerk, r, kind="enterprise", code=legal.uscc)
    case = reception.create_application(clerk, r, version)
    _approve_all(case, city)
    d = Delivery.objects.get(case=case)
    with pytest.raises(DigiGovError) as err:
        deliveries.hand_out(clerk, d, recipient="agent", name="孙经办", agent_id_number=agent_person.id_number)
    assert err.value.code == "agent_not_authorised"
    AgentAuthorization.objects.create(legal_person=legal, agent=agent_user, valid_from=dt.date(2020, 1, 1))
    deliveries.hand_out(clerk, d, recipient="agent", name="孙经办", agent_id_number=agent_person.id_number)
    assert Delivery.objects.get(pk=d.pk).status == DeliveryStatus.HANDED_OUT


def test_post_records_tracking_number(city, hall, clerk, person, account, version):
    case = _case(hall, clerk, person, version, delivery_method="post", recipient_name="赵一", address="元宝区某路2号", phone="13900002222")
    d = Delivery.objects.get(case=case)
    assert d.address == "元宝区某路2号" and d.phone == "13900002222"
    _approve_all(case, city)
    with pytest.raises(DigiGovError) as err:
        deliveries.post(clerk, Delivery.objects.get(pk=d.pk), tracking_no="<b>")
    assert err.value.code == "invalid_tracking_no"
    with pytest.raises(DigiGovError) as err:
        deliveries.hand_out(clerk, Delivery.objects.get(pk=d.pk), recipient="applicant", name="赵一", id_number_last4=person.id_number[-4:])
    assert err.value.code == "wrong_method"
    deliveries.post(clerk, Delivery.objects.get(pk=d.pk), tracking_no="sf1234567890")
    d.refresh_from_db()
    assert d.status == DeliveryStatus.POSTED and d.tracking_no == "SF1234567890"
    assert InboxMessage.objects.filter(recipient=account, title__contains="已寄出").exists()


def test_withdrawn_case_is_not_ready(city, hall, clerk, person, account, version):
    from digigov.support.workflow.actions.cases import withdraw_case

    case = _case(hall, clerk, person, version)
    withdraw_case(account, case)
    assert Delivery.objects.get(case=case).status == DeliveryStatus.WAITING
