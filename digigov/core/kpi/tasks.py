from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account

from . import actions


@db_task()
def recompute_kpi(code: str):
    system = system_account()
    with acting_as(system, channel="task"):
        snap = actions.recompute(system, code)
    return snap.value if snap else None


@db_periodic_task(crontab(minute="*/15"))
def recompute_all_kpis():
    system = system_account()
    with acting_as(system, channel="task"):
        return actions.recompute_all(system)
