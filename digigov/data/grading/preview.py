"""The masked data preview: the first rows of an entry's aggregated table, as the viewer may see them.

The table is the entry's ``MountedResource`` of kind ``table`` (``catalog.tables``: one column per
``DataItem.field_name`` plus ``_batch_id``/``_row_no``); personal columns hold ``pii.seal_text`` blobs and are
unsealed here, then ``policy.row_masker`` masks or hides them per viewer. Rows come in keyset order
``(_batch_id, _row_no)`` with an opaque cursor, so page N costs the same as page 1. Showing personal
data in clear writes one ``grading.preview.clear`` audit entry per page (fields and row count).

A mount whose table does not exist yet (never aggregated) is normal: the preview says so in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from digigov.core.audit.actions import record
from digigov.core.errors import Forbidden, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.data.catalog.models import MountedResource, MountKind, PersonalKind
from digigov.data.catalog.tables import BATCH_COLUMN, ROW_COLUMN, keyset_batches, table_columns, unseal

from . import policy

DEFAULT_LIMIT = 20
MAX_LIMIT = 200


@dataclass
class Preview:
    entry: object
    columns: list = field(default_factory=list)  # DataItem shown, in order
    rows: list = field(default_factory=list)  # dicts field_name → shown text
    next_cursor: str | None = None
    message: str = ""  # why there are no rows (Chinese), when there are none for a reason
    hidden: list = field(default_factory=list)  # DataItem left out for this viewer
    masked: list = field(default_factory=list)  # field names shown masked
    clear_personal: list = field(default_factory=list)  # personal field names shown in clear


def parse_cursor(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    try:
        batch, row = (int(x) for x in str(cursor).split("-", 1))
    except (TypeError, ValueError):
        raise ValidationFailed("分页游标无效", code="bad_cursor", detail={"field": "after"}) from None
    if batch < 0 or row < 0 or batch > 2**62 or row > 2**62:
        raise ValidationFailed("分页游标无效", code="bad_cursor", detail={"field": "after"})
    return batch, row


def table_mount(entry) -> MountedResource | None:
    return (MountedResource.objects.filter(entry=entry, kind=MountKind.TABLE, voided_at__isnull=True).exclude(table_name="")
            .order_by("-mounted_at", "-id").first())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (bytes, memoryview)):
        return "（二进制数据）"
    return str(value)


def preview_rows(user, entry, *, after: str | None = None, limit: int = DEFAULT_LIMIT) -> Preview:
    """Rows of the entry's table after ``after``, masked for ``user``. The caller has checked the user may see the entry."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"每页行数应在 1 到 {MAX_LIMIT} 之间", code="bad_limit", detail={"field": "limit"})
    position = parse_cursor(after)
    require(user, "grading.view")  # names the acting role in the audit entry of a clear view
    if not policy.may_see_dataset(user, entry):
        raise Forbidden("该资源为核心数据，仅提供部门和数据主管部门可以查看数据", code="core_data")
    items = list(entry.items.all().order_by("seq"))
    mask = policy.row_masker(user, entry, items)
    result = Preview(entry=entry, hidden=mask.hidden)
    mount = table_mount(entry)
    if mount is None:
        result.message = "该资源尚未挂载库表，暂无可预览的数据"
        return result
    table = mount.table_name
    existing = table_columns(table)
    if existing is None:
        result.message = "该资源的数据尚未归集，暂无可预览的数据"
        return result
    if not {BATCH_COLUMN, ROW_COLUMN} <= existing:
        result.message = "该资源的数据表缺少系统列，无法预览"
        return result
    shown = [i for i in mask.columns if i.field_name in existing]
    result.columns = shown
    if not shown:
        result.message = "没有可向您展示的信息项"
        return result
    raw = next(keyset_batches(table, [i.field_name for i in shown], after=position, batch_size=limit + 1, limit=limit + 1), [])
    has_next = len(raw) > limit
    raw = raw[:limit]
    sealed = {i.field_name for i in shown if i.personal >= PersonalKind.PERSONAL}
    for r in raw:
        # a sealed value that does not decrypt is shown as such, never as bytes
        clear = {item.field_name: _text(unseal(table, item.field_name, value) if item.field_name in sealed else value)
                 for item, value in zip(shown, r[2:])}
        result.rows.append(mask(clear))
    if has_next and raw:
        result.next_cursor = f"{raw[-1][0]}-{raw[-1][1]}"
    result.masked = [f for f in mask.masked if f in {i.field_name for i in shown}]
    result.clear_personal = [f for f in mask.clear_personal if f in {i.field_name for i in shown}]
    if result.clear_personal and result.rows:
        with transaction.atomic():
            record(user, "grading.preview.clear", entry, after={"fields": sorted(result.clear_personal), "rows": len(result.rows),
                                                                  "table": table, "after": after or ""})
    return result
