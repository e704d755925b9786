"""The handler's to-do on the workbench header: open tasks they could claim plus tasks they hold (one COUNT
over the worklist's filters)."""

from __future__ import annotations

from django.urls import reverse

from digigov.core import registry

from . import selectors_tasks as sel


def _single(user):
    public_id = (sel.worklist(user, "mine").order_by("id").values_list("public_id", flat=True).first()
                 or sel.worklist(user, "open").order_by("id").values_list("public_id", flat=True).first())
    return reverse("tasks:task", kwargs={"public_id": public_id}) if public_id else None


registry.register_todo("workflow.tasks", "待办任务", sel.todo_count, "tasks:list", "workflow.handle", single_url=_single, order=20)
