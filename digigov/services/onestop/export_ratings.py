"""好差评 national reporting export: the ratings as the national 好差评 system's data exchange takes them, one
record per rating with the field names in Chinese, as CSV (UTF-8 with BOM, so that spreadsheet programs read the
Chinese) or as JSON (an array of objects), streamed in keyset batches (``id > last``) so that a table of
millions of ratings never sits in memory and no page is read twice.

Fields: ``FIELDS`` below. 评价等级 carries the national numbering (1 非常满意 … 5 非常不满意, see
``rating_codes.EXPORT_LEVEL``) next to its name; 评价原因 carries the reason codes joined by ``;`` and
评价原因说明 their labels. The rater is not exported (the national system receives the rater's identity from the
unified identity platform, not from a department's file)."""

from __future__ import annotations

import csv
import io
import json
from typing import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from . import rating_codes as codes

BATCH = 2000
FIELDS = ["评价编号", "评价对象类型", "事项编码", "事项名称", "办件编号", "申请编号", "被评价部门", "部门编码", "政务服务大厅",
          "评价等级", "评价等级名称", "评价渠道", "评价时间", "评价原因", "评价原因说明", "评价内容", "整改状态", "整改期限"]


def record(r) -> dict:
    try:
        rect = r.rectification
    except Exception:  # noqa: BLE001 — RelatedObjectDoesNotExist: a good rating has no ticket
        rect = None
    return {
        "评价编号": r.public_id,
        "评价对象类型": "窗口服务" if r.reception_id else "办件",
        "事项编码": r.item.code if r.item_id else "",
        "事项名称": r.item.name if r.item_id else "",
        "办件编号": r.case.number if r.case_id else "",
        "申请编号": (r.application.number or "") if r.application_id else "",
        "被评价部门": r.department.name,
        "部门编码": r.department.code,
        "政务服务大厅": r.hall.name if r.hall_id else "",
        "评价等级": codes.EXPORT_LEVEL[r.level],
        "评价等级名称": codes.LEVEL_LABELS[r.level],
        "评价渠道": codes.CHANNEL_LABELS.get(r.channel, ""),
        "评价时间": timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        "评价原因": ";".join(r.reasons or []),
        "评价原因说明": "；".join(codes.reason_labels(r.reasons)),
        "评价内容": r.comment,
        "整改状态": rect.get_status_display() if rect else "",
        "整改期限": rect.deadline.isoformat() if rect else "",
    }


def batches(qs: QuerySet, size: int = BATCH) -> Iterator[list]:
    """Keyset pages over ``qs`` by id (ascending)."""
    last = 0
    base = qs.select_related("item", "case", "application", "department", "hall", "rectification").order_by("id")
    while True:
        rows = list(base.filter(id__gt=last)[:size])
        if not rows:
            return
        yield rows
        last = rows[-1].id
        if len(rows) < size:
            return


def csv_chunks(qs: QuerySet) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS)
    yield "\ufeff"
    writer.writeheader()
    for rows in batches(qs):
        for r in rows:
            writer.writerow(record(r))
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    tail = buf.getvalue()
    if tail:
        yield tail


def json_chunks(qs: QuerySet) -> Iterator[str]:
    yield "["
    first = True
    for rows in batches(qs):
        parts = [json.dumps(record(r), ensure_ascii=False) for r in rows]
        yield ("" if first else ",") + ",".join(parts)
        first = False
    yield "]"
