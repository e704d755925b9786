"""Every write of 分类分级: proposing levels (one item, or many at once as a batch), confirming, rejecting
and withdrawing proposals. Reads live in ``selectors``; the rules levels imply live in ``policy``.

The entry rule: an entry's level and personal kind are never below the highest of its data items (an
entry holding one 敏感个人信息 column *is* a dataset with sensitive personal information, and the
sharing/open rules and the preview's whole-dataset decisions read the entry). So confirming an item
above its entry raises the entry with it (recorded as its own change), and a proposal to put an entry
below one of its items is refused. Lowering an item never lowers the entry by itself: that takes its
own proposal, confirmed like any other.

Confirming also checks the entry's sharing/open types against ``policy.check_entry_types`` and refuses
a level the current types do not allow (the catalog entry's types must change first).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.models import new_public_id
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text
from digigov.data.catalog.models import CatalogEntry, DataItem, DataLevel, EntryRevision, PersonalKind

from . import policy
from .models import LevelChange, LevelProposal, ProposalSource, ProposalStatus

MAX_BATCH = 500
LEVEL_FIELDS = ("level", "personal")


def _int_choice(value, choices, field: str, label: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{label}无效", code="invalid_level", detail={"field": field}) from None
    if isinstance(value, bool) or number not in choices.values or str(value).strip() != str(number):
        raise ValidationFailed(f"{label}无效", code="invalid_level", detail={"field": field})
    return number


def _live_entry(entry: CatalogEntry) -> CatalogEntry:
    if entry is None or entry.voided_at is not None:
        raise ValidationFailed("目录条目不存在或已作废", code="entry_voided", detail={"field": "entry"})
    return entry


def _label(level: int, personal: int) -> str:
    return f"{DataLevel(level).label}／{PersonalKind(personal).label}"


@transaction.atomic
def propose_levels(actor, entry: CatalogEntry, lines: list[dict], *, reason: str, basis: str = "") -> list[LevelProposal]:
    """File proposals for ``entry`` and/or its items in one batch.

    ``lines``: ``[{"item": DataItem | None, "level": 1-3, "personal": 0-2, "basis": str?, "source": "manual"|"suggested"?}]``
    (``item`` None proposes the entry's own levels). ``reason`` is shared by the batch. All or nothing."""
    entry = _live_entry(entry)
    require(actor, "grading.propose", entry)
    reason = clean_text(reason, "reason", "分级理由", 500)
    basis = clean_text(basis, "basis", "分级依据", 500, required=False)
    if not isinstance(lines, (list, tuple)) or not lines:
        raise ValidationFailed("请至少提出一项分级建议", code="empty_batch", detail={"field": "lines"})
    if len(lines) > MAX_BATCH:
        raise ValidationFailed(f"一次最多提出 {MAX_BATCH} 项分级建议", code="batch_too_large", detail={"field": "lines"})
    entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
    items = {i.pk: i for i in entry.items.all()}
    pending = set(LevelProposal.objects.filter(entry=entry, status=ProposalStatus.PENDING).values_list("item_id", flat=True))
    seen: set = set()
    parsed = []
    for n, line in enumerate(lines):
        if not isinstance(line, dict):
            raise ValidationFailed("分级建议格式无效", code="invalid_line", detail={"field": "lines", "index": n})
        item = line.get("item")
        if item is not None and (not isinstance(item, DataItem) or item.pk not in items):
            raise ValidationFailed("信息项不属于该目录条目", code="item_mismatch", detail={"field": "item", "index": n})
        item = items[item.pk] if item is not None else None
        key = item.pk if item else None
        if key in seen:
            raise ValidationFailed(f"“{item.name if item else entry.name}”在本批中重复", code="duplicate_line", detail={"field": "item", "index": n})
        seen.add(key)
        if key in pending:
            raise Conflict(f"“{item.name if item else entry.name}”已有待确认的分级建议", code="already_pending", detail={"field": "item", "index": n})
        level = _int_choice(line.get("level"), DataLevel, "level", "数据级别")
        personal = _int_choice(line.get("personal"), PersonalKind, "personal", "个人信息类别")
        target = item or entry
        if (level, personal) == (target.level, target.personal):
            raise ValidationFailed(f"“{target.name}”的建议与当前级别相同", code="no_change", detail={"field": "level", "index": n})
        source = line.get("source") or ProposalSource.MANUAL
        if source not in ProposalSource.values:
            raise ValidationFailed("建议来源无效", code="invalid_source", detail={"field": "source", "index": n})
        line_basis = clean_text(line.get("basis") or basis, "basis", "分级依据", 500, required=False)
        parsed.append((item, level, personal, line_basis, source))
    # the entry rule, against the items as they would be after this batch
    entry_line = next((p for p in parsed if p[0] is None), None)
    if entry_line is not None:
        after = {i.pk: (i.level, i.personal) for i in items.values()}
        after.update({p[0].pk: (p[1], p[2]) for p in parsed if p[0] is not None})
        top_level = max((v[0] for v in after.values()), default=DataLevel.GENERAL)
        top_personal = max((v[1] for v in after.values()), default=PersonalKind.NONE)
        if entry_line[1] < top_level or entry_line[2] < top_personal:
            raise ValidationFailed(f"目录条目的级别不得低于其信息项的最高级别（{_label(top_level, top_personal)}）",
                                   code="entry_below_items", detail={"field": "level"})
    batch = new_public_id()
    created = []
    for item, level, personal, line_basis, source in parsed:
        target = item or entry
        p = LevelProposal.objects.create(
            entry=entry, item=item, batch=batch, current_level=target.level, current_personal=target.personal, level=level,
            personal=personal, reason=reason, basis=line_basis, source=source, proposed_by=actor,
        )
        record(actor, "grading.proposal.submit", p, after=snapshot(p))
        created.append(p)
    return created


def _lock_pending(proposal: LevelProposal) -> LevelProposal:
    proposal = LevelProposal.objects.select_for_update(of=("self",)).select_related("entry__department", "item").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise Conflict(f"该建议已处理（{proposal.get_status_display()}），不能重复操作", code="already_decided", detail={"status": proposal.status})
    return proposal


def _apply(actor, obj, level: int, personal: int, *, entry: CatalogEntry, proposal, note: str) -> LevelChange | None:
    before = (obj.level, obj.personal)
    if before == (level, personal):
        return None
    snap = snapshot(obj, LEVEL_FIELDS)
    obj.level, obj.personal = level, personal
    obj.save(update_fields=list(LEVEL_FIELDS) + (["updated_at"] if isinstance(obj, CatalogEntry) else []))
    change = LevelChange.objects.create(
        entry=entry, item=obj if isinstance(obj, DataItem) else None, proposal=proposal, level_before=before[0], level_after=level,
        personal_before=before[1], personal_after=personal, note=note, actor=actor,
    )
    record(actor, "grading.level.change", obj, before=snap, after=snapshot(obj, LEVEL_FIELDS))
    return change


def _revision(actor, entry: CatalogEntry, changes: list[LevelChange], opinion: str) -> None:
    """The catalog's readable change history gets one line per changed object."""
    lines = []
    for c in changes:
        target = c.item.name if c.item_id else "目录条目"
        lines.append(f"{target}：{_label(c.level_before, c.personal_before)} → {_label(c.level_after, c.personal_after)}")
    snap = {"level": entry.level, "personal": entry.personal,
            "items": [{"field_name": i.field_name, "level": i.level, "personal": i.personal} for i in entry.items.all()]}
    EntryRevision.objects.create(entry=entry, version=entry.version, status=entry.status, action="grading.confirm",
                                 summary="\n".join(lines), opinion=opinion[:500], snapshot=snap, actor=actor)


def _confirm_locked(actor, proposal: LevelProposal, note: str) -> list[LevelChange]:
    entry = CatalogEntry.objects.select_for_update(of=("self",)).select_related("department").get(pk=proposal.entry_id)
    _live_entry(entry)
    changes = []
    if proposal.item_id:
        item = DataItem.objects.select_for_update().get(pk=proposal.item_id)
        new_entry = (max(entry.level, proposal.level), max(entry.personal, proposal.personal))
    else:
        item = None
        top = entry.items.values_list("level", "personal")
        top_level = max((t[0] for t in top), default=DataLevel.GENERAL)
        top_personal = max((t[1] for t in top), default=PersonalKind.NONE)
        if proposal.level < top_level or proposal.personal < top_personal:
            raise ValidationFailed(f"目录条目的级别不得低于其信息项的最高级别（{_label(top_level, top_personal)}）",
                                   code="entry_below_items", detail={"field": "level"})
        new_entry = (proposal.level, proposal.personal)
    problems = policy.check_entry_types({"level": new_entry[0], "personal": new_entry[1],
                                         "sharing_type": entry.sharing_type, "open_type": entry.open_type})
    if problems:
        raise Conflict("“" + entry.name + "”当前的共享/开放类型与该级别不符：" + "；".join(m for _, m in problems) + "。请先修改目录的共享/开放类型",
                       code="types_conflict", detail={"problems": [{"field": f, "message": m} for f, m in problems]})
    if item is not None:
        c = _apply(actor, item, proposal.level, proposal.personal, entry=entry, proposal=proposal, note=note)
        changes += [c] if c else []
        c = _apply(actor, entry, *new_entry, entry=entry, proposal=proposal, note="目录条目级别不低于其信息项的最高级别，随信息项提升")
        changes += [c] if c else []
    else:
        c = _apply(actor, entry, *new_entry, entry=entry, proposal=proposal, note=note)
        changes += [c] if c else []
    before = snapshot(proposal)
    proposal.status, proposal.decided_by, proposal.decided_at, proposal.decision_note = ProposalStatus.CONFIRMED, actor, timezone.now(), note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    record(actor, "grading.proposal.confirm", proposal, before=before, after=snapshot(proposal))
    if changes:
        _revision(actor, entry, changes, note)
    return changes


@transaction.atomic
def confirm_proposal(actor, proposal: LevelProposal, note: str = "") -> LevelProposal:
    """The data authority confirms: the proposed levels are written onto the item/entry (see the module docstring)."""
    require(actor, "grading.confirm", proposal)
    note = clean_text(note, "note", "确认意见", 500, required=False)
    proposal = _lock_pending(proposal)
    _confirm_locked(actor, proposal, note)
    return proposal


@transaction.atomic
def confirm_batch(actor, batch: str, note: str = "") -> list[LevelProposal]:
    """Confirm every pending proposal of one batch, all or nothing (items before the entry, so the entry rule holds)."""
    note = clean_text(note, "note", "确认意见", 500, required=False)
    pending = list(LevelProposal.objects.filter(batch=str(batch or "")[:22], status=ProposalStatus.PENDING)
                   .select_related("entry__department").order_by("item_id", "id"))
    if not pending:
        raise Conflict("该批次没有待确认的建议", code="nothing_pending")
    for p in pending:
        require(actor, "grading.confirm", p)
    ordered = [p for p in pending if p.item_id] + [p for p in pending if not p.item_id]
    done = []
    for p in ordered:
        p = _lock_pending(p)
        _confirm_locked(actor, p, note)
        done.append(p)
    return done


@transaction.atomic
def reject_proposal(actor, proposal: LevelProposal, note: str) -> LevelProposal:
    require(actor, "grading.confirm", proposal)
    note = clean_text(note, "note", "驳回理由", 500)
    proposal = _lock_pending(proposal)
    before = snapshot(proposal)
    proposal.status, proposal.decided_by, proposal.decided_at, proposal.decision_note = ProposalStatus.REJECTED, actor, timezone.now(), note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    record(actor, "grading.proposal.reject", proposal, before=before, after=snapshot(proposal))
    return proposal


@transaction.atomic
def withdraw_proposal(actor, proposal: LevelProposal) -> LevelProposal:
    """The proposing department takes back a proposal not yet decided."""
    require(actor, "grading.propose", proposal)
    proposal = _lock_pending(proposal)
    before = snapshot(proposal)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    record(actor, "grading.proposal.withdraw", proposal, before=before, after=snapshot(proposal))
    return proposal
