"""Batch import (批量导入) of licences of one type from CSV or XLSX, and the paper-licence migration (纸质证照转换).

The sheet's first row names the columns: 持证主体名称, 持证主体代码, 证照编号 (required: the number the
licence already carries in the source system, the key that makes a re-upload idempotent), optionally 有效期起
and 有效期至, then one column per field of the type (its Chinese label or its key). Every row is issued
through ``issue_licence`` (source ``batch``) in its own transaction: a bad row is reported with its Chinese
reason and leaves nothing behind, the good rows are issued, and a row whose number the type already has is
reported as skipped (so uploading the same file twice issues nothing new).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from digigov.core.audit.actions import record
from digigov.core.errors import DigiGovError, ValidationFailed
from digigov.core.rbac.checks import require

from ..models import Licence, LicenceSource, LicenceType
from .licences import PERM, _type, issue_licence

MAX_ROWS = 500
MAX_BYTES = 5 * 1024 * 1024
HOLDER_NAME, HOLDER_CODE, NUMBER, VALID_FROM, VALID_UNTIL = "持证主体名称", "持证主体代码", "证照编号", "有效期起", "有效期至"


@dataclass
class RowResult:
    row: int
    outcome: str  # created | skipped | error
    message: str
    number: str = ""
    licence: Licence | None = None

    @property
    def outcome_label(self) -> str:
        return {"created": "已签发", "skipped": "已存在，跳过", "error": "未导入"}[self.outcome]


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    return str(v).strip()


def read_table(content: bytes, filename: str) -> list[list[str]]:
    if not content:
        raise ValidationFailed("文件为空", code="empty_file", detail={"field": "file"})
    if len(content) > MAX_BYTES:
        raise ValidationFailed("文件不能超过 5 MB", code="file_too_large", detail={"field": "file"})
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        from python_calamine import CalamineWorkbook

        try:
            rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        except Exception:  # calamine raises its own error types for a broken file
            raise ValidationFailed("无法读取该 Excel 文件（不是有效的 .xlsx 文件或已损坏）", code="bad_xlsx", detail={"field": "file"}) from None
        return [[_cell(v) for v in r] for r in rows]
    if name.endswith(".csv"):
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover — gb18030 decodes nearly anything
            raise ValidationFailed("无法识别 CSV 文件的编码，请另存为 UTF-8", code="bad_encoding", detail={"field": "file"})
        if "\x00" in text:
            raise ValidationFailed("CSV 文件含有空字符，请检查文件", code="bad_csv", detail={"field": "file"})
        return [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]
    raise ValidationFailed("只能导入 .csv 或 .xlsx 文件", code="bad_file_type", detail={"field": "file"})


def import_licences(actor, licence_type: LicenceType, content: bytes, filename: str) -> ImportReport:
    licence_type = _type(licence_type)
    require(actor, PERM, licence_type.department)
    rows = [r for r in read_table(content, filename) if any(c for c in r)]
    if not rows:
        raise ValidationFailed("文件没有表头行", code="empty_file", detail={"field": "file"})
    header, body = rows[0], rows[1:]
    if len(body) > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行，请拆分文件", code="too_many_rows", detail={"field": "file"})
    by_label = {f["label"]: f["key"] for f in licence_type.fields} | {f["key"]: f["key"] for f in licence_type.fields}
    cols: dict[int, str] = {}
    unknown = []
    for i, h in enumerate(header):
        if h in (HOLDER_NAME, HOLDER_CODE, NUMBER, VALID_FROM, VALID_UNTIL):
            cols[i] = h
        elif h in by_label:
            cols[i] = by_label[h]
        elif h:
            unknown.append(h)
    missing = [c for c in (HOLDER_NAME, HOLDER_CODE, NUMBER) if c not in cols.values()]
    if missing or unknown:
        parts = ([f"缺少列：{'、'.join(missing)}"] if missing else []) + ([f"{licence_type.name}没有这些列：{'、'.join(unknown[:10])}"] if unknown else [])
        raise ValidationFailed("；".join(parts), code="bad_header", detail={"field": "file", "missing": missing, "unknown": unknown[:10]})
    report = ImportReport()
    for n, raw in enumerate(body, start=2):
        values = {cols[i]: v for i, v in enumerate(raw) if i in cols}
        number = values.pop(NUMBER, "")
        try:
            if number and Licence.objects.filter(licence_type=licence_type, number=number).exists():
                report.rows.append(RowResult(n, "skipped", "该证照编号已导入", number))
                continue
            if not number:
                raise ValidationFailed("请填写证照编号", code="number_required")
            data = {k: v for k, v in values.items() if k not in (HOLDER_NAME, HOLDER_CODE, VALID_FROM, VALID_UNTIL)}
            lic = issue_licence(actor, licence_type, licence_type.holder_kind, values.get(HOLDER_CODE, ""), values.get(HOLDER_NAME, ""),
                                data, values.get(VALID_FROM) or None, source=LicenceSource.BATCH, number=number,
                                valid_until=values.get(VALID_UNTIL) or None)
            report.rows.append(RowResult(n, "created", "已签发", number, lic))
        except DigiGovError as exc:
            report.rows.append(RowResult(n, "error", exc.message, number))
    record(actor, "license.batch.import", licence_type, after={"file": (filename or "")[:100], "rows": len(body),
                                                               "created": report.count("created"), "skipped": report.count("skipped"),
                                                               "errors": report.count("error")})
    return report


def migrate_paper_licence(actor, licence_type: LicenceType, *, holder_code: str, holder_name: str, number: str, data: dict,
                          valid_from=None, valid_until=None) -> Licence:
    """纸质证照转换: an existing paper licence becomes an e-licence carrying the original's printed number."""
    licence_type = _type(licence_type)
    if not (isinstance(number, str) and number.strip()):
        raise ValidationFailed("请填写纸质证照上的证照编号", code="number_required", detail={"field": "number"})
    return issue_licence(actor, licence_type, licence_type.holder_kind, holder_code, holder_name, data, valid_from,
                         source=LicenceSource.MIGRATION, number=number, valid_until=valid_until)
