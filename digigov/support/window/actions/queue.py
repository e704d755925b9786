"""Queue numbers (排队叫号): take a number at the hall's kiosk, call it to a counter, serve, finish,
过号 (no-show) and recall.

Numbers run A001, A002 … per hall, per day, per category (A 综合受理, B 企业服务 …). Two kiosks taking a
number at the same moment must never get the same one and never fail: the next ``seq`` is read as
max + 1 and the insert runs in a savepoint against the unique constraint (hall, day, category, seq); the
loser of a collision reads again and retries. This is plain SQL that behaves the same on SQLite and
PostgreSQL (no sequences, no ``SELECT … FOR UPDATE`` on a table that may have no rows yet).

Calling the next number is likewise a conditional ``UPDATE … WHERE status = 'waiting'``: two counters
calling at once get two different tickets.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.rbac.checks import require

from ..models import QueueTicket, ServiceHall, TicketCategory, TicketStatus

RETRIES = 20


def _category(value) -> str:
    if value not in TicketCategory.values:
        raise ValidationFailed("请选择业务类别", code="invalid_category", detail={"field": "category", "allowed": list(TicketCategory.values)})
    return value


def _open_hall(hall: ServiceHall) -> ServiceHall:
    if hall is None or hall.voided_at is not None:
        raise ValidationFailed("该大厅已停用，不能取号", code="hall_closed", detail={"field": "hall"})
    return hall


def _counter(hall: ServiceHall, counter) -> int:
    if isinstance(counter, bool) or not isinstance(counter, int) or not 1 <= counter <= hall.counters:
        raise ValidationFailed(f"窗口号应在 1 到 {hall.counters} 之间", code="invalid_counter", detail={"field": "counter"})
    return counter


def next_seq(hall: ServiceHall, day, category: str) -> int:
    """What the next number would be: read as max + 1 (the insert's unique constraint settles races)."""
    top = QueueTicket.objects.filter(hall=hall, day=day, category=category).aggregate(m=Max("seq"))["m"]
    return (top or 0) + 1


def ticket_number(category: str, seq: int) -> str:
    return f"{category}{seq:03d}"


def take_number(actor, hall: ServiceHall, category) -> QueueTicket:
    """Take a number (取号). At the kiosk the actor is the system account (nobody signs in to take a
    number; the kiosk page is rate-limited per address); through the API a kiosk's system account or a
    clerk with ``window.queue``. Only the category is recorded — never who took it."""
    hall = _open_hall(hall)
    category = _category(category)
    require(actor, "window.queue", hall)
    day = timezone.localdate()
    for _ in range(RETRIES):
        seq = next_seq(hall, day, category)
        try:
            with transaction.atomic():
                ticket = QueueTicket.objects.create(hall=hall, day=day, category=category, seq=seq, number=ticket_number(category, seq))
                record(actor, "window.ticket_take", ticket, after={"hall": hall.name, "number": ticket.number,
                                                                   "category": ticket.get_category_display()})
            return ticket
        except IntegrityError:
            continue  # another kiosk took this seq a moment ago: read again
    raise Conflict("取号人数较多，请稍后重试", code="queue_busy")


def _lock(ticket: QueueTicket) -> QueueTicket:
    return QueueTicket.objects.select_for_update(of=("self",)).select_related("hall", "hall__division").get(pk=ticket.pk)


def _move(actor, ticket: QueueTicket, allowed: tuple[str, ...], **changes) -> tuple[QueueTicket, dict, dict]:
    """Lock, check, change; returns the ticket and the audit entry's before/after (the caller records it
    under its own literal action code)."""
    ticket = _lock(ticket)
    require(actor, "window.queue", ticket.hall)
    if ticket.status not in allowed:
        raise Conflict(f"排队号 {ticket.number} 当前状态为“{ticket.get_status_display()}”，不能执行该操作", code="ticket_state")
    before = {"status": ticket.get_status_display(), "counter": ticket.counter}
    for k, v in changes.items():
        setattr(ticket, k, v)
    ticket.save()
    return ticket, before, {"status": ticket.get_status_display(), "counter": ticket.counter, "number": ticket.number}


@transaction.atomic
def call_next(actor, hall: ServiceHall, counter, category=None) -> QueueTicket | None:
    """Call the longest-waiting number of today (of ``category`` if given) to ``counter``. None when
    nobody is waiting. A ticket another counter called a moment before is skipped, not called twice."""
    hall = _open_hall(hall)
    require(actor, "window.queue", hall)
    counter = _counter(hall, counter)
    if category not in (None, ""):
        category = _category(category)
    qs = QueueTicket.objects.filter(hall=hall, day=timezone.localdate(), status=TicketStatus.WAITING)
    if category:
        qs = qs.filter(category=category)
    for _ in range(RETRIES):
        ticket = qs.order_by("created_at", "id").first()
        if ticket is None:
            return None
        now = timezone.now()
        won = QueueTicket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED, counter=counter, called_at=now, served_by=actor, updated_at=now)
        if won:
            ticket.refresh_from_db()
            record(actor, "window.ticket_call", ticket, after={"number": ticket.number, "counter": counter})
            return ticket
    raise Conflict("叫号冲突，请重试", code="queue_busy")


@transaction.atomic
def start_serving(actor, ticket: QueueTicket) -> QueueTicket:
    ticket, before, after = _move(actor, ticket, (TicketStatus.CALLED,), status=TicketStatus.SERVING, served_by=actor)
    record(actor, "window.ticket_serve", ticket, before=before, after=after)
    return ticket


@transaction.atomic
def finish(actor, ticket: QueueTicket) -> QueueTicket:
    ticket, before, after = _move(actor, ticket, (TicketStatus.CALLED, TicketStatus.SERVING), status=TicketStatus.DONE, finished_at=timezone.now())
    record(actor, "window.ticket_finish", ticket, before=before, after=after)
    return ticket


@transaction.atomic
def no_show(actor, ticket: QueueTicket) -> QueueTicket:
    """过号: the number was called and nobody came."""
    ticket, before, after = _move(actor, ticket, (TicketStatus.CALLED,), status=TicketStatus.ABSENT, finished_at=timezone.now())
    record(actor, "window.ticket_absent", ticket, before=before, after=after)
    return ticket


@transaction.atomic
def recall(actor, ticket: QueueTicket, counter=None) -> QueueTicket:
    """Call a number again (重呼): a called number once more, or a 过号 number that came back late."""
    locked = _lock(ticket)
    counter = _counter(locked.hall, counter) if counter is not None else locked.counter
    ticket, before, after = _move(actor, ticket, (TicketStatus.CALLED, TicketStatus.ABSENT), status=TicketStatus.CALLED, counter=counter,
                                  called_at=timezone.now(), finished_at=None, served_by=actor)
    record(actor, "window.ticket_recall", ticket, before=before, after=after)
    return ticket
