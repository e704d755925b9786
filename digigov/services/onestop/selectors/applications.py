"""Reads of the application flow, shared by the portal pages, the API and the progress query.

* ``my_applications(user)`` — the user's own applications (online: applicant account), newest first.
* ``my_application(user, public_id)`` — one of them, else 404 (someone else's is not found, not forbidden:
  its existence is not disclosed).
* ``timeline(application)`` — one list merging the member cases' public events (``CaseEvent.public``),
  oldest first, each labelled with its member item for a 一件事.
* ``by_number(number)`` — the progress query (办件进度查询): an application by its number, with
  ``masked_name`` (李*, 某某公司 → 某**司) — nothing else personal leaves this function's callers.
* ``results(application)`` — the e-licences the member cases issued (in the holder's wallet) and the
  sealed decision documents.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from digigov.core.errors import NotFound

from ..models import Application, ApplicationCase, ApplicationStatus

PAGE = 20
STATUS_BADGE = {ApplicationStatus.DRAFT: "muted", ApplicationStatus.CORRECTION: "warn", ApplicationStatus.AWAITING_PAYMENT: "warn",
                ApplicationStatus.DONE: "ok", ApplicationStatus.REJECTED: "bad", ApplicationStatus.WITHDRAWN: "muted"}


def my_applications(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    return (Application.objects.filter(applicant=user).exclude(channel="window", status=ApplicationStatus.DRAFT)
            .select_related("item", "bundle", "acting_for", "division").order_by("-created_at", "-id"))


def page(qs: QuerySet, after=None, size: int = PAGE) -> tuple[list[Application], int | None]:
    try:
        after = int(after) if after not in (None, "") else None
    except (TypeError, ValueError):
        after = None
    if after is not None and not 0 < after <= 2**62:
        after = None
    qs = qs.order_by("-id")
    if after:
        qs = qs.filter(id__lt=after)
    rows = list(qs[: size + 1])
    nxt = rows[size - 1].id if len(rows) > size else None
    return rows[:size], nxt


def my_application(user, public_id: str) -> Application:
    if not isinstance(public_id, str) or len(public_id) > 64:
        raise NotFound("申请不存在", code="not_found")
    app = my_applications(user).filter(public_id=public_id).first()
    if app is None:
        raise NotFound("申请不存在", code="not_found")
    return app


def case_links(application: Application) -> list[ApplicationCase]:
    return list(application.cases.select_related("item", "item__department", "case", "case__department").order_by("id"))


@dataclass
class Step:
    at: object
    text: str
    item: str


def timeline(application: Application, links: list[ApplicationCase] | None = None) -> list[Step]:
    from digigov.support.workflow.models import CaseEvent

    links = case_links(application) if links is None else links
    names = {link.case_id: link.item.name for link in links}
    many = len(links) > 1
    steps = [Step(application.created_at, "创建申请", "")]
    if application.submitted_at:
        steps.append(Step(application.submitted_at, f"提交申请（{application.get_channel_display()}）", ""))
    for ev in CaseEvent.objects.filter(case_id__in=list(names), public=True).order_by("at", "id"):
        steps.append(Step(ev.at, ev.text, names.get(ev.case_id, "") if many else ""))
    if application.finished_at and application.status in (ApplicationStatus.DONE, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN):
        steps.append(Step(application.finished_at, f"申请{application.get_status_display()}", ""))
    steps.sort(key=lambda s: s.at)
    return steps


def mask_name(name: str) -> str:
    """李四 → 李*; 欧阳娜娜 → 欧***; 某某科技有限公司 → 某******司 (first and, for long names, last kept)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) <= 4:
        return name[0] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]


def by_number(number: str) -> Application | None:
    number = (number or "").strip().upper()
    if not number or len(number) > 32 or not number.isalnum():
        return None
    return Application.objects.filter(number=number).exclude(status=ApplicationStatus.DRAFT).select_related("item", "bundle").first()


def results(application: Application, links: list[ApplicationCase] | None = None) -> dict:
    """``licences`` the member cases issued, ``decisions`` (``decisions.Decision``-like rows) per case."""
    from digigov.support.license.models import Licence

    links = case_links(application) if links is None else links
    case_ids = [link.case_id for link in links]
    licences = list(Licence.objects.filter(case_id__in=case_ids).select_related("licence_type").order_by("id")) if case_ids else []
    from ..decisions import decisions_for

    return {"licences": licences, "decisions": decisions_for(application)}


def prefetch_cases(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(Prefetch("cases", queryset=ApplicationCase.objects.select_related("case", "item").order_by("id")))
