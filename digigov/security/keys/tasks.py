from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import api


@db_periodic_task(crontab(minute="*"))
def flush_key_usage():
    """Add the uses this worker counted to each key's ``use_count`` (web workers flush per request batch:
    see ``api.flush_usage``)."""
    return api.flush_usage()
