"""Unified output (统一出件): a finished case's result handed out at the window or posted.

The ``Delivery`` row is made at reception with the method the applicant chose; when the case finishes
(``receivers.py``) it becomes ready (待领取 / 待邮寄) and the applicant is told. Handing out checks the
recipient: the applicant (name and the last four characters of the ID number), or an authorised agent
(a legal person's registered 经办人, identified by ID number; for a natural person, an agent whose
power of attorney the clerk has checked). Posting records the tracking number. Both are audited, noted on
the case's timeline and sent to the applicant's in-site inbox.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.pii import blind
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text
from digigov.core.validators import clean_resident_id, normalize_identifier
from digigov.data.grading.policy import mask_name, mask_resident_id

from ..models import Delivery, DeliveryMethod, DeliveryStatus

TRACKING = re.compile(r"^[A-Z0-9]{8,32}$")


def _lock(delivery: Delivery) -> Delivery:
    return Delivery.objects.select_for_update(of=("self",)).select_related(
        "case", "case__applicant_person", "case__applicant_legal_person", "case__applicant_legal_person__legal_representative",
        "case__applicant", "hall", "hall__division").get(pk=delivery.pk)


def notify(case, title: str, body: str) -> None:
    """The applicant's in-site message (站内消息), when the applicant has an account."""
    from digigov.core.notify.models import InboxMessage

    if case.applicant_id:
        InboxMessage.objects.create(recipient_id=case.applicant_id, topic="办件进度", title=title[:200], body=body)


def _event(case, actor, kind: str, text: str) -> None:
    from digigov.support.workflow import runtime

    runtime.record_event(case, actor, kind, text)


def mark_ready(actor, delivery: Delivery) -> Delivery:
    """The case finished: its result waits at the hall (or for posting). Called by the receiver, inside the
    engine step's transaction."""
    if delivery.status != DeliveryStatus.WAITING:
        return delivery
    delivery.status = DeliveryStatus.READY
    delivery.save(update_fields=["status", "updated_at"])
    case = delivery.case
    where = f"请凭身份证件到{delivery.hall.name}领取" if delivery.method == DeliveryMethod.PICKUP and delivery.hall_id else "将邮寄送达"
    _event(case, actor, "delivery_ready", f"办理结果已出件：{where}")
    notify(case, f"您的办件 {case.number} 已办结", f"{case.title}：{case.get_status_display()}。办理结果{where}。")
    record(actor, "window.delivery_ready", delivery, after={"case": case.number, "method": delivery.get_method_display()})
    return delivery


def _check_ready(delivery: Delivery, method: str) -> None:
    if delivery.method != method:
        raise ValidationFailed(f"该办件的出件方式为“{delivery.get_method_display()}”", code="wrong_method", detail={"field": "method"})
    if delivery.status == DeliveryStatus.WAITING:
        raise Conflict("办件尚未办结，结果还不能出件", code="not_ready")
    if delivery.status != DeliveryStatus.READY:
        raise Conflict(f"该出件已是“{delivery.get_status_display()}”", code="already_delivered")


def _same_name(a: str, b: str) -> bool:
    return bool(a) and bool(b) and re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def _applicant_holder(case):
    """(name, ID number) the applicant collects with: the person, or a legal person's representative."""
    if case.applicant_person_id:
        return case.applicant_person.name, case.applicant_person.id_number
    rep = case.applicant_legal_person.legal_representative if case.applicant_legal_person_id else None
    if rep is not None:
        return rep.name, rep.id_number
    return "", ""


@transaction.atomic
def hand_out(actor, delivery: Delivery, *, recipient, name, id_number_last4: str = "", agent_id_number: str = "",
             power_of_attorney: bool = False) -> Delivery:
    """Hand the result over at the window. ``recipient`` is ``applicant`` (name + last 4 of the ID) or
    ``agent`` (name + full ID number of a registered 经办人, or with a checked power of attorney)."""
    delivery = _lock(delivery)
    require(actor, "window.deliver", delivery.hall or delivery.case)
    _check_ready(delivery, DeliveryMethod.PICKUP)
    case = delivery.case
    name = clean_text(name, "name", "领取人姓名", 64)
    if recipient == "applicant":
        last4 = normalize_identifier(id_number_last4)
        if not re.fullmatch(r"[0-9X]{4}", last4):
            raise ValidationFailed("请输入领取人身份证号码后四位", code="invalid_last4", detail={"field": "id_number_last4"})
        holder_name, holder_id = _applicant_holder(case)
        if not (_same_name(name, holder_name) and holder_id and holder_id.upper().endswith(last4)):
            raise Forbidden("领取人姓名或身份证号码后四位与申请人不符，不能领取", code="recipient_mismatch", detail={"field": "name"})
        who, shown = "申请人本人" if case.applicant_person_id else "法定代表人", f"{mask_name(name)}（证件尾号 {last4}）"
    elif recipient == "agent":
        agent_id = clean_resident_id(agent_id_number, field="agent_id_number")
        who = _check_agent(case, name, agent_id, power_of_attorney)
        shown = f"{mask_name(name)}（{mask_resident_id(agent_id)}）"
    else:
        raise ValidationFailed("请选择领取人身份（申请人本人或委托代理人）", code="invalid_recipient", detail={"field": "recipient"})
    before = {"status": delivery.get_status_display()}
    delivery.status, delivery.handed_at, delivery.handed_by = DeliveryStatus.HANDED_OUT, timezone.now(), actor
    delivery.recipient_name = name[:64]
    delivery.note = f"{who}领取"[:200]
    delivery.save(update_fields=["status", "handed_at", "handed_by", "recipient_name", "note", "updated_at"])
    _event(case, actor, "delivery_handed_out", f"办理结果已在窗口领取（{who}）")
    notify(case, f"您的办件 {case.number} 办理结果已领取", f"{case.title}的办理结果已由{who}在{delivery.hall.name if delivery.hall_id else '窗口'}领取。")
    record(actor, "window.delivery_hand_out", delivery, before=before, after={"status": delivery.get_status_display(), "recipient": shown, "as": who})
    return delivery


def _check_agent(case, name: str, agent_id: str, power_of_attorney: bool) -> str:
    from digigov.core.accounts.models import AgentAuthorization, NaturalPerson

    if case.applicant_legal_person_id:
        agents = AgentAuthorization.objects.active().filter(legal_person=case.applicant_legal_person).filter(
            blind(NaturalPerson, "id_number", agent_id, prefix="agent__person__")).select_related("agent__person")
        for a in agents:
            if a.is_current() and a.agent.person_id and _same_name(a.agent.person.name, name):
                return "企业经办人"
        raise Forbidden("该人员不是申请单位登记的有效经办人，不能代为领取", code="agent_not_authorised", detail={"field": "agent_id_number"})
    if power_of_attorney is not True:
        raise Forbidden("代理人领取须核验申请人签署的授权委托书", code="power_of_attorney_required", detail={"field": "power_of_attorney"})
    return "委托代理人"


@transaction.atomic
def post(actor, delivery: Delivery, *, tracking_no) -> Delivery:
    delivery = _lock(delivery)
    require(actor, "window.deliver", delivery.hall or delivery.case)
    _check_ready(delivery, DeliveryMethod.POST)
    tracking = normalize_identifier(tracking_no)
    if not TRACKING.fullmatch(tracking):
        raise ValidationFailed("邮件单号应为 8 到 32 位字母或数字", code="invalid_tracking_no", detail={"field": "tracking_no"})
    before = {"status": delivery.get_status_display()}
    delivery.status, delivery.tracking_no, delivery.handed_at, delivery.handed_by = DeliveryStatus.POSTED, tracking, timezone.now(), actor
    delivery.save(update_fields=["status", "tracking_no", "handed_at", "handed_by", "updated_at"])
    case = delivery.case
    _event(case, actor, "delivery_posted", f"办理结果已邮寄，邮件单号 {tracking}")
    notify(case, f"您的办件 {case.number} 办理结果已寄出", f"{case.title}的办理结果已邮寄，邮件单号 {tracking}。")
    record(actor, "window.delivery_post", delivery, before=before, after={"status": delivery.get_status_display(), "tracking_no": tracking})
    return delivery
