"""The workbench to-do of data sharing: share requests waiting for this user's decision (``selectors.review_queue``,
the 待我审核 page's own queryset)."""

from __future__ import annotations

from django.urls import reverse

from digigov.core import registry

from . import selectors


def _single(user):
    pid = selectors.review_queue(user).values_list("public_id", flat=True).first()
    return reverse("sharing:request", kwargs={"public_id": pid}) if pid else None


registry.register_todo("sharing.review", "待审核的共享申请", lambda user: selectors.review_queue(user).count(), "sharing:review",
                       "sharing.review", single_url=_single, order=45)
