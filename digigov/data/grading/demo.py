"""Demo city: 分类分级 over the demo catalog — a few hundred proposals at most, whatever the scale.

The rule table (``suggest``) is run over the catalog's data items in code order; of the entries it has
something to say about, about two thirds were proposed by the department's data admin and confirmed by
the data authority (levels written onto the items and entries, one ``LevelChange`` each, the entry never
below its items), the rest wait in the authority's queue. An entry whose sharing/open types would forbid
the confirmed level (``policy.check_entry_types``) keeps its proposals pending. An empty catalog (the
catalog generator not run) yields nothing.

Deterministic for a seed: only ``ctx.rng`` and ``ctx.public_id()``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from digigov.core.rbac.models import RoleAssignment
from digigov.core.rbac.system import system_account
from digigov.core.registry import register_demo
from digigov.data.catalog.models import CatalogEntry, DataItem

from . import policy, suggest
from .models import LevelChange, LevelProposal, ProposalSource, ProposalStatus

MAX_PROPOSALS = 300
SCAN_ENTRIES = 3000
CONFIRMED_SHARE = 0.65


def _users_by_role(role: str) -> tuple[dict, object | None]:
    by_dept, any_user = {}, None
    for ra in RoleAssignment.objects.active().filter(role=role).select_related("user").order_by("id"):
        any_user = any_user or ra.user
        if ra.department_id:
            by_dept.setdefault(ra.department_id, ra.user)
    return by_dept, any_user


def generate(ctx):
    rng = ctx.rng
    entries = list(CatalogEntry.objects.filter(voided_at__isnull=True).select_related("department").order_by("code", "id")[:SCAN_ENTRIES])
    if not entries:
        ctx.describe("目录为空，跳过数据分类分级示范数据")
        return
    items_of: dict[int, list] = {}
    for item in DataItem.objects.filter(entry__in=[e.pk for e in entries]).order_by("entry_id", "seq"):
        items_of.setdefault(item.entry_id, []).append(item)
    system = system_account()
    admins, any_admin = _users_by_role("data_admin")
    authority = _users_by_role("data_authority")[1] or system
    now = ctx.shared.get("now") or timezone.now()
    proposals, changes, touched_items, touched_entries = [], [], [], []
    for entry in entries:
        if len(proposals) >= MAX_PROPOSALS:
            break
        found = suggest.suggest_entry(items_of.get(entry.pk, []))
        if not found:
            continue
        found = found[:MAX_PROPOSALS - len(proposals)]
        proposer = admins.get(entry.department_id) or any_admin or system
        top_level = max([entry.level] + [s.level for s in found])
        top_personal = max([entry.personal] + [s.personal for s in found])
        confirm = rng.random() < CONFIRMED_SHARE and not policy.check_entry_types(
            {"level": top_level, "personal": top_personal, "sharing_type": entry.sharing_type, "open_type": entry.open_type})
        batch = ctx.public_id()
        at = now - dt.timedelta(days=rng.randint(1, 120), minutes=rng.randint(0, 600))
        for s in found:
            p = LevelProposal(
                public_id=ctx.public_id(), entry=entry, item=s.item, batch=batch, current_level=s.item.level, current_personal=s.item.personal,
                level=s.level, personal=s.personal, reason="按分级规则梳理信息项", basis=s.basis, source=ProposalSource.SUGGESTED,
                proposed_by=proposer, status=ProposalStatus.CONFIRMED if confirm else ProposalStatus.PENDING,
                decided_by=authority if confirm else None, decided_at=at + dt.timedelta(days=2) if confirm else None,
                decision_note="同意" if confirm else "",
            )
            proposals.append(p)
            if confirm:
                changes.append((p, s.item, (s.item.level, s.item.personal), (s.level, s.personal)))
                s.item.level, s.item.personal = s.level, s.personal
                touched_items.append(s.item)
        if confirm and (top_level, top_personal) != (entry.level, entry.personal):
            changes.append((None, entry, (entry.level, entry.personal), (top_level, top_personal)))
            entry.level, entry.personal = top_level, top_personal
            touched_entries.append(entry)
    proposals = ctx.bulk(LevelProposal, proposals)
    DataItem.objects.bulk_update(touched_items, ["level", "personal"], batch_size=500)
    CatalogEntry.objects.bulk_update(touched_entries, ["level", "personal"], batch_size=500)
    rows = []
    last_proposal = {}
    for p, obj, before, after in changes:
        if p is not None:
            last_proposal[obj.entry_id] = p
        is_item = isinstance(obj, DataItem)
        rows.append(LevelChange(
            entry_id=obj.entry_id if is_item else obj.pk, item=obj if is_item else None,
            proposal=p if p is not None else last_proposal.get(obj.pk), level_before=before[0], level_after=after[0],
            personal_before=before[1], personal_after=after[1], actor=authority,
            note="" if is_item else "目录条目级别不低于其信息项的最高级别，随信息项提升",
        ))
    ctx.bulk(LevelChange, rows)
    pending = sum(1 for p in proposals if p.status == ProposalStatus.PENDING)
    ctx.describe(f"分级建议 {len(proposals)} 条（待确认 {pending} 条），分级变更记录 {len(rows)} 条")


register_demo("grading", generate, after=("catalog",))
