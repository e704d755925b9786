from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account

from . import actions


@db_task()
def verify_audit_chain(run_id: int):
    run = actions.run_verification(run_id)
    return run.ok


@db_periodic_task(crontab(minute="*/10"))
def checkpoint_audit_head():
    """A signed checkpoint of the head every ten minutes, however few entries were written."""
    return actions.checkpoint_head()


@db_periodic_task(crontab(hour="3", minute="30"))
def nightly_audit_verification():
    """Verify the whole chain every night; the audit page shows the result."""
    system = system_account()
    with acting_as(system, channel="task"):
        return actions.start_verification(system).pk
