from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account

from . import actions
from .models import RunTrigger


@db_task()
def check_loaded_dataset(entry_id: int, batch_id=None):
    """Check a dataset after aggregation committed a batch into it (queued by ``receivers``)."""
    from digigov.data.catalog.models import CatalogEntry

    entry = CatalogEntry.objects.filter(pk=entry_id, voided_at__isnull=True).first()
    if entry is None:
        return None
    system = system_account()
    with acting_as(system, channel="task"):
        run = actions.run_now(system, entry, trigger=RunTrigger.LOADED, batch_id=batch_id)
    return run.pk


@db_periodic_task(crontab(hour="2", minute="20"))
def daily_quality_checks():
    """Timeliness (and fresh scores) for every dataset not checked in the last day."""
    system = system_account()
    with acting_as(system, channel="task"):
        return actions.scheduled_checks(system)
