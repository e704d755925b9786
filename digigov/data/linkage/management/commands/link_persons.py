"""``manage.py link_persons --source NAME=FILE.csv --map NAME=MAPPING.json [...] --out clusters.csv``

Links any departments' CSV extracts given only a mapping per file: a JSON object from the canonical fields
(``row_id`` required; ``name``, ``id_number``, ``id_type``, ``sex``, ``birth_date``, ``ethnicity``,
``address``, ``phone``, and the optional extras ``guardian_id_number``, ``former_names``, ``mother_name``,
``father_name``) to the file's column names. Writes ``source,row_id,cluster_id``, one line per input row.

Bad input never stops the good files: a malformed mapping, a mapping naming columns the file lacks, an
empty or oversized file, bytes in neither UTF-8 nor GBK (files are decoded as UTF-8, else as the
encoding charset-normalizer detects, else line by line as UTF-8 or GB18030 — mixed files exist), rows
with the wrong number of fields: each is a line of the report on stderr naming file, line and problem
in Chinese. No value from a file is ever printed (personal data): only names of files and columns, line
numbers and counts. The exit code is non-zero only when nothing could be linked.
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from digigov.data.linkage.result import CANONICAL_FIELDS, EXTRA_FIELDS

MAX_BYTES = 512 * 1024 * 1024  # one extract; bigger ones belong in the aggregation pipeline / Spark
REPORT_LINES_PER_KIND = 20
FIELDS = CANONICAL_FIELDS + EXTRA_FIELDS


class SourceRefused(Exception):
    """A whole source cannot be used (Chinese message, no values)."""


def _pairs(values: list[str] | None, option: str, report: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values or []:
        name, sep, path = v.partition("=")
        name, path = name.strip(), path.strip()
        if not sep or not name or not path:
            report.append(f"参数 {option} {v!s} 格式应为 名称=文件路径，已忽略")
            continue
        if name in out:
            report.append(f"参数 {option} 的名称 {name} 重复，只用第一个")
            continue
        out[name] = path
    return out


def read_mapping(path: str) -> dict[str, str]:
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError:
        raise SourceRefused(f"映射文件 {path} 无法读取") from None
    except UnicodeDecodeError:
        raise SourceRefused(f"映射文件 {path} 不是 UTF-8 编码的 JSON") from None
    try:
        mapping = json.loads(text)
    except ValueError as exc:
        raise SourceRefused(f"映射文件 {path} 不是合法的 JSON（第{exc.lineno}行第{exc.colno}列）") from None
    if not isinstance(mapping, dict):
        raise SourceRefused(f"映射文件 {path} 应为 JSON 对象（标准字段 → 列名）")
    unknown = sorted(str(k) for k in mapping if k not in FIELDS)
    if unknown:
        raise SourceRefused(f"映射文件 {path} 含有未知的标准字段：{'、'.join(unknown)}；可用字段：{'、'.join(FIELDS)}")
    bad = sorted(k for k, v in mapping.items() if not isinstance(v, str) or not v.strip())
    if bad:
        raise SourceRefused(f"映射文件 {path} 中字段 {'、'.join(bad)} 的列名应为非空字符串")
    if "row_id" not in mapping:
        raise SourceRefused(f"映射文件 {path} 缺少必需的 row_id（记录标识）")
    return {k: v.strip() for k, v in mapping.items()}


def decode(data: bytes, path: str, report: list[str]) -> list[str]:
    """Lines of text. UTF-8 (with or without BOM) first; else the detected encoding if it decodes the whole
    file; else line by line (UTF-8, else GB18030), lines in neither reported and skipped."""
    try:
        return data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        try:
            lines = data.decode(best.encoding).splitlines()
            report.append(f"文件 {path} 按 {best.encoding.upper()} 编码读取")
            return lines
        except (UnicodeDecodeError, LookupError):
            pass
    lines, gbk, bad = [], 0, []
    for n, raw in enumerate(data.splitlines(), start=1):
        try:
            lines.append(raw.decode("utf-8-sig" if n == 1 else "utf-8"))
        except UnicodeDecodeError:
            try:
                lines.append(raw.decode("gb18030"))
                gbk += 1
            except UnicodeDecodeError:
                bad.append(n)
                lines.append(None)
    if gbk:
        report.append(f"文件 {path} 混有两种编码：{gbk} 行按 GBK 读取，其余按 UTF-8")
    for n in bad[:REPORT_LINES_PER_KIND]:
        report.append(f"文件 {path} 第{n}行：编码无法识别，已跳过")
    if len(bad) > REPORT_LINES_PER_KIND:
        report.append(f"文件 {path}：另有 {len(bad) - REPORT_LINES_PER_KIND} 行编码无法识别，已跳过")
    return lines


def read_source(name: str, path: str, mapping: dict[str, str], report: list[str], max_bytes: int):
    """(rows as canonical dicts, {row_id: line number})."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError:
        raise SourceRefused(f"文件 {path} 不存在或无法读取") from None
    if size > max_bytes:
        raise SourceRefused(f"文件 {path} 过大（{size // 1024 // 1024} MB，上限 {max_bytes // 1024 // 1024} MB），"
                            "请拆分或使用汇聚流水线")
    try:
        data = p.read_bytes()
    except OSError:
        raise SourceRefused(f"文件 {path} 无法读取") from None
    if not data.strip():
        raise SourceRefused(f"文件 {path} 为空")
    lines = decode(data, path, report)
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line is not None]
    if not numbered:
        raise SourceRefused(f"文件 {path} 没有可读的行")
    try:
        dialect = csv.Sniffer().sniff(numbered[0][1], delimiters=",\t;|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    header_line, header = numbered[0][0], next(csv.reader([numbered[0][1]], delimiter=delimiter))
    header = [h.strip() for h in header]
    missing = sorted({col for col in mapping.values() if col not in header})
    if mapping["row_id"] in missing:
        raise SourceRefused(f"文件 {path} 没有映射中 row_id 对应的列 {mapping['row_id']}")
    if missing:
        report.append(f"文件 {path}：映射中的列 {'、'.join(missing)} 在表头中不存在，这些字段按缺失处理")
    cols = {field: header.index(col) for field, col in mapping.items() if col in header}
    rows, lines_of = [], {}
    width = len(header)
    bad_width: list[int] = []
    for n, line in numbered[1:]:
        if not line.strip():
            continue
        try:
            values = next(csv.reader([line], delimiter=delimiter))
        except csv.Error:
            values = None
        if values is None or len(values) != width:
            bad_width.append(n)
            continue
        row = {field: values[i].strip() for field, i in cols.items()}
        rid = row.get("row_id", "")
        if rid and rid not in lines_of:
            lines_of[rid] = n
        rows.append(row)
        rows[-1]["_line"] = n
    for n in bad_width[:REPORT_LINES_PER_KIND]:
        report.append(f"文件 {path} 第{n}行：字段个数与表头（{width} 列）不符，无法解析，已跳过")
    if len(bad_width) > REPORT_LINES_PER_KIND:
        report.append(f"文件 {path}：另有 {len(bad_width) - REPORT_LINES_PER_KIND} 行无法解析，已跳过")
    if header_line != 1:
        report.append(f"文件 {path}：表头取自第{header_line}行")
    return rows, lines_of


class Command(BaseCommand):
    help = "将多个部门的人员数据文件按映射比对归并（一数一源），输出每行所属的人员簇"

    def add_arguments(self, parser):
        parser.add_argument("--source", action="append", metavar="NAME=FILE.csv", help="数据文件（可重复）")
        parser.add_argument("--map", action="append", metavar="NAME=MAPPING.json", help="字段映射（可重复）")
        parser.add_argument("--out", required=True, help="输出文件 clusters.csv")
        parser.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="单个文件的大小上限（字节）")
        parser.add_argument("--threads", type=int, default=None, help="DuckDB 线程数（默认全部核心）")

    def handle(self, *args, **opts):
        from digigov.data.linkage import engine

        started = time.perf_counter()
        report: list[str] = []
        sources = _pairs(opts["source"], "--source", report)
        maps = _pairs(opts["map"], "--map", report)
        for name in sorted(set(maps) - set(sources)):
            report.append(f"映射 {name} 没有对应的 --source，已忽略")
        feeds: dict[str, list[dict]] = {}
        lines_of: dict[str, dict[str, int]] = {}
        for name, path in sources.items():
            if name not in maps:
                report.append(f"数据源 {name}（{path}）缺少 --map {name}=映射文件，已跳过")
                continue
            try:
                mapping = read_mapping(maps[name])
                rows, lines = read_source(name, path, mapping, report, opts["max_bytes"])
            except SourceRefused as exc:
                report.append(f"数据源 {name}：{exc}，已跳过")
                continue
            if not rows:
                report.append(f"数据源 {name}：文件 {path} 没有数据行，已跳过")
                continue
            feeds[name] = rows
            lines_of[name] = lines
        line_by_position = {name: [r.pop("_line") for r in rows] for name, rows in feeds.items()}
        result = engine.link(feeds, settings=engine.Settings(threads=opts["threads"])) if feeds else None
        if result is not None:
            self._report_problems(result.problems, sources, lines_of, line_by_position, report)
        linked = len(result.clusters) if result else 0
        for line in report:
            self.stderr.write(line)
        if not linked:
            raise CommandError("没有可比对的记录：请检查上面列出的文件与映射问题", returncode=2)
        out = Path(opts["out"])
        try:
            with out.open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(("source", "row_id", "cluster_id"))
                for (source, rid), cid in result.clusters.items():
                    w.writerow((source, rid, cid))
        except OSError:
            raise CommandError(f"无法写入输出文件 {out}", returncode=2) from None
        f = result.figures
        per = "，".join(f"{s} {n} 行" for s, n in f["sources"].items())
        self.stdout.write(f"已比对 {linked} 行（{per}），归为 {f['clusters']} 人；待人工核查的记录对 {f['uncertain']} 个；"
                          f"问题 {len(result.problems) + len(report)} 条；用时 {time.perf_counter() - started:.1f} 秒；"
                          f"结果写入 {out}")

    def _report_problems(self, problems, sources, lines_of, line_by_position, report):
        by_kind: dict[tuple[str, str], list[str]] = defaultdict(list)
        counts: Counter = Counter()
        for p in problems:
            counts[(p.source, p.code)] += 1
            if len(by_kind[(p.source, p.code)]) >= REPORT_LINES_PER_KIND:
                continue
            path = sources.get(p.source, p.source)
            line = lines_of.get(p.source, {}).get(p.row_id) if p.row_id else None
            if line is None and p.row_id is None:
                # the engine numbers rows from 1 in the order given; map back to the file's line
                m = re.match(r"第(\d+)行", p.message)
                if m and int(m[1]) - 1 < len(line_by_position.get(p.source, [])):
                    line = line_by_position[p.source][int(m[1]) - 1]
            message = re.sub(r"^第\d+行(的)?", "", p.message) if (line is not None) else p.message
            where = f"第{line}行" if line is not None else ""
            by_kind[(p.source, p.code)].append(f"文件 {path} {where}：{message.lstrip('，')}")
        for key, lines in by_kind.items():
            report.extend(lines)
            if counts[key] > len(lines):
                report.append(f"文件 {sources.get(key[0], key[0])}：同类问题另有 {counts[key] - len(lines)} 条")
