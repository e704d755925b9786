"""Huey jobs of the exchange: one attempt of a run; every minute, the scheduler and the retry pump (runs
whose backoff has passed). The retry state lives in the database (``ExchangeRun.next_attempt_at``), so a
worker restart loses no retry."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from digigov.core.context import acting_as


@db_task()
def execute_run(run_id: int):
    from .engine import execute
    from .models import ExchangeRun

    run = ExchangeRun.objects.select_related("requested_by").filter(pk=run_id).first()
    if run is None:
        return None
    with acting_as(run.requested_by, channel="task"):
        run = execute(run_id)
    return run.status if run else None


@db_periodic_task(crontab(minute="*"))
def schedule_and_retry():
    """Every minute: queue scheduled jobs that are due, then run the retries whose backoff has passed."""
    from digigov.core.rbac.system import system_account

    from . import actions
    from .engine import execute

    system = system_account()
    with acting_as(system, channel="task"):
        queued = actions.enqueue_due(system)
        retried = 0
        for pk in actions.due_retries():
            execute(pk)
            retried += 1
    return {"queued": queued, "retried": retried}
