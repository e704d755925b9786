"""Full-text search for any app: one interface over the database's own full-text engine.

* ``index(kind, key, fields, filters, ref=)`` — (re)index one object. ``fields`` maps ``name``,
  ``items`` and ``body`` to plain text (or a list of texts, segmented one by one) (weighted in that order: a hit in the name ranks far above a
  hit in the items, which ranks above one in the body); ``filters`` are values ``query`` can
  narrow on (strings or integers).
* ``index_many(kind, docs)`` — the same in bulk (a demo, a reindex command).
* ``remove(kind, key)``, ``clear(kind)``.
* ``query(kind, text, filters, limit, after, within=) -> [(key, score)]`` — best first; ``after`` is
  ``cursor(last hit)`` of the previous page (keyset: no duplicates, no gaps). ``within`` restricts to
  objects whose ``ref`` is in a queryset of primary keys (e.g. what the viewer may see); ``either``
  keeps objects matching stored filter values or in a (small) queryset.

Back end by database vendor (``backends``): SQLite FTS5 with bm25, PostgreSQL ``tsvector`` ('simple')
with ts_rank. Text is segmented by jieba first (``text``), so both see the same Chinese words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from django.db import transaction

from .text import index_pieces, query_tokens

FIELDS = ("name", "items", "body")
_KEY_MAX = 64


@dataclass(frozen=True)
class Doc:
    key: str
    fields: dict
    filters: dict
    ref: int | None = None


def _document(kind: str, doc: Doc):
    from .models import SearchDocument

    unknown = set(doc.fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown search fields: {sorted(unknown)}")
    key = str(doc.key)
    if not key or len(key) > _KEY_MAX:
        raise ValueError("search key must be 1-64 characters")
    return SearchDocument(kind=kind, key=key, ref=doc.ref, filters=dict(doc.filters or {}),
                          **{f: index_pieces(doc.fields.get(f) or "") for f in FIELDS})


def index(kind: str, key, fields: dict[str, str], filters: dict | None = None, *, ref: int | None = None) -> None:
    from .models import SearchDocument

    new = _document(kind, Doc(str(key), fields, filters or {}, ref))
    with transaction.atomic():
        updated = SearchDocument.objects.filter(kind=kind, key=new.key).update(
            ref=new.ref, name=new.name, items=new.items, body=new.body, filters=new.filters)
        if not updated:
            new.save()


def index_many(kind: str, docs: Iterable[Doc], *, batch_size: int = 2000) -> int:
    """Replace the documents of the given keys; returns how many were written."""
    from .models import SearchDocument

    n = 0
    batch: list = []
    with transaction.atomic():
        for doc in docs:
            batch.append(_document(kind, doc))
            if len(batch) >= batch_size:
                n += _write(SearchDocument, kind, batch)
                batch = []
        if batch:
            n += _write(SearchDocument, kind, batch)
    return n


def _write(model, kind: str, batch: list) -> int:
    model.objects.filter(kind=kind, key__in=[d.key for d in batch]).delete()
    model.objects.bulk_create(batch)
    return len(batch)


def remove(kind: str, key) -> None:
    from .models import SearchDocument

    SearchDocument.objects.filter(kind=kind, key=str(key)).delete()


def clear(kind: str) -> int:
    from .models import SearchDocument

    return SearchDocument.objects.filter(kind=kind).delete()[0]


def cursor(hit: tuple[str, float]) -> str:
    """The ``after`` value that continues after ``hit``."""
    key, score = hit
    return f"{score!r}|{key}"


def parse_cursor(after: str | None) -> tuple[float, str] | None:
    """None for no cursor; ValueError for a malformed one (callers turn it into a 422)."""
    if not after:
        return None
    score, sep, key = after.partition("|")
    if not sep or not key:
        raise ValueError("bad cursor")
    value = float(score)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("bad cursor")
    return value, key


def query(kind: str, text: str, filters: dict | None = None, limit: int | None = 20, after: str | None = None,
          *, within=None, either: tuple[dict, object] | None = None) -> list[tuple[str, float]]:
    """Matching ``(key, score)`` best first. Empty text (or text without a word) matches nothing.

    ``either=(filters, queryset)``: keep documents matching those filters *or* whose ``ref`` is in the
    queryset (or list of refs) — cheaper than ``within`` when most documents pass by a stored value (e.g. “published, or
    one of the few unpublished ones in my scope”)."""
    tokens = query_tokens(text)
    if not tokens:
        return []
    from . import backends

    return backends.run_query(kind, tokens, filters or {}, within, limit, parse_cursor(after), either)
