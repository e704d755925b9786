"""The steward's to-do on the workbench home: open tasks of the queue (one COUNT over the list's queryset)."""

from __future__ import annotations

from django.urls import reverse

from digigov.core import registry

from . import steward


def _single(user):
    public_id = steward.open_tasks(user).order_by("id").values_list("public_id", flat=True).first()
    return reverse("registries_steward:task", kwargs={"public_id": public_id}) if public_id else None


registry.register_todo("registries.steward", "待处理的基础库数据管家任务", lambda user: steward.open_tasks(user).count(),
                       "registries_steward:list", "registries.steward", single_url=_single, order=45)
