"""The portal's service search: service items and 一件事 bundles in the full-text index (``digigov.core.search``),
searched with the query understanding of ``onestop.query``.

Index (kind ``onestop``; key ``i:<item code>`` / ``b:<bundle code>``; only active, not voided rows):

* item — name: the item's name; items: its keywords and topic names; body: department (name and short name),
  item type, audience, material names, 全市通办;
* bundle — name: the bundle's name; items: keywords, topic; body: member item names, lead department, 一件事.

``index_item`` / ``index_bundle`` / ``index_all`` write it; the catalog's ``item_changed`` / ``bundle_changed``
signals re-index after the transaction commits (``connect()``, called from ``apps_search.ready``).

``search(text, audience=, department=, limit=, after=)`` — two stages:

1. *Recall*: one full-text query for documents holding any term of any concept (or a detected topic's name),
   best ``RECALL`` by the database's own rank (bm25 / ts_rank).
2. *Rank*, in Python over those documents' stored tokens::

       score = Σ_concepts  w_c · idf_c · max_terms ( w_t · f(term, doc) )      text relevance
             + T · [doc belongs to a topic the query names]            life event / enterprise stage
             + P · ln(1 + popularity) / ln(1 + POP_SCALE)               popularity (cases last year), at most P

   ``w_c`` = 1 (¼ for generic words like 申请, 登记); ``idf_c`` = ½ + ½ · ln(1 + N/df) / ln(1 + N), N the documents
   in the index and df those of the recalled ones the concept matches (a word most items carry, 公司, counts up
   to half as much as one only a few carry, 燃气); ``w_t`` = 1 for the person's own word, 0.9 for a
   corrected or pinyin word, 0.85 for a synonym; ``f`` = 3 when all the term's tokens are in the name, 2 in
   keywords/topics, 1 in the body; ``T`` = 2.5 for an item, 4 for a 一件事 (for a life event the bundle is the
   answer); ``P`` = 1.5. A relevant name hit (3) outweighs any popularity, popularity orders equal matches.

Pages continue with ``after`` = the last hit's ``score|key`` (keyset over the ranked list; stable for a query).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import connection, transaction

from digigov.core import search as fts
from digigov.core.search import backends
from digigov.core.search.text import query_tokens

from . import query as qu
from .models import Audience, Bundle, ServiceItem

KIND = "onestop"
RECALL = 400
F_NAME, F_ITEMS, F_BODY = 3.0, 2.0, 1.0
T_ITEM, T_BUNDLE = 2.5, 4.0
P, POP_SCALE = 1.5, 100_000


def item_url(code: str) -> str:
    return f"/services/items/{code}/"


def bundle_url(code: str) -> str:
    return f"/services/bundles/{code}/"


# --- indexing ----------------------------------------------------------------------------------------
def _item_doc(item: ServiceItem) -> fts.Doc:
    topics = [t.name for t in item.topics.all()]
    dept = item.department
    body = [dept.name, dept.short_name, item.get_item_type_display(), item.get_audience_display(),
            *[m.name for m in item.materials.all()]]
    if item.citywide:
        body.append("全市通办")
    return fts.Doc(key=f"i:{item.code}", ref=item.pk,
                   fields={"name": item.name, "items": [item.keywords, *topics], "body": body},
                   filters={"kind": "item", "audience": item.audience, "department": dept.code, "pop": item.popularity,
                            "topics": topics, "name": item.name, "dept_name": dept.name})


def _bundle_doc(bundle: Bundle) -> fts.Doc:
    topics = [bundle.topic.name] if bundle.topic_id else []
    dept = bundle.lead_department
    members = [m.name for m in bundle.members.all()]
    return fts.Doc(key=f"b:{bundle.code}", ref=bundle.pk,
                   fields={"name": bundle.name, "items": [bundle.keywords, *topics],
                           "body": [*members, dept.name, dept.short_name, "一件事", "一件事一次办"]},
                   filters={"kind": "bundle", "audience": bundle.audience, "department": dept.code, "pop": bundle.popularity,
                            "topics": topics, "name": bundle.name, "dept_name": dept.name})


def _items():
    return (ServiceItem.objects.select_related("department").prefetch_related("topics", "materials"))


def _bundles():
    return Bundle.objects.select_related("lead_department", "topic").prefetch_related("members")


def _live(obj) -> bool:
    return obj.active and obj.voided_at is None


def index_item(item: ServiceItem | int) -> None:
    item = _items().filter(pk=getattr(item, "pk", item)).first()
    if item is None:
        return
    if _live(item):
        doc = _item_doc(item)
        fts.index(KIND, doc.key, doc.fields, doc.filters, ref=doc.ref)
    else:
        fts.remove(KIND, f"i:{item.code}")
    qu.invalidate()


def index_bundle(bundle: Bundle | int) -> None:
    bundle = _bundles().filter(pk=getattr(bundle, "pk", bundle)).first()
    if bundle is None:
        return
    if _live(bundle):
        doc = _bundle_doc(bundle)
        fts.index(KIND, doc.key, doc.fields, doc.filters, ref=doc.ref)
    else:
        fts.remove(KIND, f"b:{bundle.code}")
    qu.invalidate()


def index_all() -> int:
    """Rebuild the whole service index (demo, after a bulk load); returns the documents written."""
    fts.clear(KIND)

    def docs():
        for item in _items().filter(active=True, voided_at__isnull=True).order_by("pk").iterator(chunk_size=1000):
            yield _item_doc(item)
        for bundle in _bundles().filter(active=True, voided_at__isnull=True).order_by("pk").iterator(chunk_size=500):
            yield _bundle_doc(bundle)

    n = fts.index_many(KIND, docs())
    qu.invalidate()
    return n


def _on_item_changed(sender, item, **kwargs):
    pk = item.pk
    transaction.on_commit(lambda: index_item(pk))


def _on_bundle_changed(sender, bundle, **kwargs):
    pk = bundle.pk
    transaction.on_commit(lambda: index_bundle(pk))


def connect() -> None:
    from . import signals

    signals.item_changed.connect(_on_item_changed, dispatch_uid="onestop.search.item")
    signals.bundle_changed.connect(_on_bundle_changed, dispatch_uid="onestop.search.bundle")


# --- searching ---------------------------------------------------------------------------------------
@dataclass
class Hit:
    key: str
    kind: str          # "item" | "bundle"
    code: str
    name: str
    department: str
    url: str
    score: float
    why: list[str]

    @property
    def cursor(self) -> str:
        return fts.cursor((self.key, self.score))


@dataclass
class Result:
    hits: list[Hit]
    understanding: qu.Understanding
    next_cursor: str | None


def audiences(audience: str | None) -> list[str] | None:
    if not audience:
        return None
    return [audience, Audience.BOTH] if audience != Audience.BOTH else [Audience.PERSON, Audience.ENTERPRISE, Audience.BOTH]


def _recall(groups: list[list[str]], audience: str | None, department: str | None) -> list[tuple]:
    """Documents holding any group (a group = the tokens of one term, all required): (key, name, items, body, filters)."""
    where, params = ["d.kind = %s"], [KIND]
    vendor = connection.vendor
    col = (lambda k: f"json_extract(d.filters, '$.{k}')") if vendor == "sqlite" else (lambda k: f"(d.filters ->> '{k}')")
    if audience:
        values = audiences(audience)
        where.append(f"{col('audience')} IN ({', '.join(['%s'] * len(values))})")
        params += list(values)
    if department:
        where.append(f"{col('department')} = %s")
        params.append(department)
    cond = " AND ".join(where)
    if vendor == "sqlite":
        expr = " OR ".join("(" + " ".join('"' + t.replace('"', '""') + '"' for t in g) + ")" for g in groups)
        sql = (f"SELECT d.key, d.name, d.items, d.body, d.filters FROM {backends.FTS_TABLE} "
               f"JOIN {backends.DOC_TABLE} d ON d.id = {backends.FTS_TABLE}.rowid "
               f"WHERE {backends.FTS_TABLE} MATCH %s AND {cond} "
               f"ORDER BY bm25({backends.FTS_TABLE}, 10.0, 4.0, 1.0) LIMIT %s")
        args = [expr, *params, RECALL]
    else:
        tsq = " || ".join(["plainto_tsquery('simple'::regconfig, %s)"] * len(groups))
        sql = (f"SELECT d.key, d.name, d.items, d.body, d.filters FROM {backends.DOC_TABLE} d, ({'SELECT ' + tsq} AS q) q "
               f"WHERE d.tsv @@ q.q AND {cond} ORDER BY ts_rank(d.tsv, q.q) DESC LIMIT %s")
        args = [" ".join(g) for g in groups] + params + [RECALL]
    with connection.cursor() as cur:
        cur.execute(sql, args)
        rows = cur.fetchall()
    out = []
    for key, name, items, body, filters in rows:
        if isinstance(filters, str):
            import json

            filters = json.loads(filters)
        out.append((key, set(name.split()), set(items.split()), set(body.split()), filters or {}))
    return out


def _field(tokens: frozenset, name: set, items: set, body: set) -> float:
    if name.issuperset(tokens):
        return F_NAME
    if items.issuperset(tokens):
        return F_ITEMS
    if body.issuperset(tokens):
        return F_BODY
    return 0.0


def rank(u: qu.Understanding, rows: list[tuple], total: int | None = None) -> list[Hit]:
    term_tokens = {t.text: frozenset(query_tokens(t.text)) for c in u.concepts for t in c.terms}
    matches = []  # per row: per concept (best value, best term)
    df = [0] * len(u.concepts)
    for key, name, items, body, f in rows:
        per = []
        for k, c in enumerate(u.concepts):
            best, best_term = 0.0, None
            for t in c.terms:
                tokens = term_tokens.get(t.text)
                if not tokens:
                    continue
                v = t.weight * _field(tokens, name, items, body)
                if v > best:
                    best, best_term = v, t
            per.append((best, best_term))
            df[k] += best_term is not None
        matches.append(per)
    n = max(total or 0, len(rows), 1)
    idf = [0.5 + 0.5 * math.log1p(n / d) / math.log1p(n) if d else 1.0 for d in df]
    hits = []
    for (key, name, items, body, f), per in zip(rows, matches):
        score, why = 0.0, []
        for k, c in enumerate(u.concepts):
            best, best_term = per[k]
            if best_term is not None:
                score += c.weight * idf[k] * best
                own = c.terms[0].why
                for reason in (own, best_term.why):
                    if reason and reason not in why:
                        why.append(reason)
        kind = f.get("kind", "item")
        in_topics = [t for t in u.topics if t in (f.get("topics") or [])]
        if in_topics:
            score += T_BUNDLE if kind == "bundle" else T_ITEM
            label = "人生事件" if in_topics[0] not in _STAGES else "企业阶段"
            why.append(f"{label}：{in_topics[0]}")
        if score <= 0:
            continue
        pop = max(0, int(f.get("pop") or 0))
        score += P * min(1.0, math.log1p(pop) / math.log1p(POP_SCALE))
        code = key[2:]
        hits.append(Hit(key=key, kind=kind, code=code, name=f.get("name", ""), department=f.get("dept_name", ""),
                        url=bundle_url(code) if kind == "bundle" else item_url(code), score=round(score, 6), why=why))
    hits.sort(key=lambda h: (-h.score, h.key))
    return hits


_STAGES = ("开办", "经营", "变更", "注销", "准营")


_count: dict = {"lexicon": None, "n": 0}


def _total() -> int:
    """Documents in the index (for the idf), counted again when the lexicon is rebuilt."""
    lex = qu.lexicon()
    if _count["lexicon"] is not lex:
        from digigov.core.search.models import SearchDocument

        _count["n"], _count["lexicon"] = SearchDocument.objects.filter(kind=KIND).count(), lex
    return _count["n"]


def search(text: str, *, audience: str | None = None, department: str | None = None, limit: int = 20,
           after: str | None = None) -> Result:
    """Ranked items and bundles for what a person typed. ``after``: ValueError if malformed (callers answer 422)."""
    cursor = fts.parse_cursor(after)
    u = qu.understand(text)
    if u.empty:
        return Result([], u, None)
    groups = []
    for term in u.terms():
        tokens = query_tokens(term)
        if tokens and tokens not in groups:
            groups.append(tokens)
    if not groups:
        return Result([], u, None)
    hits = rank(u, _recall(groups[:40], audience, department), _total())
    if cursor is not None:
        score, key = cursor
        hits = [h for h in hits if h.score < score or (h.score == score and h.key > key)]
    page = hits[:limit]
    return Result(page, u, page[-1].cursor if len(hits) > limit else None)
