"""Readers: each yields ``Raw`` rows from one kind of input, streaming.

* CSV — encoding from the first 64 KiB (UTF-8 with or without BOM tried first, then charset-normalizer
  among GB18030/UTF-16/Big5; GB2312/GBK are read as their superset GB18030), delimiter and quoting sniffed
  with ``csv.Sniffer``. A record the csv module refuses (a quote in the middle of a field, an unclosed
  quote) is a row-level error and reading goes on with the next line; bytes that do not decode fail the
  job (the rest of the file cannot be trusted).
* XLSX — values through python-calamine (the first sheet). Two things calamine hides are read first from
  the sheet's XML with a streaming parse: merged cells and formulas. A merged range in the header row is
  a schema error (the columns have no names); a merged range over data rows quarantines those rows (only
  its top-left cell holds the value; the others would silently be empty). A formula cell with a cached
  result is taken at that result (what the author saw in Excel); a formula without one (files written by
  programs that never calculated them) is a row-level error: we do not evaluate formulas.
  Note: calamine decodes a whole sheet at once, so an XLSX is bounded by the upload size limit rather
  than streamed; CSV and JSON Lines are the formats for very large files.
* JSON — a top-level array parsed element by element (``raw_decode`` over a sliding buffer) or JSON Lines.
* SQL — any SQLAlchemy URL, server-side cursor (``stream_results`` + ``yield_per``).
* HTTP — a JSON API through requests with timeouts, records at a dotted path, optional page parameters.

Row numbers: CSV/XLSX count records with the header as row 1 (what a spreadsheet shows); JSON, SQL and
HTTP count records from 1.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any, Iterator
from xml.etree import ElementTree

from . import SchemaMismatch, SourceFailed

SAMPLE_BYTES = 64 * 1024
FIELD_LIMIT = 1024 * 1024  # one CSV field longer than this is an error (an unclosed quote swallowing the file)
JSON_ELEMENT_LIMIT = 16 * 1024 * 1024
HTTP_TIMEOUT = (5, 30)
HTTP_MAX_PAGES = 100_000
HTTP_MAX_RESPONSE = 64 * 1024 * 1024
SQL_CHUNK = 2000

ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8（带 BOM）", "gb18030": "GBK/GB18030", "utf-16": "UTF-16", "big5": "Big5"}


@dataclass
class Raw:
    row_no: int
    values: dict[str, Any] | None  # column → raw value; None when the record itself could not be read
    error: str = ""


class Reader:
    """``columns``: the header (None for record sources until the first record); iterate for ``Raw``;
    ``bytes_read``: progress through a file (0 for pulls)."""

    columns: list[str] | None = None
    encoding: str = ""

    @property
    def bytes_read(self) -> int:
        return 0

    def __iter__(self) -> Iterator[Raw]:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        pass


# --- encodings ---------------------------------------------------------------------------------------

def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=["gb18030", "utf_16", "big5"]).best()
    if best is None:
        raise SourceFailed("无法识别文件编码，请将文件另存为 UTF-8 或 GBK 编码后重新上传", code="unknown_encoding")
    name = codecs.lookup(best.encoding).name
    if name in ("gb2312", "gbk", "gb18030", "hz"):
        return "gb18030"
    return name


def _header_names(row: list) -> list[str]:
    names = []
    for i, value in enumerate(row, 1):
        text = "" if value is None else str(value).strip().lstrip("\ufeff")
        if not text:
            raise SchemaMismatch(f"表头第 {i} 列没有列名", code="blank_header", detail={"column": i})
        names.append(text)
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise SchemaMismatch(f"表头列名重复：{'、'.join(duplicated)}", code="duplicate_header", detail={"columns": duplicated})
    return names


# --- CSV ---------------------------------------------------------------------------------------------

class CsvReader(Reader):
    def __init__(self, path: str):
        self._file = open(path, "rb")
        sample = self._file.read(SAMPLE_BYTES)
        self._file.seek(0)
        self.encoding = detect_encoding(sample)
        self._text = io.TextIOWrapper(self._file, encoding=self.encoding, errors="strict", newline="")
        text_sample = sample.decode(self.encoding, errors="ignore")
        cut = text_sample.rfind("\n")
        text_sample = text_sample[:cut] if cut > 0 else text_sample
        try:
            dialect = csv.Sniffer().sniff(text_sample, delimiters=",\t;|")
            dialect.doublequote = True
        except csv.Error:
            dialect = csv.excel
        csv.field_size_limit(FIELD_LIMIT)
        self._reader = csv.reader(self._text, dialect=dialect, strict=True)
        self.delimiter = dialect.delimiter
        try:
            header = next(self._reader)
            while not header or header == [""]:
                header = next(self._reader)  # blank lines before the header
        except StopIteration:
            raise SchemaMismatch("文件为空：没有表头行", code="empty_file") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise SchemaMismatch(f"无法读取表头行：{exc}", code="bad_header") from None
        self.columns = _header_names(header)

    @property
    def bytes_read(self) -> int:
        return self._file.tell() if not self._file.closed else 0

    def __iter__(self) -> Iterator[Raw]:
        n = 1
        width = len(self.columns)
        while True:
            try:
                fields = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                n += 1
                yield Raw(n, None, f"CSV 格式错误（引号未闭合或引号后多出字符）：{_csv_message(exc)}")
                continue
            except UnicodeDecodeError:
                raise SourceFailed(
                    f"文件编码错误：按 {ENCODING_LABELS.get(self.encoding, self.encoding)} 解码在第 {n + 1} 行附近遇到无法识别的字节，"
                    "请确认整个文件使用同一种编码（UTF-8 或 GBK）", code="bad_encoding", detail={"row": n + 1}) from None
            n += 1
            if not fields or fields == [""]:
                continue  # a blank line
            if len(fields) != width:
                yield Raw(n, {c: v for c, v in zip(self.columns, fields)},
                          f"列数为 {len(fields)}，与表头的 {width} 列不一致（可能是引号未闭合或分隔符多余）")
                continue
            yield Raw(n, dict(zip(self.columns, fields)))

    def close(self) -> None:
        self._file.close()


def _csv_message(exc: csv.Error) -> str:
    text = str(exc)
    known = {"',' expected after '\"'": "引号后应为分隔符", "unexpected end of data": "文件在引号内结束", "field larger than field limit": "字段过长"}
    for k, v in known.items():
        if k.split("'")[0] in text or k in text:
            return v
    return text


# --- XLSX --------------------------------------------------------------------------------------------

_CELL_REF = re.compile(r"^([A-Z]+)([0-9]+)$")
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _cell(ref: str) -> tuple[int, int]:
    m = _CELL_REF.match(ref)
    if not m:
        return 0, 0
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _first_sheet_xml(zf: zipfile.ZipFile) -> str:
    names = set(zf.namelist())
    try:
        wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        first = wb.find(f"{_NS}sheets/{_NS}sheet")
        rid = first.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        for rel in rels:
            if rel.get("Id") == rid:
                target = rel.get("Target").lstrip("/")
                return target if target.startswith("xl/") else f"xl/{target}"
    except (KeyError, AttributeError, ElementTree.ParseError):
        pass
    return "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else ""


def scan_xlsx(path: str) -> tuple[list[tuple[int, int, int, int]], dict[int, list[str]]]:
    """Merged ranges (row0, col0, row1, col1; 1-based) and formula cells without a cached value
    (row → cell references) of the first sheet, streamed from its XML."""
    merged: list[tuple[int, int, int, int]] = []
    uncached: dict[int, list[str]] = {}
    with zipfile.ZipFile(path) as zf:
        name = _first_sheet_xml(zf)
        if not name:
            return merged, uncached
        with zf.open(name) as fh:
            for _event, el in ElementTree.iterparse(fh, events=("end",)):
                tag = el.tag
                if tag == f"{_NS}c":
                    f = el.find(f"{_NS}f")
                    if f is not None:
                        v = el.find(f"{_NS}v")
                        inline = el.find(f"{_NS}is")
                        if (v is None or not (v.text or "")) and inline is None:
                            ref = el.get("r", "")
                            uncached.setdefault(_cell(ref)[0], []).append(ref)
                    el.clear()
                elif tag == f"{_NS}row":
                    el.clear()
                elif tag == f"{_NS}mergeCell":
                    a, _, b = (el.get("ref") or "").partition(":")
                    (r0, c0), (r1, c1) = _cell(a), _cell(b or a)
                    merged.append((r0, c0, r1, c1))
    return merged, uncached


def _excel_value(v):
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return int(v)
    if isinstance(v, dt.timedelta):
        return str(v)
    return v


class XlsxReader(Reader):
    def __init__(self, path: str):
        from python_calamine import CalamineWorkbook

        self.path = path
        try:
            merged, self._uncached = scan_xlsx(path)
            wb = CalamineWorkbook.from_path(path)
            sheet = wb.get_sheet_by_index(0)
            rows = sheet.iter_rows()
        except (zipfile.BadZipFile, ElementTree.ParseError, Exception) as exc:  # calamine raises its own error types
            if isinstance(exc, SchemaMismatch):
                raise
            raise SourceFailed("无法读取该 Excel 文件（不是有效的 .xlsx 文件或已损坏）", code="bad_xlsx") from None
        self._rows = rows
        header_merges = [m for m in merged if m[0] <= 1 <= m[2]]
        if header_merges:
            refs = "、".join(f"第 {m[1]} 至 {m[3]} 列" for m in header_merges)
            raise SchemaMismatch(f"表头含合并单元格（{refs}），请取消合并并为每一列填写列名", code="merged_header",
                                 detail={"merged": header_merges})
        self._merged_rows: dict[int, str] = {}
        for r0, c0, r1, c1 in merged:
            for r in range(max(r0, 2), r1 + 1):
                self._merged_rows.setdefault(r, f"合并单元格（第 {r0} 至 {r1} 行、第 {c0} 至 {c1} 列，只有左上角单元格有值），请取消合并并填写每个单元格")
        if 1 in self._uncached:
            raise SchemaMismatch("表头含没有计算结果的公式，请在 Excel 中重新计算并保存后上传", code="formula_header")
        try:
            header = next(rows)
        except StopIteration:
            raise SchemaMismatch("工作表为空：没有表头行", code="empty_file") from None
        while header and (header[-1] is None or header[-1] == ""):
            header = header[:-1]
        self.columns = _header_names(header)

    def __iter__(self) -> Iterator[Raw]:
        width = len(self.columns)
        n = 1
        for row in self._rows:
            n += 1
            values = [_excel_value(v) for v in row[:width]]
            extra = [v for v in row[width:] if v not in (None, "")]
            if all(v in (None, "") for v in values) and not extra:
                continue
            raw = dict(zip(self.columns, values))
            if n in self._uncached:
                yield Raw(n, raw, f"单元格 {'、'.join(self._uncached[n])} 是没有计算结果的公式（系统不计算公式），请在 Excel 中重新计算并保存")
            elif n in self._merged_rows:
                yield Raw(n, raw, self._merged_rows[n])
            elif extra:
                yield Raw(n, raw, f"表头之外的列有值（共 {len(extra)} 个单元格）")
            else:
                yield Raw(n, raw)


# --- JSON --------------------------------------------------------------------------------------------

class JsonReader(Reader):
    CHUNK = 256 * 1024

    def __init__(self, path: str):
        self._file = open(path, "rb")
        sample = self._file.read(SAMPLE_BYTES)
        self._file.seek(0)
        self.encoding = detect_encoding(sample)
        self._text = io.TextIOWrapper(self._file, encoding=self.encoding, errors="strict")
        stripped = sample.decode(self.encoding, errors="ignore").lstrip("\ufeff \t\r\n")
        if not stripped:
            raise SchemaMismatch("文件为空：没有记录", code="empty_file")
        self.array = stripped[0] == "["

    @property
    def bytes_read(self) -> int:
        return self._file.tell() if not self._file.closed else 0

    def __iter__(self) -> Iterator[Raw]:
        try:
            yield from (self._array() if self.array else self._lines())
        except UnicodeDecodeError:
            raise SourceFailed(f"文件编码错误：按 {ENCODING_LABELS.get(self.encoding, self.encoding)} 解码时遇到无法识别的字节",
                               code="bad_encoding") from None

    def _lines(self) -> Iterator[Raw]:
        n = 0
        for line in self._text:
            line = line.strip().lstrip("\ufeff")
            if not line:
                continue
            n += 1
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Raw(n, None, f"JSON 格式错误（第 {exc.colno} 个字符）")
                continue
            yield _record(n, obj)

    def _array(self) -> Iterator[Raw]:
        decoder = json.JSONDecoder()
        buf = self._text.read(self.CHUNK).lstrip("\ufeff")
        pos = len(buf) - len(buf.lstrip())
        pos += 1  # the "["
        n = 0
        eof = False
        while True:
            while True:  # skip blanks and one comma
                while pos < len(buf) and buf[pos] in " \t\r\n,":
                    pos += 1
                if pos < len(buf) or eof:
                    break
                buf, pos = self._text.read(self.CHUNK), 0
                eof = not buf
            if pos >= len(buf):
                raise SourceFailed("JSON 数组不完整：文件在数组结束前结束", code="bad_json")
            if buf[pos] == "]":
                return
            try:
                obj, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError:
                if eof:
                    raise SourceFailed(f"JSON 格式错误：第 {n + 1} 条记录无法解析，整个数组无法继续读取", code="bad_json",
                                       detail={"row": n + 1}) from None
                more = self._text.read(self.CHUNK)
                eof = not more
                buf, pos = buf[pos:] + more, 0
                if len(buf) > JSON_ELEMENT_LIMIT:
                    raise SourceFailed(f"JSON 第 {n + 1} 条记录过大或格式错误", code="bad_json", detail={"row": n + 1}) from None
                continue
            n += 1
            yield _record(n, obj)
            pos = end
            if pos > self.CHUNK:
                buf, pos = buf[pos:], 0

    def close(self) -> None:
        self._file.close()


def _record(n: int, obj) -> Raw:
    if not isinstance(obj, dict):
        return Raw(n, None, "记录不是 JSON 对象（应为 {\"字段\": 值, ...}）")
    return Raw(n, obj)


# --- SQL ---------------------------------------------------------------------------------------------

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


def sql_statement(query: str, dialect) -> str:
    query = (query or "").strip().rstrip(";")
    if _IDENT.match(query):
        return "SELECT * FROM " + ".".join(dialect.identifier_preparer.quote(p) for p in query.split("."))
    return query


class SqlReader(Reader):
    def __init__(self, url: str, query: str):
        import sqlalchemy as sa
        from sqlalchemy.pool import NullPool

        self._sa = sa
        try:
            self._engine = sa.create_engine(url, poolclass=NullPool)
        except Exception as exc:
            raise SourceFailed(f"源数据库连接串无效：{type(exc).__name__}", code="bad_url") from None
        self._query = sql_statement(query, self._engine.dialect)
        self._conn = None

    def __iter__(self) -> Iterator[Raw]:
        sa = self._sa
        try:
            self._conn = self._engine.connect()
            result = self._conn.execution_options(stream_results=True, yield_per=SQL_CHUNK).execute(sa.text(self._query))
            keys = [str(k) for k in result.keys()]
            self.columns = keys
            n = 0
            for row in result:
                n += 1
                yield Raw(n, dict(zip(keys, row)))
        except sa.exc.SQLAlchemyError as exc:
            orig = getattr(exc, "orig", None)
            raise SourceFailed(f"源数据库读取失败（已读取的数据均未入库）：{orig or type(exc).__name__}", code="source_db_failed") from None
        finally:
            self.close()

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 — the connection is already gone
                pass
            self._conn = None
        self._engine.dispose()


# --- HTTP --------------------------------------------------------------------------------------------

def dig(data, path: str):
    path = (path or "").strip()
    if path.startswith("$"):
        path = path[1:].lstrip(".")
    for step in [s for s in path.split(".") if s]:
        if isinstance(data, list) and step.isdigit() and int(step) < len(data):
            data = data[int(step)]
        elif isinstance(data, dict) and step in data:
            data = data[step]
        else:
            raise SourceFailed(f"接口响应中没有“{path}”", code="bad_records_path")
    return data


class HttpReader(Reader):
    def __init__(self, url: str, records_path: str = "", page_param: str = "", size_param: str = "", page_size: int = 500,
                 session=None):
        import requests

        self._requests = requests
        self.url, self.path, self.page_param, self.size_param, self.page_size = url, records_path, page_param, size_param, page_size
        self._session = session or requests.Session()

    def _get(self, page: int):
        params = {}
        if self.page_param:
            params[self.page_param] = page
        if self.size_param:
            params[self.size_param] = self.page_size
        try:
            resp = self._session.get(self.url, params=params, timeout=HTTP_TIMEOUT, headers={"Accept": "application/json"})
        except self._requests.Timeout:
            raise SourceFailed("接口请求超时（已读取的数据均未入库）", code="source_http_timeout") from None
        except self._requests.RequestException as exc:
            raise SourceFailed(f"接口请求失败（已读取的数据均未入库）：{type(exc).__name__}", code="source_http_failed") from None
        if resp.status_code != 200:
            raise SourceFailed(f"接口返回 HTTP {resp.status_code}（已读取的数据均未入库）", code="source_http_status")
        if len(resp.content) > HTTP_MAX_RESPONSE:
            raise SourceFailed("接口单页响应过大，请减小每页条数", code="source_http_too_big")
        try:
            data = resp.json()
        except ValueError:
            raise SourceFailed("接口返回的不是 JSON", code="source_http_not_json") from None
        records = dig(data, self.path)
        if not isinstance(records, list):
            raise SourceFailed(f"接口响应中“{self.path or '根'}”不是记录数组", code="bad_records_path")
        return records

    def __iter__(self) -> Iterator[Raw]:
        n = 0
        page = 1
        while page <= HTTP_MAX_PAGES:
            records = self._get(page)
            for obj in records:
                n += 1
                yield _record(n, obj)
            if not self.page_param or not records or len(records) < self.page_size:
                return
            page += 1
        raise SourceFailed("接口分页超过上限", code="source_http_pages")


def open_file(path: str, name: str) -> Reader:
    lower = (name or path).lower()
    if lower.endswith(".xlsx"):
        return XlsxReader(path)
    if lower.endswith((".json", ".jsonl", ".ndjson")):
        return JsonReader(path)
    if lower.endswith((".csv", ".txt", ".tsv")):
        return CsvReader(path)
    raise SchemaMismatch("不支持的文件类型：请上传 CSV、XLSX、JSON 或 JSON Lines 文件", code="bad_file_type")


FILE_TYPES = (".csv", ".txt", ".tsv", ".xlsx", ".json", ".jsonl", ".ndjson")
