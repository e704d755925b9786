from huey.contrib.djhuey import db_task

from digigov.core.context import acting_as


@db_task()
def run_build(run_id: int):
    """Build a registry in the name of whoever started the run."""
    from . import build
    from .models import LinkRun

    run = LinkRun.objects.select_related("started_by").filter(pk=run_id).first()
    if run is None:
        return None
    with acting_as(run.started_by, channel="task"):
        run = build.run_build(run_id)
    return run.status
