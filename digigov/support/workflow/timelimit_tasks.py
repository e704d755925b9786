"""The periodic recompute of time-limit warnings (registered from ``apps_timelimits.ready`` by import).

Runs as the platform's system account a little after midnight (a day turns red or overdue at its start)
and every hour during office hours (a case started or resumed since then is covered too)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account

from . import timelimits


def _recompute():
    system = system_account()
    with acting_as(system, channel="task"):
        return timelimits.recompute_warnings()


@db_periodic_task(crontab(minute="5", hour="0,8-18"))
def recompute_timelimit_warnings():
    return _recompute()


@db_task()
def recompute_timelimit_warnings_now():
    return _recompute()
