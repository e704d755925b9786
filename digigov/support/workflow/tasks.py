"""Scheduled jobs of the workflow engine: fire due timers (every minute), each in its own engine step,
as the platform's system account. Firing is idempotent (``runtime.fire_timer`` re-checks the timer under
the case lock), so two workers or a re-run after a crash never fire one twice."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from digigov.core.errors import DigiGovError

from . import runtime
from .models import Timer, TimerStatus

log = logging.getLogger(__name__)
BATCH = 500


def fire_due_timers(now=None, *, limit: int = BATCH) -> int:
    """Fire every pending timer due at ``now``; the number fired."""
    from digigov.core.audit.actions import record
    from digigov.core.rbac.system import system_account

    now = now or timezone.now()
    actor = system_account()
    fired = 0
    for pk in list(Timer.objects.filter(status=TimerStatus.PENDING, fire_at__lte=now).order_by("fire_at").values_list("pk", flat=True)[:limit]):
        try:
            with transaction.atomic():  # the step and its audit entry commit together
                if runtime.fire_timer(pk, actor, now=now):
                    fired += 1
                    timer = Timer.objects.select_related("case").get(pk=pk)
                    record(actor, "workflow.timer_fire", timer.case, after={"element": timer.element_id})
        except DigiGovError as exc:  # a case changed meanwhile: the next run sees it again
            log.info("timer %s not fired: %s", pk, exc.code)
    return fired


@db_periodic_task(crontab(minute="*"))
def fire_timers_job():
    return fire_due_timers()
