"""What an app's demo generator receives: scale, a seeded RNG of its own, bulk insert with progress.

Each app's ``demo.py`` calls ``registry.register_demo(name, generate, after=(...))``;
``manage.py democity`` (package ``digigov.democity``) runs them in dependency order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from django.db import connection

URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


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

    def for_generator(self, name: str) -> "DemoContext":
        ctx = DemoContext(self.scale, self.seed, name, self.progress, self.describe, self.batch_size, 0, self.shared)
        return ctx

    def n(self, full: int, minimum: int = 1) -> int:
        """How many of something a full-scale city has, at this scale."""
        return max(minimum, round(full * self.scale))

    def public_id(self) -> str:
        """Deterministic public ids, so the same seed yields the same city byte for byte."""
        return "".join(self.rng.choices(URLSAFE, k=16))

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
