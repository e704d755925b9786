"""好差评 writes (GB/T 39734): rate a service, and the rectification a poor rating opens.

* ``rate`` — only the applicant rates, once, after the service: an application of theirs that has been accepted
  (办理中 or later) or has ended, or a window visit (``window.Reception``) that has ended where they were the
  applicant (in person or as the enterprise's authorised agent). What was rated (department, item, case, hall)
  is derived from the application or the visit, never taken from input. A poor rating (不满意 / 非常不满意) opens a
  ``Rectification`` for the rated department in the same transaction, due in ``RECTIFY_WORKING_DAYS`` working days
  on the city's workflow calendar.
* ``reply`` — the department answers what it put right (onestop.rectify, scoped to the department).
* ``visit`` — the city's service bureau calls the rater back (回访, onestop.visit) and closes the ticket with
  whether the rater is satisfied now.

The rater hears of each step (in-site message, SMS/e-mail when configured). Every refusal writes nothing.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.notify.inbox import notify
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from .. import rating_codes as codes
from ..models import (Application, ApplicationStatus, Rating, RatingChannel, RatingLevel, Rectification, RectificationStatus,
                      ServiceItem)

RECTIFY_WORKING_DAYS = 5
NOTICE_TOPIC = "好差评"
RATABLE_STATUSES = (ApplicationStatus.IN_PROGRESS, ApplicationStatus.CORRECTION, ApplicationStatus.AWAITING_PAYMENT,
                    ApplicationStatus.DONE, ApplicationStatus.REJECTED)
RATING_FIELDS = ("application", "case", "reception", "item", "department", "hall", "level", "reasons", "comment", "channel")
RECT_FIELDS = ("status", "deadline", "reply", "replied_at", "visit_note", "visit_satisfied", "visited_at")


def clean_level(level) -> int:
    try:
        value = int(level) if not isinstance(level, bool) and str(level).strip().lstrip("-").isdigit() else None
    except (TypeError, ValueError):
        value = None
    if value not in codes.LEVEL_LABELS:
        raise ValidationFailed("请选择评价等级（非常满意至非常不满意）", code="invalid_level", detail={"field": "level"})
    return value


def clean_reasons(level: int, reasons) -> list[str]:
    if reasons is None:
        reasons = []
    if isinstance(reasons, str) or not isinstance(reasons, (list, tuple)):
        raise ValidationFailed("评价原因格式不正确", code="invalid_reasons", detail={"field": "reasons"})
    allowed = codes.reasons_for(level)
    out = []
    for r in reasons:
        if not isinstance(r, str) or r not in allowed:
            raise ValidationFailed("评价原因与评价等级不符或不存在", code="invalid_reason", detail={"field": "reasons"})
        if r not in out:
            out.append(r)
    if codes.is_poor(level) and not out:
        raise ValidationFailed("差评请至少选择一项原因，便于部门整改", code="reasons_required", detail={"field": "reasons"})
    return out


def clean_channel(channel) -> str:
    if channel not in RatingChannel.values:
        raise ValidationFailed("评价渠道不正确", code="invalid_channel", detail={"field": "channel"})
    return channel


def _item_for_process(process_id):
    if not process_id:
        return None
    return ServiceItem.objects.active().filter(process_id=process_id, active=True).order_by("id").first()


def _application_target(actor, application: Application) -> dict:
    if application.applicant_id != actor.pk:
        raise Forbidden("只能评价本人的办件", code="not_applicant")
    if application.status not in RATABLE_STATUSES:
        raise Conflict("办件受理后才能评价", code="not_ratable")
    link = application.cases.select_related("case", "item").order_by("id").first()
    if application.bundle_id:
        department_id = application.bundle.lead_department_id
        item = link.item if link else None
    else:
        item = application.item
        department_id = item.department_id
    return {"application": application, "case": link.case if link else None, "item": item, "department_id": department_id, "hall": None}


def reception_applicant(actor, reception) -> bool:
    """Was ``actor`` the applicant of the window visit (in person, or as the enterprise's agent)?"""
    if reception.person_id and reception.person_id == getattr(actor, "person_id", None):
        return True
    if reception.legal_person_id:
        from digigov.core.accounts.actions import acting_for

        return any(lp.pk == reception.legal_person_id for lp in acting_for(actor))
    return False


def _reception_department_id(reception):
    if reception.case_id:
        return reception.case.department_id
    from digigov.core.rbac.models import RoleAssignment

    ra = (RoleAssignment.objects.active().filter(user_id=reception.clerk_id, department__isnull=False)
          .order_by("id").values_list("department_id", flat=True).first())
    return ra


def _reception_target(actor, reception) -> dict:
    if not reception_applicant(actor, reception):
        raise Forbidden("只能评价本人办理的窗口服务", code="not_applicant")
    if reception.finished_at is None:
        raise Conflict("窗口服务结束后才能评价", code="not_ratable")
    department_id = _reception_department_id(reception)
    if department_id is None:
        raise Conflict("无法确定该窗口服务的承办部门，暂不能评价", code="no_department")
    case = reception.case
    return {"application": None, "case": case, "item": _item_for_process(case.process_version.process_id) if case else None,
            "department_id": department_id, "hall": reception.hall}


def rate(actor, *, application: Application | None = None, reception=None, level, reasons=(), comment: str = "",
         channel: str = RatingChannel.PC) -> Rating:
    """The applicant's 好差评 of one application or one window visit (exactly one of them)."""
    require(actor, "onestop.rate")
    if (application is None) == (reception is None):
        raise ValidationFailed("请指定评价的办件或窗口服务", code="target_required")
    level = clean_level(level)
    reasons = clean_reasons(level, reasons)
    comment = clean_text(comment, "comment", "评价内容", 500, required=False)
    channel = clean_channel(channel)
    with transaction.atomic():
        if application is not None:
            application = Application.objects.select_for_update().get(pk=application.pk)
            target = _application_target(actor, application)
            if Rating.objects.filter(application=application).exists():
                raise Conflict("该办件已评价，每件只能评价一次", code="already_rated")
        else:
            target = _reception_target(actor, reception)
            if Rating.objects.filter(reception=reception).exists():
                raise Conflict("该次窗口服务已评价，每次只能评价一次", code="already_rated")
        rating = Rating(application=target["application"], case=target["case"], reception=reception, item=target["item"],
                        department_id=target["department_id"], hall=target["hall"], rater=actor, level=level, reasons=reasons,
                        comment=comment, channel=channel, created_at=timezone.now())
        try:
            with transaction.atomic():
                rating.save()
        except IntegrityError:
            raise Conflict("已评价，每件只能评价一次", code="already_rated") from None
        record(actor, "onestop.rating.create", rating, after=snapshot(rating, RATING_FIELDS))
        if codes.is_poor(level):
            _open_rectification(actor, rating)
        else:
            notify(actor, NOTICE_TOPIC, "感谢您的评价", f"您对“{_subject(rating)}”的评价（{codes.LEVEL_LABELS[level]}）已收到。",
                   link="/my/ratings/")
    return rating


def _subject(rating: Rating) -> str:
    if rating.application_id:
        return rating.application.title
    if rating.item_id:
        return rating.item.name
    return str(rating.hall) if rating.hall_id else rating.department.name


def deadline_from(start) -> "dt.date":  # noqa: F821 — annotation only
    from digigov.support.workflow.calendar import add_working_days

    return add_working_days(start, RECTIFY_WORKING_DAYS)


def _open_rectification(actor, rating: Rating) -> Rectification:
    """The ticket a poor rating opens; the rater's own action opens it, so the entry names the rater."""
    rect = Rectification.objects.create(rating=rating, department_id=rating.department_id, deadline=deadline_from(rating.created_at))
    record(actor, "onestop.rectification.open", rect, after=snapshot(rect, RECT_FIELDS))
    notify(actor, NOTICE_TOPIC, "您的差评已转部门整改",
           f"您对“{_subject(rating)}”的评价已转{rating.department.name}整改，整改期限 {rect.deadline:%Y-%m-%d}，之后将有工作人员回访。",
           link="/my/ratings/")
    return rect


@transaction.atomic
def reply(actor, rectification: Rectification, *, reply: str) -> Rectification:
    """The department's answer to a poor rating: what it found and put right."""
    require(actor, "onestop.rectify", rectification)
    text = clean_text(reply, "reply", "整改情况", 2000)
    rect = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if rect.status != RectificationStatus.OPEN:
        raise Conflict("该整改单已答复", code="already_replied")
    before = snapshot(rect, RECT_FIELDS)
    rect.reply, rect.replied_by, rect.replied_at, rect.status = text, actor, timezone.now(), RectificationStatus.REPLIED
    rect.save(update_fields=["reply", "replied_by", "replied_at", "status"])
    record(actor, "onestop.rectification.reply", rect, before=before, after=snapshot(rect, RECT_FIELDS))
    rater = rect.rating.rater
    if rater is not None:
        notify(rater, NOTICE_TOPIC, "您的差评已整改", f"{rect.department.name}答复：{text[:200]}", link="/my/ratings/")
    return rect


def clean_satisfied(value) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("yes", "true", "1"):
        return True
    if value in ("no", "false", "0"):
        return False
    raise ValidationFailed("请选择回访结果（满意或不满意）", code="invalid_satisfied", detail={"field": "satisfied"})


@transaction.atomic
def visit(actor, rectification: Rectification, *, satisfied, note: str = "") -> Rectification:
    """The follow-up call (回访) by the city's service bureau; closes the ticket either way."""
    require(actor, "onestop.visit", rectification)
    satisfied = clean_satisfied(satisfied)
    note = clean_text(note, "note", "回访记录", 500)
    rect = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if rect.status == RectificationStatus.OPEN:
        raise Conflict("部门尚未答复整改情况，暂不能回访", code="not_replied")
    if rect.status == RectificationStatus.CLOSED:
        raise Conflict("该整改单已回访办结", code="already_closed")
    before = snapshot(rect, RECT_FIELDS)
    rect.visit_note, rect.visit_satisfied, rect.visited_by, rect.visited_at = note, satisfied, actor, timezone.now()
    rect.status = RectificationStatus.CLOSED
    rect.save(update_fields=["visit_note", "visit_satisfied", "visited_by", "visited_at", "status"])
    record(actor, "onestop.rectification.visit", rect, before=before, after=snapshot(rect, RECT_FIELDS))
    rater = rect.rating.rater
    if rater is not None:
        notify(rater, NOTICE_TOPIC, "差评整改已回访办结", f"回访结果：{'满意' if satisfied else '不满意'}。感谢您的监督。", link="/my/ratings/")
    return rect


__all__ = ["rate", "reply", "visit", "deadline_from", "reception_applicant", "RECTIFY_WORKING_DAYS"]
