"""Listening to aggregation: a batch committed into a feed's catalog entry queues a build of that
feed's registry (as the system account), so delivered rows reach the golden records without anyone
pressing a button. A build already running is left alone (it is refused with 409 and logged); the
next delivery or a manual build picks the rows up. Never raises into the sender."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver

from digigov.data.catalog.signals import dataset_loaded

log = logging.getLogger(__name__)


@receiver(dataset_loaded, dispatch_uid="registries.dataset_loaded")
def on_dataset_loaded(sender, entry=None, mount=None, batch_id=None, rows=0, **kwargs):
    try:
        from .models import Feed

        registries = sorted(set(Feed.objects.filter(entry=entry, voided_at__isnull=True).values_list("registry", flat=True))) if entry else []
        if not registries:
            return

        def queue():
            from digigov.core.errors import DigiGovError
            from digigov.core.rbac.system import system_account

            from . import actions

            for reg in registries:
                try:
                    actions.start_build(system_account(), reg)
                except DigiGovError as exc:
                    log.info("registry %s not rebuilt after a load of entry %s: %s", reg, entry.pk, exc.message)

        transaction.on_commit(queue)
    except Exception:  # noqa: BLE001
        log.exception("registries could not take note of a load of entry %s", getattr(entry, "pk", None))
