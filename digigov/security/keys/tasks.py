from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import api


@db_periodic_task(crontab(minute="*"))
def flush_key_usage():
    """Add the uses this worker counted to each key's ``use_count`` (web workers flush per request batch:
    see ``api.flush_usage``)."""
    return api.flush_usage()


@db_task()
def reencrypt(job_id: int):
    """Run a queued re-encryption pass (``actions.start_reencryption``) to the end."""
    from . import actions, reencrypt as engine
    from .models import Reencryption, ReencryptionState

    job = Reencryption.objects.filter(pk=job_id, state=ReencryptionState.QUEUED).first()
    if job is None:
        return None
    try:
        engine.run(job)
    finally:
        actions.finish_reencryption(job)
    return job.state
