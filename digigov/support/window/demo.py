"""Demo data of the comprehensive window: one service hall per county of the demo city, each with today's
queue — numbers taken in the morning, some already served, some at a counter, some waiting. Tickets are
written in bulk (hundreds of rows, no personal data); the halls go through the action, audited."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from digigov.core.org.models import Division, DivisionLevel
from digigov.core.rbac.system import system_account
from digigov.core.registry import register_demo

from .actions import halls as hall_actions
from .actions.queue import ticket_number
from .models import QueueTicket, ServiceHall, TicketCategory, TicketStatus

CATEGORY_WEIGHTS = ((TicketCategory.GENERAL, 5), (TicketCategory.ENTERPRISE, 3), (TicketCategory.PICKUP, 2), (TicketCategory.CONSULT, 1))


def generate(ctx):
    rng = ctx.rng
    system = system_account()
    counties = list(Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code"))
    if not counties:
        ctx.describe("未找到县级区划，跳过综合窗口示范数据")
        return
    existing = {h.division_id for h in ServiceHall.objects.active()}
    halls = list(ServiceHall.objects.active().filter(division__in=counties))
    for county in counties:
        if county.pk in existing:
            continue
        halls.append(hall_actions.create_hall(system, name=f"{county.name}政务服务中心", division=county,
                                              address=f"{county.name}人民政府政务服务大厅", counters=rng.randint(8, 16)))
    day = timezone.localdate()
    opening = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    now = ctx.now
    rows = []
    for hall in halls:
        if QueueTicket.objects.filter(hall=hall, day=day).exists():
            continue
        for category, weight in CATEGORY_WEIGHTS:
            n = ctx.n(6 * weight, minimum=2)
            served = int(n * 0.6)
            for seq in range(1, n + 1):
                taken = min(opening + dt.timedelta(minutes=seq * rng.randint(2, 6)), now)
                t = QueueTicket(public_id=ctx.public_id(), hall=hall, day=day, category=category, seq=seq, number=ticket_number(category, seq))
                if seq <= served:
                    t.status = TicketStatus.DONE if rng.random() > 0.1 else TicketStatus.ABSENT
                    t.counter = rng.randint(1, hall.counters)
                    t.called_at = min(taken + dt.timedelta(minutes=rng.randint(3, 20)), now)
                    t.finished_at = min(t.called_at + dt.timedelta(minutes=rng.randint(5, 25)), now)
                elif seq <= served + 2:
                    t.status = TicketStatus.SERVING if seq == served + 1 else TicketStatus.CALLED
                    t.counter = rng.randint(1, hall.counters)
                    t.called_at = now - dt.timedelta(minutes=rng.randint(1, 10))
                rows.append(t)
    QueueTicket.objects.bulk_create(rows, batch_size=1000)
    ctx.rows += len(halls) + len(rows)
    ctx.describe(f"政务服务大厅 {len(halls)} 个（每个县级区划一个），今日排队号 {len(rows)} 个")


register_demo("support.window", generate, after=("registries",))
