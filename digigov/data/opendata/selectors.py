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


# --- staff: scoped to the departments the user acts for --------------------------------------------------
def _scoped(qs, user, perm: str, department_field: str):
    from digigov.core.rbac.checks import scope_q

    q = scope_q(user, perm, department_field=department_field, division_field=f"{department_field}__division")
    return qs.filter(q) if q is not None else qs.none()


def openable_entries(user):
    """Published entries the user may open that are allowed to open and not yet opened (or withdrawn)."""
    from digigov.data.catalog.models import CatalogEntry

    qs = (CatalogEntry.objects.filter(status=EntryStatus.PUBLISHED, voided_at__isnull=True,
                                      open_type__in=[OpenType.UNCONDITIONAL, OpenType.CONDITIONAL])
          .exclude(open_dataset__isnull=False).select_related("department", "category"))
    return _scoped(qs, user, "opendata.publish", "department")


def staff_datasets(user, perm: str = "opendata.view"):
    return _scoped(OpenDataset.objects.select_related("entry", "entry__department"), user, perm, "entry__department")


def applications_to_review(user):
    from .models import OpenApplication, ReviewStatus

    qs = OpenApplication.objects.filter(status=ReviewStatus.SUBMITTED).select_related("dataset__entry__department", "app", "applicant")
    return _scoped(qs, user, "opendata.review", "dataset__entry__department")


def showcases_to_review(user):
    from .models import ReviewStatus, Showcase

    qs = Showcase.objects.filter(status=ReviewStatus.SUBMITTED).select_related("dataset__entry__department", "developer")
    return _scoped(qs, user, "opendata.review", "dataset__entry__department")


def comments_to_moderate(user):
    from .models import DatasetComment

    qs = DatasetComment.objects.filter(hidden_at__isnull=True).select_related("dataset__entry__department", "user")
    return _scoped(qs, user, "opendata.review", "dataset__entry__department")
