"""What an app's demo generator receives: scale, a seeded RNG of its own, bulk insert with progress.

Each app's ``demo.py`` calls ``registry.register_demo(name, generate, after=(...))``;
``manage.py democity`` (package ``digigov.democity``) runs them in dependency order.

Two ways to write rows:

* ``bulk`` / ``bulk_count`` — model instances through ``bulk_create``: for thousands of rows.
* ``insert_rows`` — plain tuples straight into the table with ``executemany``: for the millions of
  rows of people, where building a model instance per row would dominate the run. The caller gives
  every column (including ``id`` from ``next_id`` and the timestamps ``created_at``/``updated_at``
  from ``db_now``), already in the database's format (``db_date``/``db_datetime``).

Determinism: everything random comes from ``ctx.rng`` (seeded by seed and generator name), public
ids included; primary keys are assigned explicitly where later rows refer to them, so the same seed
and scale on an empty database give the same rows.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_PASSWORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass
class DemoContext:
    scale: float
    seed: int
    name: str = ""
    progress: Callable[[int], None] = lambda n: None
    describe: Callable[[str], None] = lambda text: None
    batch_size: int = 5000
    rows: int = 0
    shared: dict[str, Any] = field(default_factory=dict)  # facts one generator leaves for later ones (e.g. demo accounts)

    def __post_init__(self):
        self.rng = random.Random(f"{self.seed}:{self.name}")
        self.now = timezone.now()

    def for_generator(self, name: str) -> "DemoContext":
        ctx = DemoContext(self.scale, self.seed, name, self.progress, self.describe, self.batch_size, 0, self.shared)
        return ctx

    def n(self, full: int, minimum: int = 1) -> int:
        """How many of something a full-scale city has, at this scale."""
        return max(minimum, round(full * self.scale))

    # --- identifiers ----------------------------------------------------------------------------
    def public_id(self) -> str:
        """Deterministic public ids, so the same seed yields the same city byte for byte.

        Same shape as ``new_public_id`` (``secrets.token_urlsafe(12)``): 96 bits, 16 url-safe characters."""
        return base64.urlsafe_b64encode(self.rng.getrandbits(96).to_bytes(12, "big")).decode("ascii")

    def public_ids(self, k: int) -> list[str]:
        """``k`` public ids at once (one draw of 96·k bits: fast for big batches)."""
        if k <= 0:
            return []
        text = base64.urlsafe_b64encode(self.rng.getrandbits(96 * k).to_bytes(12 * k, "big")).decode("ascii")
        return [text[i:i + 16] for i in range(0, 16 * k, 16)]

    def unusable_password(self) -> str:
        """What ``make_password(None)`` stores (never matches any password), drawn from the seeded RNG
        so that reruns are identical; generated accounts other than the demo accounts get this."""
        return UNUSABLE_PASSWORD_PREFIX + "".join(self.rng.choices(_PASSWORD_CHARS, k=40))

    @staticmethod
    def next_id(model) -> int:
        """The first free primary key of ``model`` (explicit ids keep references deterministic)."""
        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    @staticmethod
    def reset_sequences(*models) -> None:
        """After inserting explicit ids: move the database's id sequences past them (no-op on SQLite)."""
        sql = connection.ops.sequence_reset_sql(no_style(), list(models))
        if sql:
            with connection.cursor() as cur:
                for statement in sql:
                    cur.execute(statement)

    # --- values in the database's own format (for insert_rows) ----------------------------------
    def db_now(self):
        return connection.ops.adapt_datetimefield_value(self.now)

    @staticmethod
    def db_datetime(value: dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)

    @staticmethod
    def db_date(value: dt.date):
        return connection.ops.adapt_datefield_value(value)

    # --- writing --------------------------------------------------------------------------------
    def bulk(self, model, objs: Iterable, batch_size: int | None = None) -> list:
        """Insert in batches, reporting progress; returns the created objects (with pks)."""
        size = batch_size or self.batch_size
        out: list = []
        batch: list = []
        for obj in objs:
            batch.append(obj)
            if len(batch) >= size:
                out.extend(self._flush(model, batch))
                batch = []
        if batch:
            out.extend(self._flush(model, batch))
        return out

    def bulk_count(self, model, objs: Iterable, batch_size: int | None = None) -> int:
        """Like ``bulk`` but keeps nothing in memory: for the millions of rows of people."""
        size = batch_size or self.batch_size
        n = 0
        batch: list = []
        for obj in objs:
            batch.append(obj)
            if len(batch) >= size:
                self._flush(model, batch)
                n += len(batch)
                batch = []
        if batch:
            self._flush(model, batch)
            n += len(batch)
        return n

    def _flush(self, model, batch: list) -> list:
        created = model.objects.bulk_create(batch, batch_size=len(batch))
        if connection.vendor != "postgresql" and created and created[0].pk is None:  # pragma: no cover
            raise RuntimeError("bulk_create did not return primary keys")
        self.rows += len(batch)
        self.progress(len(batch))
        return created

    @staticmethod
    def insert_sql(model, columns: Sequence[str]) -> str:
        qn = connection.ops.quote_name
        cols = [model._meta.get_field(c).column for c in columns]
        return (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) "
                f"VALUES ({', '.join(['%s'] * len(cols))})")

    def insert_rows(self, model, columns: Sequence[str], rows: Iterable[Sequence], batch_size: int | None = None) -> int:
        """Stream tuples (one value per column, database format) into ``model``'s table.

        ``rows`` may be an iterable of rows or of *lists of rows* (batches a generator built at once);
        nothing is validated or converted here, and no model instance is built."""
        sql = self.insert_sql(model, columns)
        size = batch_size or self.batch_size
        n = 0
        batch: list = []
        with connection.cursor() as cur:
            for row in rows:
                if isinstance(row, list):  # a ready batch
                    if batch:
                        n += self._execute(cur, sql, batch)
                        batch = []
                    n += self._execute(cur, sql, row)
                    continue
                batch.append(row)
                if len(batch) >= size:
                    n += self._execute(cur, sql, batch)
                    batch = []
            if batch:
                n += self._execute(cur, sql, batch)
        return n

    def _execute(self, cur, sql: str, batch: list) -> int:
        if not batch:
            return 0
        cur.executemany(sql, batch)
        self.rows += len(batch)
        self.progress(len(batch))
        return len(batch)


# --- Chinese personal names --------------------------------------------------------------------
# Surnames with rough relative frequencies (per mille) for north-east China; the tail is lumped.
SURNAME_FREQ = (
    ("王", 80), ("李", 75), ("张", 70), ("刘", 60), ("赵", 30), ("杨", 28), ("孙", 26), ("陈", 25), ("于", 22),
    ("徐", 16), ("马", 16), ("高", 15), ("吴", 14), ("郭", 14), ("周", 13), ("林", 12), ("宋", 12), ("韩", 12),
    ("姜", 11), ("曲", 9), ("董", 9), ("孟", 8), ("胡", 8), ("朱", 8), ("郑", 8), ("何", 7), ("付", 7), ("田", 7),
    ("曹", 7), ("邵", 6), ("崔", 6), ("肖", 6), ("吕", 6), ("许", 6), ("梁", 6), ("谢", 5), ("唐", 5), ("冯", 5),
    ("邓", 5), ("薛", 5), ("丁", 5), ("沈", 5), ("苏", 5), ("范", 5), ("石", 5), ("魏", 5), ("潘", 4), ("姚", 4),
    ("贾", 4), ("白", 4), ("金", 4), ("常", 4), ("程", 4), ("袁", 4), ("蒋", 4), ("尹", 4), ("关", 4), ("谭", 4),
    ("邢", 3), ("秦", 3), ("侯", 3), ("杜", 3), ("戴", 3), ("汪", 3), ("宫", 3), ("隋", 3), ("鞠", 3), ("滕", 3),
    ("彭", 3), ("卢", 3), ("任", 3), ("方", 3), ("陆", 3), ("蔡", 3), ("叶", 3), ("闫", 3), ("葛", 3), ("房", 2),
    ("丛", 2), ("庞", 2), ("那", 2), ("佟", 2), ("吉", 2), ("赫", 2), ("修", 2), ("车", 2), ("安", 2), ("鲁", 2),
    ("康", 2), ("毕", 2), ("单", 2), ("包", 2), ("牛", 2), ("纪", 2), ("岳", 2), ("夏", 2), ("严", 2), ("柴", 2),
    ("欧阳", 1), ("司马", 1), ("诸葛", 1), ("上官", 1),
)
_MALE_CHARS = "伟强磊洋勇军杰涛超明刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳亮成建峰晨瑞兵雷东博彬坤岩文利楠志国庆海振春德永忠福胜宏毅庭泽睿轩昊然哲铭晟"
_FEMALE_CHARS = "芳娜敏静英丽艳娟霞兰燕玲丹萍红梅莉婷珍凤晶颖雪慧倩琴云洁柳莹琳欣荣瑜璐悦涵萱怡彤妍诗雨晴月秋菊琪佳蕾薇"
_SHARED_CHARS = "玉秀桂淑春晓子思嘉文佳天一新立金永"


def _given_names(chars: str) -> list[str]:
    """Two-character given names, with single characters repeated so about one name in eight has one."""
    doubles = [a + b for a in chars + _SHARED_CHARS for b in chars if a != b]
    singles = list(chars)
    reps = max(1, round(0.12 * len(doubles) / (0.88 * len(singles))))
    return singles * reps + doubles


MALE_GIVEN = _given_names(_MALE_CHARS)
FEMALE_GIVEN = _given_names(_FEMALE_CHARS)
_SURNAMES = [s for s, _ in SURNAME_FREQ]
_SURNAME_CUM: list[int] = []
for _s, _w in SURNAME_FREQ:
    _SURNAME_CUM.append((_SURNAME_CUM[-1] if _SURNAME_CUM else 0) + _w)


def chinese_names(rng: random.Random, genders: Sequence[str]) -> list[str]:
    """One realistic name per entry of ``genders`` (``"M"``/``"F"``), drawn column-wise for speed."""
    k = len(genders)
    surnames = rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM, k=k)
    male = rng.choices(MALE_GIVEN, k=k)
    female = rng.choices(FEMALE_GIVEN, k=k)
    return [s + (m if g == "M" else f) for s, g, m, f in zip(surnames, genders, male, female)]


def chinese_name(rng: random.Random, gender: str | None = None) -> str:
    return chinese_names(rng, [gender or rng.choice("MF")])[0]
