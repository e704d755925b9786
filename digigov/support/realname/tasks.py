from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account

from . import actions


@db_periodic_task(crontab(hour="4", minute="10"))
def purge_old_codes():
    """Nightly: one-time codes older than two days are of no further use (not even for the limits)."""
    system = system_account()
    with acting_as(system, channel="task"):
        return actions.purge_codes(system)
