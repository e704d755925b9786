"""The two index back ends behind ``digigov.core.search``: SQLite FTS5 and PostgreSQL full text.

Both rank by field-weighted relevance with the *name* far above the *items* above the *body*
(``WEIGHTS``), both return a score where higher is better, and both page with the same keyset
(score descending, key ascending). The structures they query are created by migration 0002.
"""

from __future__ import annotations

from django.db import connection

WEIGHTS = {"name": 10.0, "items": 4.0, "body": 1.0}
FTS_TABLE = "search_fts"
DOC_TABLE = "search_searchdocument"  # SearchDocument._meta.db_table (not imported: this module loads with the app)

# --- schema (run by migration 0002 for the vendor at hand) --------------------------------------------
SQLITE_SCHEMA = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(name, items, body, content='{DOC_TABLE}', "
    f"content_rowid='id', tokenize='unicode61')",
    f"CREATE TRIGGER IF NOT EXISTS search_doc_ai AFTER INSERT ON {DOC_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, name, items, body) VALUES (new.id, new.name, new.items, new.body); END",
    f"CREATE TRIGGER IF NOT EXISTS search_doc_ad AFTER DELETE ON {DOC_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, items, body) VALUES ('delete', old.id, old.name, old.items, old.body); END",
    f"CREATE TRIGGER IF NOT EXISTS search_doc_au AFTER UPDATE ON {DOC_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, items, body) VALUES ('delete', old.id, old.name, old.items, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, name, items, body) VALUES (new.id, new.name, new.items, new.body); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS search_doc_au", "DROP TRIGGER IF EXISTS search_doc_ad",
               "DROP TRIGGER IF EXISTS search_doc_ai", f"DROP TABLE IF EXISTS {FTS_TABLE}"]

POSTGRES_SCHEMA = [
    f"ALTER TABLE {DOC_TABLE} ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(items, '')), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(body, '')), 'C')) STORED",
    f"CREATE INDEX search_document_tsv ON {DOC_TABLE} USING gin (tsv)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS search_document_tsv", f"ALTER TABLE {DOC_TABLE} DROP COLUMN IF EXISTS tsv"]
# ts_rank weights are given as {D, C, B, A}
_PG_WEIGHTS = "{0.0, %s, %s, %s}" % (WEIGHTS["body"] / WEIGHTS["name"], WEIGHTS["items"] / WEIGHTS["name"], 1.0)


def _filter_sql(filters: dict, vendor: str) -> tuple[list[str], list]:
    """Conditions on the stored filter values: ``k`` equals, ``k__in`` one of, ``k__startswith`` prefix."""
    where, params = [], []
    for spec, value in (filters or {}).items():
        name, _, op = spec.partition("__")
        if not name.replace("_", "").isalnum():
            raise ValueError(f"bad filter name {name!r}")
        col = f"json_extract(d.filters, '$.{name}')" if vendor == "sqlite" else f"(d.filters ->> '{name}')"
        if vendor != "sqlite":
            value = [str(v) for v in value] if op == "in" else str(value)
        if op == "":
            where.append(f"{col} = %s")
            params.append(value)
        elif op == "in":
            values = list(value)
            if not values:
                where.append("1 = 0")
                continue
            where.append(f"{col} IN ({', '.join(['%s'] * len(values))})")
            params.extend(values)
        elif op == "startswith":
            where.append(f"substr({col}, 1, %s) = %s")
            params.extend([len(str(value)), str(value)])
        else:
            raise ValueError(f"unknown filter operator {op!r}")
    return where, params


def match_sql(kind: str, tokens: list[str], filters: dict, within, either=None) -> tuple[str, list]:
    """SQL for all matching ``(key, score)`` of ``kind`` (no order, no limit) and its parameters."""
    vendor = connection.vendor
    where, params = _filter_sql(filters, vendor)
    if within is not None:
        sub_sql, sub_params = within.query.sql_with_params()
        where.append(f"d.ref IN ({sub_sql})")
        params.extend(sub_params)
    if either is not None:
        either_filters, either_qs = either
        fw, fp = _filter_sql(either_filters, vendor)
        if isinstance(either_qs, (list, tuple)):  # already evaluated: literal ids, no subquery per match
            sub_sql, sub_params = (", ".join(["%s"] * len(either_qs)) or "NULL"), list(either_qs)
        else:
            sub_sql, sub_params = either_qs.query.sql_with_params()
        where.append(f"(({' AND '.join(fw) or '1 = 1'}) OR d.ref IN ({sub_sql}))")
        params.extend([*fp, *sub_params])
    extra = "".join(f" AND {w}" for w in where)
    if vendor == "sqlite":
        expr = " ".join('"' + t.replace('"', '""') + '"' for t in tokens)
        w = WEIGHTS
        sql = (f"SELECT d.key AS key, -bm25({FTS_TABLE}, {w['name']}, {w['items']}, {w['body']}) AS score "
               f"FROM {FTS_TABLE} JOIN {DOC_TABLE} d ON d.id = {FTS_TABLE}.rowid "
               f"WHERE {FTS_TABLE} MATCH %s AND d.kind = %s{extra}")
        return sql, [expr, kind, *params]
    # PostgreSQL: every token must be present (&); each token is a lexeme of the 'simple' config
    sql = (f"SELECT d.key AS key, ts_rank('{_PG_WEIGHTS}'::float4[], d.tsv, q.q)::float8 AS score "
           f"FROM {DOC_TABLE} d, plainto_tsquery('simple'::regconfig, %s) q "
           f"WHERE d.tsv @@ q.q AND d.kind = %s{extra}")
    return sql, [" ".join(tokens), kind, *params]


def run_query(kind: str, tokens: list[str], filters: dict, within, limit: int | None,
              after: tuple[float, str] | None, either=None) -> list[tuple[str, float]]:
    inner, params = match_sql(kind, tokens, filters, within, either)
    sql = f"SELECT key, score FROM ({inner}) m"
    if after is not None:
        sql += " WHERE (m.score < %s OR (m.score = %s AND m.key > %s))"
        params += [after[0], after[0], after[1]]
    sql += " ORDER BY m.score DESC, m.key ASC"
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [(key, float(score)) for key, score in cur.fetchall()]


def rebuild() -> None:
    """After writing documents outside the ORM's row-by-row path: make the structure match the rows
    (SQLite: FTS5 'rebuild'; PostgreSQL keeps its generated column itself)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
