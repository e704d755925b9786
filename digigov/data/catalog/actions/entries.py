"""The lifecycle of a catalog entry: 编目 (draft) → 部门审核 → 数据主管部门审核 → 发布, 退回 at either
review, 变更 (a new version of a published entry, see ``CatalogEntry``), 撤销 and 作废.

Every action locks the entry row, checks the actor's permission on it, validates, writes in one
transaction, appends an audit entry and an ``EntryRevision`` with a readable Chinese summary.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.checks import active_department
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from ..models import CatalogEntry, DataItem, EntryStatus
from ._common import CODE, add_revision, clean_fields, clean_items, live_document, summarize, working_document

EDITABLE = (EntryStatus.DRAFT, EntryStatus.RETURNED)
AUDIT_FIELDS = ("code", "name", "status", "pending_status", "version", "sharing_type", "open_type", "published_on")


def _audit(entry: CatalogEntry) -> dict:
    return snapshot(entry, AUDIT_FIELDS)


def _lock(entry: CatalogEntry) -> CatalogEntry:
    locked = CatalogEntry.objects.select_for_update(of=("self",)).select_related("department__division").get(pk=entry.pk)
    if locked.voided_at is not None:
        raise Conflict("该目录条目已作废", code="entry_voided")
    return locked


def _write_items(entry: CatalogEntry, items: list[dict]) -> None:
    """Make the entry's DataItem rows equal ``items``, matching by field name (an item kept keeps its
    row, so whatever refers to it — grading, quality rules — still does)."""
    existing = {i.field_name: i for i in DataItem.objects.filter(entry=entry)}
    wanted = {i["field_name"] for i in items}
    DataItem.objects.filter(entry=entry).exclude(field_name__in=wanted).delete()
    # move the kept rows' seq out of the way first: (entry, seq) is unique
    if existing:
        for n, row in enumerate(existing.values(), start=1):
            if row.field_name in wanted:
                row.seq = 100_000 + n
        DataItem.objects.bulk_update([r for r in existing.values() if r.field_name in wanted], ["seq"])
    new_rows = []
    for i in items:
        values = {k: v for k, v in i.items() if k != "code_list"} | {"code_list_id": i["code_list"]}
        row = existing.get(i["field_name"])
        if row is None:
            new_rows.append(DataItem(entry=entry, **values))
        else:
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
    DataItem.objects.bulk_create(new_rows)


def _apply_fields(entry: CatalogEntry, fields: dict) -> None:
    for k, v in fields.items():
        if k == "category":
            entry.category_id = v
        elif k in ("code", "department", "level", "personal"):
            continue  # identity and the confirmed grading are not edited here
        else:
            setattr(entry, k, v)


@transaction.atomic
def create_entry(actor, *, department, code: str, items: list | None = None, **fields) -> CatalogEntry:
    """编目: a new draft entry with its data items."""
    department = active_department(department)
    require(actor, "catalog.edit", CatalogEntry(department=department))
    code = (code or "").strip() if isinstance(code, str) else ""
    if not CODE.match(code):
        raise ValidationFailed("资源代码只能包含字母、数字和 ._/-，不超过 64 个字符", code="invalid_code", detail={"field": "code"})
    clean = clean_fields(fields)
    clean_list = clean_items(items or [])
    if CatalogEntry.objects.filter(code=code).exists():
        raise Conflict(f"资源代码“{code}”已被使用", code="duplicate_code", detail={"field": "code"})
    entry = CatalogEntry(code=code, department=department, maintainer=actor, status=EntryStatus.DRAFT)
    _apply_fields(entry, clean)
    entry.save()
    _write_items(entry, clean_list)
    record(actor, "catalog.entry.create", entry, after=_audit(entry))
    add_revision(actor, entry, "编目", summarize(None, live_document(entry)))
    return entry


@transaction.atomic
def update_entry(actor, entry: CatalogEntry, *, items: list | None = None, **fields) -> CatalogEntry:
    """Edit the working copy (a draft or returned entry, or the pending change of a published one).
    ``items`` None keeps the items; a list replaces them."""
    require(actor, "catalog.edit", entry)
    entry = _lock(entry)
    require(actor, "catalog.edit", entry)
    if entry.review_status not in EDITABLE:
        if entry.status == EntryStatus.PUBLISHED and not entry.pending_status:
            raise Conflict("已发布的目录条目须先发起变更再编辑", code="revise_first")
        raise Conflict(f"目录条目{entry.review_status_label}，不能编辑", code="not_editable", detail={"status": entry.review_status})
    before = working_document(entry)
    new_fields = clean_fields(fields, before["fields"])
    new_items = clean_items(items, before["items"]) if items is not None else before["items"]
    after = {"fields": {**before["fields"], **new_fields}, "items": new_items}
    summary = summarize(before, after)
    audit_before = _audit(entry)
    if entry.pending is not None:
        entry.pending = after
        entry.save(update_fields=["pending", "updated_at"])
    else:
        _apply_fields(entry, new_fields)
        entry.save()
        if items is not None:
            _write_items(entry, new_items)
    record(actor, "catalog.entry.update", entry, before=audit_before, after=_audit(entry) | {"summary": summary})
    add_revision(actor, entry, "编辑", summary, document=after)
    return entry


def _set_review_status(entry: CatalogEntry, status: str) -> None:
    if entry.pending is not None:
        entry.pending_status = status
        entry.save(update_fields=["pending_status", "updated_at"])
    else:
        entry.status = status
        entry.save(update_fields=["status", "updated_at"])


@transaction.atomic
def submit_entry(actor, entry: CatalogEntry) -> CatalogEntry:
    """提交部门审核. An entry needs at least one data item."""
    require(actor, "catalog.edit", entry)
    entry = _lock(entry)
    if entry.review_status not in EDITABLE:
        raise Conflict(f"目录条目{entry.review_status_label}，不能提交", code="not_submittable", detail={"status": entry.review_status})
    if not working_document(entry)["items"]:
        raise ValidationFailed("请至少登记一个信息项再提交审核", code="items_required", detail={"field": "items"})
    before = _audit(entry)
    _set_review_status(entry, EntryStatus.DEPT_REVIEW)
    record(actor, "catalog.entry.submit", entry, before=before, after=_audit(entry))
    add_revision(actor, entry, "提交审核", "提交部门审核")
    return entry


def _opinion(opinion, required: bool) -> str:
    return clean_text(opinion, "opinion", "审核意见", 500, required=required)


@transaction.atomic
def dept_review(actor, entry: CatalogEntry, *, approve: bool, opinion: str = "") -> CatalogEntry:
    """部门审核: approve (→ 数据主管部门审核) or return with an opinion. A dept admin reviews its own subtree."""
    require(actor, "catalog.dept_review", entry)
    opinion = _opinion(opinion, required=not approve)
    entry = _lock(entry)
    if entry.review_status != EntryStatus.DEPT_REVIEW:
        raise Conflict(f"目录条目{entry.review_status_label}，不在部门审核环节", code="not_in_dept_review", detail={"status": entry.review_status})
    before = _audit(entry)
    _set_review_status(entry, EntryStatus.AUTHORITY_REVIEW if approve else EntryStatus.RETURNED)
    record(actor, "catalog.entry.dept_approve" if approve else "catalog.entry.dept_return", entry, before=before,
           after=_audit(entry) | {"opinion": opinion})
    add_revision(actor, entry, "部门审核通过" if approve else "部门审核退回",
                 "部门审核通过，报数据主管部门审核" if approve else "部门审核退回修改", opinion=opinion)
    return entry


@transaction.atomic
def authority_review(actor, entry: CatalogEntry, *, approve: bool, opinion: str = "") -> CatalogEntry:
    """数据主管部门审核: publish (version + 1, 发布日期 today, a pending change applied) or return."""
    require(actor, "catalog.authority_review", entry)
    opinion = _opinion(opinion, required=not approve)
    entry = _lock(entry)
    if entry.review_status != EntryStatus.AUTHORITY_REVIEW:
        raise Conflict(f"目录条目{entry.review_status_label}，不在数据主管部门审核环节", code="not_in_authority_review",
                       detail={"status": entry.review_status})
    before = _audit(entry)
    if not approve:
        _set_review_status(entry, EntryStatus.RETURNED)
        record(actor, "catalog.entry.authority_return", entry, before=before, after=_audit(entry) | {"opinion": opinion})
        add_revision(actor, entry, "主管部门退回", "数据主管部门审核退回修改", opinion=opinion)
        return entry
    old = live_document(entry) if entry.version else None
    if entry.pending is not None:
        doc = entry.pending
        _apply_fields(entry, doc["fields"])
        _write_items(entry, doc["items"])
        entry.pending, entry.pending_status = None, ""
    entry.status = EntryStatus.PUBLISHED
    entry.version += 1
    entry.published_on = timezone.localdate()
    entry.save()
    record(actor, "catalog.entry.publish", entry, before=before, after=_audit(entry) | {"opinion": opinion})
    summary = f"发布第 {entry.version} 版" + (f"：{summarize(old, live_document(entry))}" if old else "")
    add_revision(actor, entry, "发布", summary, opinion=opinion)
    return entry


@transaction.atomic
def revise_entry(actor, entry: CatalogEntry) -> CatalogEntry:
    """变更: open a new draft version of a published entry; the published version stays as it is."""
    require(actor, "catalog.edit", entry)
    entry = _lock(entry)
    if entry.status != EntryStatus.PUBLISHED:
        raise Conflict("只有已发布的目录条目可以发起变更", code="not_published", detail={"status": entry.status})
    if entry.pending is not None:
        raise Conflict(f"该目录条目已有进行中的变更（{entry.review_status_label}）", code="revision_open")
    before = _audit(entry)
    entry.pending, entry.pending_status = live_document(entry), EntryStatus.DRAFT
    entry.save(update_fields=["pending", "pending_status", "updated_at"])
    record(actor, "catalog.entry.revise", entry, before=before, after=_audit(entry))
    add_revision(actor, entry, "发起变更", f"基于第 {entry.version} 版发起变更")
    return entry


@transaction.atomic
def withdraw_entry(actor, entry: CatalogEntry, reason: str) -> CatalogEntry:
    """撤销: drop a pending change (the published version stays), or take a published entry out of the catalog."""
    require(actor, "catalog.edit", entry)
    reason = clean_text(reason, "reason", "撤销原因", 500)
    entry = _lock(entry)
    before = _audit(entry)
    if entry.pending is not None:
        entry.pending, entry.pending_status = None, ""
        entry.save(update_fields=["pending", "pending_status", "updated_at"])
        record(actor, "catalog.entry.withdraw_revision", entry, before=before, after=_audit(entry) | {"reason": reason})
        add_revision(actor, entry, "撤销变更", f"撤销进行中的变更，继续使用第 {entry.version} 版", opinion=reason)
        return entry
    if entry.status != EntryStatus.PUBLISHED:
        raise Conflict("只有已发布的目录条目或进行中的变更可以撤销；未发布的草稿请作废", code="not_withdrawable",
                       detail={"status": entry.status})
    entry.status = EntryStatus.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    record(actor, "catalog.entry.withdraw", entry, before=before, after=_audit(entry) | {"reason": reason})
    add_revision(actor, entry, "撤销", "撤销已发布的目录条目", opinion=reason)
    return entry


@transaction.atomic
def void_entry(actor, entry: CatalogEntry, reason: str) -> CatalogEntry:
    """作废 an entry that was never published (created in error). Published ones are withdrawn instead."""
    require(actor, "catalog.edit", entry)
    reason = clean_text(reason, "reason", "作废原因", 200)
    entry = _lock(entry)
    if entry.version > 0 and entry.status != EntryStatus.WITHDRAWN:
        raise Conflict("已发布的目录条目不能作废，请先撤销", code="published_entry")
    if entry.mounts.filter(voided_at__isnull=True).exists():
        raise Conflict("该目录条目仍有挂载的资源，请先取消挂载", code="has_mounts")
    before = _audit(entry)
    entry.voided_at, entry.void_reason, entry.voided_by = timezone.now(), reason, actor
    entry.save(update_fields=["voided_at", "void_reason", "voided_by", "updated_at"])
    record(actor, "catalog.entry.void", entry, before=before, after=_audit(entry) | {"reason": reason})
    add_revision(actor, entry, "作废", "作废目录条目", opinion=reason)
    return entry
