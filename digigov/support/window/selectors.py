"""Scoped reads of the comprehensive window, shared by the pages, the API and the admin.

A hall belongs to a division; the window's staff hold grants scoped to a division (a county's hall
clerks: the county) or the whole city. Department-scoped grants reach no hall (a hall is no
department's), so their holders see empty lists, not someone else's hall.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from digigov.core.errors import NotFound
from digigov.core.rbac.checks import scope_queryset

from .models import Delivery, DeliveryStatus, QueueTicket, Reception, ServiceHall, TicketCategory, TicketStatus

SCREEN_CALLS = 8


def halls(user, perm: str = "window.view") -> QuerySet:
    return scope_queryset(user, perm, ServiceHall.objects.active().select_related("division"), department_field=None, division_field="division")


def hall_for(user, public_id: str, perm: str = "window.view") -> ServiceHall:
    hall = halls(user, perm).filter(public_id=public_id).first()
    if hall is None:
        raise NotFound("大厅不存在或不在您的范围内", code="not_found")
    return hall


def public_hall(public_id: str) -> ServiceHall:
    """The hall a kiosk or a screen shows: any open hall (public pages)."""
    hall = ServiceHall.objects.active().select_related("division").filter(public_id=public_id).first()
    if hall is None:
        raise NotFound("大厅不存在", code="not_found")
    return hall


def today_tickets(hall: ServiceHall) -> QuerySet:
    return QueueTicket.objects.filter(hall=hall, day=timezone.localdate())


def ticket_for(user, public_id: str, perm: str = "window.queue") -> QueueTicket:
    t = scope_queryset(user, perm, QueueTicket.objects.select_related("hall", "hall__division"), department_field=None,
                       division_field="hall__division").filter(public_id=public_id).first()
    if t is None:
        raise NotFound("排队号不存在或不在您的范围内", code="not_found")
    return t


@dataclass
class ScreenCall:
    number: str
    counter: int | None
    status: str  # its Chinese label


@dataclass
class ScreenWaiting:
    category: str
    label: str
    waiting: int


@dataclass
class Screen:
    hall: ServiceHall
    calls: list[ScreenCall]
    waiting: list[ScreenWaiting]
    at: object


def screen(hall: ServiceHall) -> Screen:
    """What the hall screen shows: the latest calls (number and counter) and how many wait per category.
    Numbers and counters only: no names, no ID numbers, no cases. Two queries."""
    qs = today_tickets(hall)
    calls = [ScreenCall(t.number, t.counter, t.get_status_display()) for t in
             qs.filter(status__in=(TicketStatus.CALLED, TicketStatus.SERVING), called_at__isnull=False)
             .only("number", "counter", "status", "called_at").order_by("-called_at", "-id")[:SCREEN_CALLS]]
    counts = dict(qs.filter(status=TicketStatus.WAITING).values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    waiting = [ScreenWaiting(c.value, str(c.label), counts.get(c.value, 0)) for c in TicketCategory]
    return Screen(hall, calls, waiting, timezone.localtime())


def receptions(user, perm: str = "window.view") -> QuerySet:
    return scope_queryset(user, perm, Reception.objects.select_related("hall", "clerk", "case", "ticket", "person", "legal_person").defer("case__state", "case__data"),
                          department_field=None, division_field="hall__division")


def reception_for(user, public_id: str, perm: str = "window.receive") -> Reception:
    r = receptions(user, perm).filter(public_id=public_id).first()
    if r is None:
        raise NotFound("受理记录不存在或不在您的范围内", code="not_found")
    return r


def deliveries(user, perm: str = "window.view") -> QuerySet:
    """Results to hand out: those of the user's halls (pick-up), and posted ones of cases in reach."""
    return scope_queryset(user, perm, Delivery.objects.select_related("case", "hall", "handed_by").defer("case__state", "case__data"),
                          department_field=None, division_field="hall__division")


def delivery_for(user, public_id: str, perm: str = "window.deliver") -> Delivery:
    d = deliveries(user, perm).filter(public_id=public_id).first()
    if d is None:
        raise NotFound("出件记录不存在或不在您的范围内", code="not_found")
    return d


PENDING_DELIVERY = (DeliveryStatus.WAITING, DeliveryStatus.READY)


def delivery_filter(status: str) -> Q:
    if status == "waiting":
        return Q(status=DeliveryStatus.WAITING)
    if status == "ready":
        return Q(status=DeliveryStatus.READY)
    if status == "done":
        return Q(status__in=(DeliveryStatus.POSTED, DeliveryStatus.HANDED_OUT, DeliveryStatus.DELIVERED))
    return Q()
