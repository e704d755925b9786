"""Huey job of the federation: every hour, the named system account synchronises the catalog of each
active peer whose credential is recorded (a failure is a failed ``SyncRun`` shown on the peer's page)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from digigov.core.context import acting_as


@db_periodic_task(crontab(minute="17"))
def sync_peers():
    from digigov.core.rbac.system import system_account

    from .actions import sync_peer
    from .selectors import peers_to_sync

    system = system_account()
    out = {}
    with acting_as(system, channel="task"):
        for peer in peers_to_sync():
            out[peer.code] = sync_peer(system, peer).status
    return out
