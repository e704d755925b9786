"""Running an entry's rules over its mounted table, in bounded memory.

What SQL can answer it answers (one statement per rule, nothing loaded into Python): blanks
(``IS NULL``), code-list membership (``NOT IN`` the catalog's code values), duplicates (``GROUP BY …
HAVING COUNT(*) > 1``), referential integrity (``NOT EXISTS`` in the other entry's table) and ranges
on columns the database types as numbers or dates. The rest — check digits, e-mail and regular
expressions, ranges on text columns, column comparisons, anything on a sealed personal column — is
streamed in one ordered pass of ``CHUNK`` rows (a server-side cursor on PostgreSQL), sealed values
unsealed one at a time and dropped. Uniqueness over sealed columns hashes each row's key with the
platform's blind-index key into a temporary table and lets SQL group that.

Score (``score``)::

    score = 100 × Σ_r w_r × (n_r − f_r) / n_r  ÷  Σ_r w_r

over the enabled rules r that could be evaluated with n_r > 0, where w_r is the rule's weight, n_r the
values it checked (every row for 非空 and for uniqueness; the non-blank values for the others; 1 for the
dataset-level timeliness rule) and f_r the failures. A rule whose column is missing from the table
counts as checked on every row and failed on every row (the table does not match its catalog); a
rule that cannot run for reasons outside the dataset (the referenced table is not aggregated yet) is
reported and left out of the score. No evaluable rule, or an empty table: no score.

Samples keep the row number, the reason and a masked value — never a personal value in clear.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection
from django.utils import timezone

from digigov.core import pii
from digigov.core.accounts.ids import mask_phone, mask_resident_id
from digigov.core.validators import normalize_identifier, resident_id_error, uscc_error
from digigov.data.catalog.models import CodeListValue, MountKind
from digigov.data.catalog.tables import ROW_COLUMN

from .models import RuleType
from .rules import CYCLE_DAYS, OPS

CHUNK = 2000
SAMPLES_PER_RULE = 20
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+", re.ASCII)
_PHONE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_DIVISION = re.compile(r"[0-9]{12}", re.ASCII)
_NUMERIC = {"IntegerField", "BigIntegerField", "SmallIntegerField", "FloatField", "DecimalField", "PositiveIntegerField",
            "PositiveBigIntegerField", "PositiveSmallIntegerField", "AutoField", "BigAutoField"}
_DATES = {"DateField", "DateTimeField"}


@dataclass
class Outcome:
    rule: object
    checked: int = 0
    failed: int = 0
    error: str = ""
    counted: bool = True  # False: left out of the score (the cause is outside this dataset)
    samples: list = field(default_factory=list)  # (row_no, masked value, reason)

    def sample(self, row_no, value, reason):
        if len(self.samples) < SAMPLES_PER_RULE:
            self.samples.append((int(row_no), value[:80], reason[:200]))


@dataclass
class Report:
    table_name: str
    rows: int
    outcomes: list
    message: str = ""

    @property
    def score(self) -> Decimal | None:
        return score(self.outcomes)

    @property
    def failures(self) -> int:
        return sum(o.failed for o in self.outcomes if o.counted)


def score(outcomes) -> Decimal | None:
    """The weighted pass rate in percent, two decimals (formula in the module docstring)."""
    num = Decimal(0)
    den = 0
    for o in outcomes:
        if not o.counted or o.checked <= 0:
            continue
        w = o.rule.weight
        num += Decimal(w) * Decimal(o.checked - o.failed) / Decimal(o.checked)
        den += w
    if not den:
        return None
    return (Decimal(100) * num / den).quantize(Decimal("0.01"))


# --- helpers ----------------------------------------------------------------------------------------
def q(name: str) -> str:
    return connection.ops.quote_name(name)


def table_for(entry) -> str:
    """The entry's mounted table name ('' when it has none)."""
    mount = entry.mounts.filter(kind=MountKind.TABLE, voided_at__isnull=True).exclude(table_name="").order_by("id").first()
    return mount.table_name if mount else ""


def table_columns(table: str) -> dict[str, str] | None:
    """Column name → Django internal type of a table in the platform database; None if it does not exist."""
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return None
        out = {}
        for d in connection.introspection.get_table_description(cursor, table):
            try:
                out[d.name] = connection.introspection.get_field_type(d.type_code, d)
            except KeyError:
                out[d.name] = "TextField"
        return out


def masked(value: str, item) -> str:
    """What a sample may show: personal values and identifiers masked, other text cut short."""
    if value is None:
        return ""
    value = str(value)
    if item is not None and (item.personal >= 1 or item.format in ("resident_id", "phone")):
        if item.format == "resident_id":
            return mask_resident_id(value)
        if item.format == "phone":
            return mask_phone(value)
        if len(value) <= 2:
            return "*" * len(value)
        return value[0] + "*" * min(6, len(value) - 2) + value[-1]
    return value if len(value) <= 40 else value[:39] + "…"


def _blank_sql(col: str, sealed: bool) -> str:
    if sealed:
        return f"({q(col)} IS NULL OR LENGTH({q(col)}) = 0)"
    return f"({q(col)} IS NULL OR TRIM(CAST({q(col)} AS TEXT)) = '')"


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, (bytes, memoryview)) and not bytes(value))


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- the run ------------------------------------------------------------------------------------------
class Checker:
    def __init__(self, entry, rules, *, max_row: int | None = None, now=None):
        self.entry = entry
        self.rules = list(rules)
        self.max_row = max_row
        self.now = now or timezone.now()
        self.items = {i.pk: i for i in entry.items.all()}
        self.by_field = {i.field_name: i for i in self.items.values()}

    # the rows in view: all of them, or (for the demo's history) those up to a row number
    def where(self, extra: str = "") -> tuple[str, list]:
        parts, params = [], []
        if self.max_row is not None:
            parts.append(f"{q(ROW_COLUMN)} <= %s")
            params.append(self.max_row)
        if extra:
            parts.append(extra)
        return (" WHERE " + " AND ".join(parts)) if parts else "", params

    def scalar(self, sql: str, params=()):
        with connection.cursor() as c:
            c.execute(sql, list(params))
            row = c.fetchone()
        return row[0] if row else None

    def rows(self, sql: str, params=()):
        with connection.cursor() as c:
            c.execute(sql, list(params))
            return c.fetchall()

    def sealed(self, item) -> bool:
        return item is not None and item.personal >= 1

    def run(self) -> Report:
        table = table_for(self.entry)
        if not table:
            return Report("", 0, [], "该目录条目没有挂载数据表")
        self.table = table
        self.columns = table_columns(table)
        if self.columns is None:
            return Report(table, 0, [], "挂载的数据表尚未归集，暂无数据可检查")
        w, p = self.where()
        self.total = int(self.scalar(f"SELECT COUNT(*) FROM {q(table)}{w}", p) or 0)
        outcomes, streamed, sealed_unique = [], [], []
        for rule in self.rules:
            o = Outcome(rule)
            outcomes.append(o)
            item = self.items.get(rule.item_id) if rule.item_id else None
            if rule.item_id and item is None:
                o.error, o.counted = "信息项已删除", False
                continue
            needed = [item.field_name] if item else []
            needed += list((rule.params or {}).get("with", []))
            if rule.rule_type == RuleType.CONSISTENCY:
                needed.append(rule.params.get("other", ""))
            missing = [f for f in needed if f not in self.columns]
            if missing:
                o.checked = o.failed = self.total
                o.error = f"数据表缺少列：{'、'.join(missing)}"
                continue
            if rule.rule_type == RuleType.TIMELINESS and item is None:
                self.dataset_timeliness(o)
            elif self.total == 0:
                continue
            elif rule.rule_type == RuleType.REQUIRED:
                self.sql_required(o, item)
            elif rule.rule_type == RuleType.CODE_LIST and not self.sealed(item):
                self.sql_code_list(o, item)
            elif rule.rule_type == RuleType.UNIQUE:
                items = [item] + [self.by_field[f] for f in rule.params.get("with", [])]
                if any(self.sealed(i) for i in items):
                    sealed_unique.append((o, items))  # hashed in the streamed pass, grouped by SQL
                else:
                    self.unique(o, item)
            elif rule.rule_type == RuleType.REFERENCE:
                self.sql_reference(o, item)
            elif rule.rule_type in (RuleType.RANGE, RuleType.TIMELINESS) and not self.sealed(item) and self._typed(item):
                self.sql_range(o, item)
            else:
                streamed.append((o, item))
        if (streamed or sealed_unique) and self.total:
            self.stream(streamed, sealed_unique)
        return Report(table, self.total, outcomes)

    def _typed(self, item) -> bool:
        kind = self.columns.get(item.field_name, "")
        return (item.data_type == "N" and kind in _NUMERIC) or (item.data_type in ("D", "T") and kind in _DATES)

    def _bounds(self, rule, item):
        p = rule.params or {}
        if rule.rule_type == RuleType.TIMELINESS:
            return (timezone.localtime(self.now).date() - dt.timedelta(days=p.get("max_age_days", 0))).isoformat(), None
        return p.get("min"), p.get("max")

    # --- SQL rules ---
    def _fill(self, o: Outcome, item, fail_sql: str, params: list, reason, checked_sql: str | None = None, checked_params=()):
        table = q(self.table)
        w, wp = self.where(fail_sql)
        o.failed = int(self.scalar(f"SELECT COUNT(*) FROM {table}{w}", wp + params) or 0)
        if checked_sql is None:
            o.checked = self.total
        else:
            cw, cp = self.where(checked_sql)
            o.checked = int(self.scalar(f"SELECT COUNT(*) FROM {table}{cw}", cp + list(checked_params)) or 0)
        if o.failed:
            col = q(item.field_name)
            for row_no, value in self.rows(f"SELECT {q(ROW_COLUMN)}, {col} FROM {table}{w} ORDER BY {q(ROW_COLUMN)} LIMIT {SAMPLES_PER_RULE}",
                                           wp + params):
                shown = "" if self.sealed(item) or _is_blank(value) else masked(_text(value), item)
                o.sample(row_no, shown, reason if isinstance(reason, str) else reason(value))

    def sql_required(self, o, item):
        self._fill(o, item, _blank_sql(item.field_name, self.sealed(item)), [], "值为空")

    def sql_code_list(self, o, item):
        blank = _blank_sql(item.field_name, False)
        col = f"CAST({q(item.field_name)} AS TEXT)"
        values = f"SELECT {q('value')} FROM {q(CodeListValue._meta.db_table)} WHERE {q('code_list_id')} = %s"
        self._fill(o, item, f"NOT {blank} AND TRIM({col}) NOT IN ({values})", [item.code_list_id],
                   f"不在代码表“{item.code_list.name}”中", checked_sql=f"NOT {blank}")

    def sql_reference(self, o, item):
        p = o.rule.params
        from digigov.data.catalog.models import CatalogEntry

        target = CatalogEntry.objects.filter(code=p.get("entry"), voided_at__isnull=True).first()
        ref_table = table_for(target) if target else ""
        ref_cols = table_columns(ref_table) if ref_table else None
        if ref_cols is None or p.get("field") not in ref_cols:
            o.error, o.counted = "被参照的数据表尚未归集或缺少该列，本次未检查", False
            return
        blank = _blank_sql(item.field_name, False)
        cond = (f"NOT {blank} AND NOT EXISTS (SELECT 1 FROM {q(ref_table)} r WHERE CAST(r.{q(p['field'])} AS TEXT) = "
                f"CAST({q(self.table)}.{q(item.field_name)} AS TEXT))")
        self._fill(o, item, cond, [], f"在资源 {p['entry']} 中不存在", checked_sql=f"NOT {blank}")

    def sql_range(self, o, item):
        lo, hi = self._bounds(o.rule, item)
        blank = f"{q(item.field_name)} IS NULL"
        col = q(item.field_name) if item.data_type == "N" else f"SUBSTR(CAST({q(item.field_name)} AS TEXT), 1, 10)"
        conds, params = [], []
        if lo is not None:
            conds.append(f"{col} < %s")
            params.append(lo)
        if hi is not None:
            conds.append(f"{col} > %s")
            params.append(hi)
        reason = f"早于 {lo}" if o.rule.rule_type == RuleType.TIMELINESS else "超出取值范围"
        self._fill(o, item, f"NOT {blank} AND ({' OR '.join(conds)})", params, reason, checked_sql=f"NOT {blank}")

    def unique(self, o, item):
        fields = [item.field_name, *o.rule.params.get("with", [])]
        table = q(self.table)
        cols = ", ".join(q(f) for f in fields)
        not_null = " AND ".join(f"{q(f)} IS NOT NULL" for f in fields)
        w, wp = self.where(not_null)
        groups = f"SELECT {cols}, COUNT(*) AS n FROM {table}{w} GROUP BY {cols} HAVING COUNT(*) > 1"
        o.checked = self.total
        o.failed = int(self.scalar(f"SELECT COALESCE(SUM(n - 1), 0) FROM ({groups}) g", wp) or 0)
        if o.failed:
            match = " AND ".join(f"d.{q(f)} = t.{q(f)}" for f in fields)
            conds, params = [f"EXISTS (SELECT 1 FROM ({groups}) d WHERE {match})"], list(wp)
            if self.max_row is not None:
                conds.append(f"t.{q(ROW_COLUMN)} <= %s")
                params.append(self.max_row)
            sql = (f"SELECT t.{q(ROW_COLUMN)}, t.{q(item.field_name)} FROM {table} t WHERE {' AND '.join(conds)} "
                   f"ORDER BY t.{q(ROW_COLUMN)} LIMIT {SAMPLES_PER_RULE}")
            for row_no, value in self.rows(sql, params):
                o.sample(row_no, masked(_text(value), item), "与其他行重复")

    def _finish_sealed_unique(self, o, temp):
        o.checked = self.total
        groups = f"SELECT k, COUNT(*) AS n FROM {temp} GROUP BY k HAVING COUNT(*) > 1"
        o.failed = int(self.scalar(f"SELECT COALESCE(SUM(n - 1), 0) FROM ({groups}) g") or 0)
        if o.failed:
            for (row_no,) in self.rows(f"SELECT row_no FROM {temp} WHERE k IN (SELECT k FROM ({groups}) g) ORDER BY row_no LIMIT {SAMPLES_PER_RULE}"):
                o.sample(row_no, "", "与其他行重复（个人信息，不显示值）")

    def _plain(self, item, value) -> str | None:
        if _is_blank(value):
            return None
        if self.sealed(item):
            return pii.unseal_text(self.table, item.field_name, value).strip()
        return _text(value)

    def dataset_timeliness(self, o):
        from .models import DatasetLoad

        days = CYCLE_DAYS.get(self.entry.update_cycle)
        if days is None:
            o.error, o.counted = "更新周期为不定期，不检查及时性", False
            return
        load = DatasetLoad.objects.filter(entry=self.entry).first()
        if load is not None:
            last = load.loaded_at
        else:  # no load seen since quality was installed: the table's mounting is its first load
            last = self.entry.mounts.filter(kind=MountKind.TABLE, voided_at__isnull=True, table_name=self.table).values_list(
                "mounted_at", flat=True).first()
        o.checked = 1
        if last is None or self.now - last > dt.timedelta(days=days):
            o.failed = 1
            when = timezone.localtime(last).strftime("%Y-%m-%d") if last else "无归集记录"
            o.sample(0, when, f"超过更新周期（{self.entry.get_update_cycle_display()}）未更新")

    # --- streamed rules ---
    def stream(self, streamed, sealed_unique=()):
        """One ordered pass over the columns the streamed rules need, ``CHUNK`` rows at a time. Uniqueness
        over sealed columns rides along: each row's key (values unsealed) is hashed with the blind-index key
        into a temporary table, and SQL counts the duplicates — memory stays one chunk, no value is
        written in clear."""
        fields = []
        for o, item in streamed:
            for f in [item.field_name] + ([o.rule.params["other"]] if o.rule.rule_type == RuleType.CONSISTENCY else []):
                if f not in fields:
                    fields.append(f)
        for o, items in sealed_unique:
            for i in items:
                if i.field_name not in fields:
                    fields.append(i.field_name)
        idx = {f: n + 1 for n, f in enumerate(fields)}
        checks = [(o, item, self._evaluator(o, item)) for o, item in streamed]
        keyed = []
        for o, items in sealed_unique:
            temp = q(f"_quality_keys_{len(keyed)}")
            digest = pii.BulkBlindIndex(self.table, "_quality_unique:" + ",".join(i.field_name for i in items))
            keyed.append((o, items, temp, digest, []))
        w, wp = self.where()
        cols = ", ".join(q(f) for f in fields)
        try:
            with connection.cursor() as c:
                for _o, _items, temp, _d, _b in keyed:
                    c.execute(f"DROP TABLE IF EXISTS {temp}")
                    c.execute(f"CREATE TEMPORARY TABLE {temp} (row_no BIGINT, k VARCHAR(128))")
            with connection.chunked_cursor() as src:
                src.execute(f"SELECT {q(ROW_COLUMN)}, {cols} FROM {q(self.table)}{w} ORDER BY {q(ROW_COLUMN)}", wp)
                while batch := src.fetchmany(CHUNK):
                    for row in batch:
                        self._stream_row(row, idx, checks, keyed)
                    for _o, _items, temp, _d, buf in keyed:
                        if buf:
                            with connection.cursor() as c:
                                c.executemany(f"INSERT INTO {temp} (row_no, k) VALUES (%s, %s)", buf)
                            buf.clear()
            for o, _items, temp, _d, _b in keyed:
                self._finish_sealed_unique(o, temp)
        finally:
            with connection.cursor() as c:
                for _o, _items, temp, _d, _b in keyed:
                    c.execute(f"DROP TABLE IF EXISTS {temp}")

    def _stream_row(self, row, idx, checks, keyed):
        plain, broken = {}, set()

        def value_of(item):
            f = item.field_name
            if f not in plain:
                try:
                    plain[f] = self._plain(item, row[idx[f]])
                except Exception:  # noqa: BLE001 — a damaged ciphertext is a finding, not a crash
                    plain[f] = None
                    broken.add(f)
            return plain[f]

        for o, item, check in checks:
            value = value_of(item)
            if item.field_name in broken:
                o.checked += 1
                o.failed += 1
                o.sample(row[0], "", "密文无法解密")
                continue
            if value is None:
                continue
            other = None
            if o.rule.rule_type == RuleType.CONSISTENCY:
                other = value_of(self.by_field[o.rule.params["other"]])
                if other is None:
                    continue
            o.checked += 1
            reason = check(value, other)
            if reason:
                o.failed += 1
                o.sample(row[0], masked(value, item), reason)
        for _o, items, _temp, digest, buf in keyed:
            values = [value_of(i) for i in items]
            if all(v for v in values):
                buf.append((row[0], digest("\x1f".join(values)).hex()))

    def _evaluator(self, o, item):
        p = o.rule.params or {}
        t = o.rule.rule_type
        if t == RuleType.FORMAT:
            fmt = p.get("format")
            if fmt == "resident_id":
                return lambda v, _o: resident_id_error(normalize_identifier(v))
            if fmt == "uscc":
                return lambda v, _o: uscc_error(normalize_identifier(v))
            if fmt == "phone":
                return lambda v, _o: None if _PHONE.fullmatch(normalize_identifier(v)) else "手机号码应为以1开头的11位数字"
            if fmt == "division":
                return lambda v, _o: None if _DIVISION.fullmatch(normalize_identifier(v)) else "行政区划代码应为12位数字"
            if fmt == "email":
                return lambda v, _o: None if _EMAIL.fullmatch(v) else "电子邮箱格式不正确"
            pattern = re.compile(p.get("pattern", ""))
            return lambda v, _o: None if pattern.fullmatch(v) else "不符合规定的格式"
        if t == RuleType.CODE_LIST:  # sealed column: compare in Python
            allowed = set(CodeListValue.objects.filter(code_list_id=item.code_list_id).values_list("value", flat=True))
            return lambda v, _o: None if v in allowed else "不在代码表中"
        if t in (RuleType.RANGE, RuleType.TIMELINESS):
            lo, hi = self._bounds(o.rule, item)
            if item.data_type == "N":
                def number(v, _o):
                    try:
                        d = Decimal(v)
                    except InvalidOperation:
                        return "不是数字"
                    if not d.is_finite():
                        return "不是数字"
                    if (lo is not None and d < Decimal(str(lo))) or (hi is not None and d > Decimal(str(hi))):
                        return "超出取值范围"
                    return None
                return number

            def date(v, _o):
                try:
                    d = dt.date.fromisoformat(v[:10]).isoformat()
                except ValueError:
                    return "不是有效日期"
                if lo is not None and d < lo:
                    return f"早于 {lo}" if t == RuleType.TIMELINESS else "超出取值范围"
                if hi is not None and d > hi:
                    return "超出取值范围"
                return None
            return date
        if t == RuleType.CONSISTENCY:
            op = p.get("op")
            other_item = self.by_field[p["other"]]
            symbol = OPS[op]

            def key(v, it):
                if it.data_type == "N":
                    try:
                        return Decimal(v)
                    except InvalidOperation:
                        return None
                return v

            def compare(v, other):
                a, b = key(v, item), key(other, other_item)
                if a is None or b is None:
                    return "不是数字，无法比较"
                ok = {"lt": a < b, "le": a <= b, "eq": a == b, "ne": a != b, "ge": a >= b, "gt": a > b}[op]
                return None if ok else f"不满足 {item.name} {symbol} {other_item.name}"
            return compare
        raise ValueError(t)


def check_entry(entry, rules, **kwargs) -> Report:
    return Checker(entry, rules, **kwargs).run()
