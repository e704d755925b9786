from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account

from .actions.licences import expire_licences


@db_periodic_task(crontab(hour="0", minute="35"))
def expire_due_licences():
    """到期: every night, valid licences whose validity has ended become expired, and the index says so."""
    system = system_account()
    with acting_as(system, channel="task"):
        return expire_licences(system)
