"""Cloud to-dos for the workbench home: resource requests waiting for this approver's decision.

Counted over the list page's scoped queryset (``selectors.requests``) under ``cloud.approve``, so the number is
what the approver finds on ``cloud:requests?status=submitted``; one request opens directly."""

from __future__ import annotations

from django.urls import reverse

from digigov.core import registry
from . import selectors
from .models import RequestStatus


def _waiting(user):
    return selectors.requests(user, "cloud.approve").filter(voided_at__isnull=True, status=RequestStatus.SUBMITTED)


def _single(user):
    public_id = _waiting(user).values_list("public_id", flat=True).first()
    return reverse("cloud:request", kwargs={"public_id": public_id}) if public_id else None


registry.register_todo(
    "cloud.approve", "待审批的云资源申请", lambda user: _waiting(user).count(),
    lambda user: reverse("cloud:requests") + f"?status={RequestStatus.SUBMITTED}", "cloud.approve",
    single_url=_single, order=10,
)
