"""需求目录: a department asks another for data; the provider accepts, rejects with a reason, or marks it met."""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.checks import active_department
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from ..models import CatalogEntry, DataDemand, DemandStatus, EntryStatus, ResponsibilityItem

FIELDS = ("requester", "provider", "entry", "title", "items", "purpose", "basis", "status", "reply")


@transaction.atomic
def file_demand(actor, *, requester, provider=None, entry: CatalogEntry | None = None, title: str = "", items: str = "",
                purpose: str, basis: str = "") -> DataDemand:
    """File a demand as the requesting department, against a published entry (its department is the
    provider) or as free text naming the provider."""
    requester = active_department(requester, field="requester")
    # the requester's own data admin files it: check the scope on the requesting department
    require(actor, "catalog.edit", ResponsibilityItem(department=requester))
    if entry is not None:
        if entry.voided_at is not None or entry.status != EntryStatus.PUBLISHED:
            raise ValidationFailed("只能针对已发布的目录条目提出需求", code="entry_not_published", detail={"field": "entry"})
        provider = entry.department
        title = title or entry.name
    provider = active_department(provider, field="provider")
    if provider.pk == requester.pk:
        raise ValidationFailed("提供部门不能是本单位", code="same_department", detail={"field": "provider"})
    values = {"title": clean_text(title, "title", "需求名称", 200), "items": clean_text(items, "items", "所需信息项", 1000, required=False),
              "purpose": clean_text(purpose, "purpose", "用途", 500), "basis": clean_text(basis, "basis", "依据", 500, required=False)}
    demand = DataDemand.objects.create(requester=requester, provider=provider, entry=entry, filed_by=actor, **values)
    record(actor, "catalog.demand.file", demand, after=snapshot(demand, FIELDS))
    return demand


def _answer(actor, demand: DataDemand, status: str, allowed: tuple, reply: str = "", entry=None) -> DataDemand:
    require(actor, "catalog.edit", demand)  # scoped to the provider
    demand = DataDemand.objects.select_for_update(of=("self",)).select_related("provider__division").get(pk=demand.pk)
    if demand.voided_at is not None:
        raise Conflict("该需求已作废", code="demand_voided")
    if demand.status not in allowed:
        raise Conflict(f"该需求{demand.get_status_display()}，不能执行此操作", code="bad_demand_status", detail={"status": demand.status})
    before = snapshot(demand, FIELDS)
    demand.status = status
    if reply:
        demand.reply = reply
    if entry is not None:
        demand.entry = entry
    demand.save()
    after = snapshot(demand, FIELDS)
    if status == DemandStatus.ACCEPTED:
        record(actor, "catalog.demand.accept", demand, before=before, after=after)
    elif status == DemandStatus.REJECTED:
        record(actor, "catalog.demand.reject", demand, before=before, after=after)
    else:
        record(actor, "catalog.demand.meet", demand, before=before, after=after)
    return demand


@transaction.atomic
def accept_demand(actor, demand: DataDemand, reply: str = "") -> DataDemand:
    reply = clean_text(reply, "reply", "答复意见", 500, required=False)
    return _answer(actor, demand, DemandStatus.ACCEPTED, (DemandStatus.OPEN,), reply)


@transaction.atomic
def reject_demand(actor, demand: DataDemand, reply: str) -> DataDemand:
    reply = clean_text(reply, "reply", "不予满足的理由", 500)
    return _answer(actor, demand, DemandStatus.REJECTED, (DemandStatus.OPEN, DemandStatus.ACCEPTED), reply)


@transaction.atomic
def meet_demand(actor, demand: DataDemand, entry: CatalogEntry | None = None, reply: str = "") -> DataDemand:
    """Mark met, optionally naming the (published, own) entry that meets it."""
    reply = clean_text(reply, "reply", "答复意见", 500, required=False)
    if entry is not None:
        if entry.voided_at is not None or entry.status != EntryStatus.PUBLISHED:
            raise ValidationFailed("请选择已发布的目录条目", code="entry_not_published", detail={"field": "entry"})
        if entry.department_id != demand.provider_id:
            raise ValidationFailed("只能用本单位的目录条目满足需求", code="entry_other_department", detail={"field": "entry"})
    return _answer(actor, demand, DemandStatus.MET, (DemandStatus.OPEN, DemandStatus.ACCEPTED), reply, entry)
