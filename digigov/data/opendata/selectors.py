"""Scoped reads of the open-data portal (pages, CKAN API, DCAT export and search share these)."""

from __future__ import annotations

from digigov.data.catalog.models import EntryStatus, OpenType

from .models import DatasetStatus, OpenDataset


def public_datasets():
    """Datasets the public may see: open, on a published entry whose open type still allows opening."""
    return (OpenDataset.objects.filter(status=DatasetStatus.OPEN, entry__status=EntryStatus.PUBLISHED,
                                       entry__voided_at__isnull=True)
            .exclude(entry__open_type=OpenType.NONE)
            .select_related("entry", "entry__department", "entry__category"))
