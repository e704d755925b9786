from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from digigov.core.context import acting_as

from . import actions


@db_task()
def recompute_kpi(code: str):
    with acting_as(None, channel="task"):
        snap = actions.recompute(code)
    return snap.value if snap else None


@db_periodic_task(crontab(minute="*/15"))
def recompute_all_kpis():
    with acting_as(None, channel="task"):
        return actions.recompute_all()
