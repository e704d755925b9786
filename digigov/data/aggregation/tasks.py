from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account


@db_task()
def run_job(job_id: int):
    """Run a queued aggregation job in the name of whoever queued it."""
    from .models import Job
    from .pipeline import engine

    job = Job.objects.select_related("actor").filter(pk=job_id).first()
    if job is None:
        return None
    with acting_as(job.actor, channel="task"):
        job = engine.run(job_id)
    return job.state if job else None


@db_periodic_task(crontab(minute="*"))
def enqueue_scheduled_sources():
    """Every minute: queue the pulls of sources whose schedule is due."""
    from . import actions

    system = system_account()
    with acting_as(system, channel="task"):
        return actions.enqueue_due(system)
