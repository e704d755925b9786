"""The data authority's to-do: grading proposals waiting for confirmation (counted over the queue page's
scoped queryset, so the number is what ``grading:proposals?status=pending`` lists)."""

from __future__ import annotations

from django.urls import reverse

from digigov.core import registry

from . import selectors


def _single(user):
    public_id = selectors.pending_proposals(user).values_list("public_id", flat=True).first()
    return reverse("grading:proposal", kwargs={"public_id": public_id}) if public_id else None


registry.register_todo(
    "grading.confirm", "待确认的数据分级建议", lambda user: selectors.pending_proposals(user).count(),
    lambda user: reverse("grading:proposals") + "?status=pending", "grading.confirm", single_url=_single, order=40,
)
