"""Listening to aggregation: a committed batch notes the load (for timeliness) and queues a check.

The receiver must not raise into aggregation's commit; failures are logged, the daily job catches up."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver

from digigov.data.catalog.signals import dataset_loaded

log = logging.getLogger(__name__)


@receiver(dataset_loaded, dispatch_uid="quality.dataset_loaded")
def on_dataset_loaded(sender, entry=None, mount=None, batch_id=None, rows=0, **kwargs):
    try:
        from . import actions

        entry_id = entry.pk
        with transaction.atomic():  # a savepoint: a failure here must not break the sender's transaction (PostgreSQL aborts it)
            actions.note_load(entry, batch_id, rows)

        def enqueue():
            from .tasks import check_loaded_dataset

            try:
                check_loaded_dataset(entry_id, batch_id)
            except Exception:  # noqa: BLE001
                log.exception("quality check of entry %s could not be queued", entry_id)

        transaction.on_commit(enqueue)
    except Exception:  # noqa: BLE001
        log.exception("quality could not take note of a load of entry %s", getattr(entry, "pk", None))
