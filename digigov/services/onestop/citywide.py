"""全市通办 as the window and the worklist see it: ``process_tags`` (registered with
``registry.register_process_tags``) names the workflow processes that run an active 全市通办 item, so the
support layer's reception, receipt, progress and 待办 pages show the badge without importing the portal."""

from __future__ import annotations

CITYWIDE = "全市通办"


def process_tags(process_ids) -> dict[int, list[str]]:
    from .models import ServiceItem

    ids = (ServiceItem.objects.filter(process_id__in=set(process_ids), citywide=True, active=True, voided_at__isnull=True)
           .values_list("process_id", flat=True).distinct())
    return {pid: [CITYWIDE] for pid in ids}
