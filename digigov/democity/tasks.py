from huey.contrib.djhuey import db_task

from . import runner


@db_task()
def generate_demo_city(scale: float | None = None, seed: int | None = None):
    """The same as ``manage.py democity --scale S --seed N``, in the task queue."""
    results = runner.run(scale, seed, channel="task", progress=False, log=lambda text: None)
    return [r.as_dict() for r in results]
