"""CKAN 2.10 shapes of the open-data portal, read through ``opendata.selectors.public_datasets`` only.

Mapping (one source of truth: the catalog entry; the ``OpenDataset`` row adds the URL name, keywords,
licence and counters):

* package      ← ``OpenDataset`` (``id`` = its public id, ``name`` = its URL name, ``title``/``notes`` = the
  entry's name/abstract, ``tags`` = keywords, ``license_id`` = licence code);
* organization ← the providing ``Department`` (``name`` = its unit code in lower case);
* group        ← the entry's catalog ``Category`` (``name`` = its code in lower case);
* resource     ← a live ``MountedResource`` of kind table (``id`` = its public id): the rows, masked as the
  public sees them, through ``datastore_search`` and ``/datastore/dump/<id>`` (CSV) — for 无条件开放
  datasets only; a 有条件开放 dataset's resource points at the portal page where one applies for it.

Search: ``q`` goes through the catalog's full-text index (``digigov.core.search``, jieba-segmented;
FTS5 bm25 on SQLite, ts_rank on PostgreSQL) restricted to the public datasets' entries; ``fq`` is the
Solr subset ``field:value`` / ``field:"quoted value"`` joined by whitespace or ``AND`` (``+`` prefixes
allowed) over ``organization``, ``groups``, ``tags``, ``res_format``, ``license_id``, ``name``, ``id``.
A page of results costs a fixed number of queries whatever its size (mounts and counts prefetched).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from digigov.core import search as fulltext
from digigov.data.catalog.models import Category, MountedResource, MountKind, OpenType
from digigov.data.opendata.models import OpenDataset
from digigov.data.opendata.selectors import public_datasets

from digigov.data.opendata.search import KIND as DATASET_KIND  # the portal's full-text index: title, keywords, items, provider
MAX_ROWS = 1000
DEFAULT_ROWS = 10
LANDING_PATH = "/open/datasets/{name}/"  # the portal's dataset page (opendata app)
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")
FQ_FIELDS = {"organization", "groups", "tags", "res_format", "license_id", "name", "id", "open_type"}
SORTS = {
    "metadata_modified": "metadata_modified", "metadata_created": "metadata_created", "title_string": "title_string",
    "name": "name", "score": "score", "views_recent": "views", "downloads": "downloads",
}
_FQ_TERM = re.compile(r'\s*(?P<op>AND\s+|\+)?\s*(?P<field>[A-Za-z_]+):(?:"(?P<quoted>[^"\\]{1,200})"|(?P<bare>[^\s"():\[\]{}\\*?~^]{1,200}))\s*')


class QueryError(Exception):
    """A malformed search parameter: the view answers CKAN's 409 Validation Error with ``field``."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _iso(dt) -> str | None:
    return dt.replace(tzinfo=None).isoformat(timespec="microseconds") if dt else None


def org_name(dept) -> str:
    return dept.code.lower()


def group_name(category) -> str:
    return category.code.lower()


def resource_format(mount) -> str:
    return "CSV" if mount.kind == MountKind.TABLE else "API"


def parse_fq(fq: str) -> list[tuple[str, str]]:
    """``organization:city-bdb AND tags:"交通 出行"`` → ``[("organization", "city-bdb"), ("tags", "交通 出行")]``."""
    if not isinstance(fq, str):
        raise QueryError("fq", "fq 应为字符串")
    text = fq.strip()
    terms: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _FQ_TERM.match(text, pos)
        if not m or m.end() == pos:
            raise QueryError("fq", "筛选条件（fq）格式无效：应为 字段:值 或 字段:\"值\"，多个条件用空格或 AND 连接")
        name = m.group("field")
        if name not in FQ_FIELDS:
            raise QueryError("fq", f"不支持按“{name}”筛选；可用字段：{'、'.join(sorted(FQ_FIELDS))}")
        terms.append((name, m.group("quoted") if m.group("quoted") is not None else m.group("bare")))
        pos = m.end()
    if len(terms) > 20:
        raise QueryError("fq", "筛选条件过多（最多 20 个）")
    return terms


def apply_fq(qs, terms):
    for name, value in terms:
        if name == "organization":
            qs = qs.filter(entry__department__code__iexact=value)
        elif name == "groups":
            qs = qs.filter(entry__category__code__iexact=value)
        elif name == "tags":
            qs = _tag_filter(qs, value)
        elif name == "res_format":
            fmt = value.upper()
            if fmt == "CSV":
                qs = qs.filter(entry__mounts__kind=MountKind.TABLE, entry__mounts__voided_at__isnull=True).distinct()
            elif fmt == "API":
                qs = qs.filter(entry__mounts__kind=MountKind.API, entry__mounts__voided_at__isnull=True).distinct()
            else:
                qs = qs.none()
        elif name == "license_id":
            qs = qs.filter(license=value)
        elif name == "name":
            qs = qs.filter(name=value)
        elif name == "id":
            qs = qs.filter(public_id=value)
        elif name == "open_type":
            qs = qs.filter(entry__open_type=value)
    return qs


def _tag_filter(qs, value):
    """Datasets whose keyword list holds ``value`` exactly: jsonb containment on PostgreSQL, json_each on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return qs.filter(keywords__contains=[value])
    table = OpenDataset._meta.db_table
    return qs.extra(where=[f'EXISTS (SELECT 1 FROM json_each("{table}"."keywords") k WHERE k.value = %s)'], params=[value])


def parse_sort(sort: str) -> list[tuple[str, bool]]:
    if not isinstance(sort, str) or not sort.strip():
        raise QueryError("sort", "排序参数无效")
    out = []
    for part in sort.split(","):
        bits = part.split()
        if not bits or len(bits) > 2 or bits[0] not in SORTS or (len(bits) == 2 and bits[1].lower() not in ("asc", "desc")):
            raise QueryError("sort", "排序参数无效：可用 score、metadata_modified、metadata_created、title_string、name，后接 asc 或 desc")
        out.append((SORTS[bits[0]], len(bits) == 2 and bits[1].lower() == "desc"))
    return out[:3]


_ORDER = {"metadata_modified": "updated_at", "metadata_created": "opened_at", "title_string": "entry__name", "name": "name",
          "views": "view_count", "downloads": "download_count"}


@dataclass
class SearchResult:
    count: int
    results: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    sort: str = ""


def search(*, q: str = "", fq: str = "", rows: int = DEFAULT_ROWS, start: int = 0, sort: str | None = None,
           facet_fields: list[str] | None = None, facet_limit: int = 50, base_url: str = "") -> SearchResult:
    terms = parse_fq(fq) if fq else []
    qs = apply_fq(public_datasets(), terms)
    q = (q or "").strip()
    if q in ("*:*", "*"):
        q = ""
    scores: dict[int, float] = {}
    if q:
        if ":" in q:  # CKAN lets q carry field:value terms too (harvesters send name:xxx)
            try:
                qs = apply_fq(qs, parse_fq(q))
                q = ""
            except QueryError:
                pass
    if q:
        hits = fulltext.query(DATASET_KIND, q, limit=None, within=public_datasets().values("pk"))
        scores = {int(k): s for k, s in hits}
        qs = qs.filter(pk__in=list(scores)) if scores else qs.none()
    order = parse_sort(sort) if sort else ([("score", True), ("metadata_modified", True)] if q else [("metadata_modified", True)])
    if any(key == "score" for key, _ in order) and scores:
        rows_ids = list(qs.values_list("pk", "updated_at"))
        rows_ids.sort(key=lambda r: r[1], reverse=True)
        rows_ids.sort(key=lambda r: scores.get(r[0], 0.0), reverse=next(d for k, d in order if k == "score"))
        count = len(rows_ids)
        page_ids = [r[0] for r in rows_ids[start:start + rows]]
        by_id = {d.pk: d for d in with_related(public_datasets().filter(pk__in=page_ids))}
        page = [by_id[pk] for pk in page_ids if pk in by_id]
    else:
        count = qs.count()
        fields = [("-" if desc else "") + _ORDER[key] for key, desc in order if key != "score"] or ["-updated_at"]
        page = list(with_related(qs.order_by(*fields, "-pk")[start:start + rows])) if rows else []
    result = SearchResult(count=count, results=[package_dict(d, base_url) for d in page],
                          sort=sort or ("score desc, metadata_modified desc" if q else "metadata_modified desc"))
    if facet_fields:
        result.facets = facets(qs, facet_fields, facet_limit)
    return result


def facets(qs, names: list[str], limit: int) -> dict:
    out: dict[str, dict] = {}
    ids = qs.values("pk")
    base = OpenDataset.objects.filter(pk__in=ids)
    for name in names:
        if name not in FACET_FIELDS:
            raise QueryError("facet.field", f"不支持按“{name}”分面")
        counts: dict[str, int] = {}
        if name == "organization":
            counts = {c.lower(): n for c, n in base.values_list("entry__department__code").annotate(n=Count("pk")).order_by("-n")[:limit]}
        elif name == "groups":
            counts = {c.lower(): n for c, n in base.values_list("entry__category__code").annotate(n=Count("pk")).order_by("-n")[:limit]}
        elif name == "license_id":
            counts = dict(base.values_list("license").annotate(n=Count("pk")).order_by("-n")[:limit])
        elif name == "res_format":
            rows = (MountedResource.objects.filter(entry__open_dataset__in=ids, voided_at__isnull=True)
                    .values_list("kind").annotate(n=Count("entry", distinct=True)))
            counts = {("CSV" if k == MountKind.TABLE else "API"): n for k, n in rows if k in (MountKind.TABLE, MountKind.API)}
        elif name == "tags":
            tally: dict[str, int] = defaultdict(int)
            for keywords in base.values_list("keywords", flat=True).iterator(chunk_size=2000):
                for k in set(keywords or []):
                    tally[k] += 1
            counts = dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])
        out[name] = counts
    return out


def mounts_prefetch():
    return Prefetch("entry__mounts", to_attr="ckan_mounts",
                    queryset=MountedResource.objects.filter(voided_at__isnull=True, kind__in=[MountKind.TABLE, MountKind.API])
                    .order_by("mounted_at", "pk"))


def with_related(qs):
    return qs.select_related("entry", "entry__department", "entry__category").prefetch_related(mounts_prefetch())


def get_package(id_or_name: str) -> OpenDataset | None:
    if not isinstance(id_or_name, str) or not id_or_name or len(id_or_name) > 100:
        return None
    return with_related(public_datasets().filter(Q(name=id_or_name) | Q(public_id=id_or_name))).first()


def resource_dict(ds: OpenDataset, mount, base_url: str, position: int) -> dict:
    public = ds.entry.open_type == OpenType.UNCONDITIONAL and mount.kind == MountKind.TABLE
    url = (f"{base_url}/datastore/dump/{mount.public_id}" if public else f"{base_url}{LANDING_PATH.format(name=ds.name)}")
    return {
        "id": mount.public_id,
        "package_id": ds.public_id,
        "name": mount.name,
        "description": "" if public else "有条件开放：请在开放平台提交用数申请，获批后通过接口网关调用",
        "format": resource_format(mount),
        "mimetype": "text/csv" if mount.kind == MountKind.TABLE else "application/json",
        "url": url,
        "url_type": None,
        "datastore_active": public,
        "created": _iso(mount.mounted_at),
        "last_modified": _iso(ds.data_updated_at),
        "metadata_modified": _iso(ds.updated_at),
        "position": position,
        "size": None,
        "state": "active",
        "resource_type": None,
        "hash": "",
        "cache_url": None,
        "mimetype_inner": None,
    }


def organization_dict(dept) -> dict:
    return {
        "id": dept.public_id, "name": org_name(dept), "title": dept.name, "type": "organization",
        "description": dept.short_name or "", "image_url": "", "created": _iso(dept.created_at),
        "is_organization": True, "approval_status": "approved", "state": "active",
    }


def group_dict(category) -> dict:
    return {"id": category.public_id, "name": group_name(category), "title": category.name, "display_name": category.name,
            "description": category.get_kind_display(), "image_display_url": ""}


def package_dict(ds: OpenDataset, base_url: str = "") -> dict:
    entry = ds.entry
    mounts = getattr(entry, "ckan_mounts", None)
    if mounts is None:
        mounts = list(MountedResource.objects.filter(entry=entry, voided_at__isnull=True,
                                                     kind__in=[MountKind.TABLE, MountKind.API]).order_by("mounted_at", "pk"))
    resources = [resource_dict(ds, m, base_url, i) for i, m in enumerate(mounts)]
    tags = [{"id": f"tag-{k}", "name": k, "display_name": k, "state": "active", "vocabulary_id": None} for k in (ds.keywords or [])]
    return {
        "id": ds.public_id,
        "name": ds.name,
        "title": entry.name,
        "notes": entry.abstract,
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": ds.license in ("cc-by-4.0", "cc-zero", "odc-gov-cn"),
        "license_id": ds.license,
        "license_title": ds.get_license_display(),
        "url": f"{base_url}{LANDING_PATH.format(name=ds.name)}",
        "version": str(entry.version),
        "author": entry.department.name,
        "author_email": None,
        "maintainer": entry.department.name,
        "maintainer_email": None,
        "metadata_created": _iso(ds.opened_at),
        "metadata_modified": _iso(ds.updated_at),
        "owner_org": entry.department.public_id,
        "organization": organization_dict(entry.department),
        "groups": [group_dict(entry.category)],
        "tags": tags,
        "num_tags": len(tags),
        "resources": resources,
        "num_resources": len(resources),
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "extras": [
            {"key": "catalog_code", "value": entry.code},
            {"key": "open_type", "value": entry.get_open_type_display()},
            {"key": "update_cycle", "value": entry.get_update_cycle_display()},
            {"key": "download_count", "value": str(ds.download_count)},
            {"key": "rating", "value": "" if ds.rating is None else str(ds.rating)},
        ],
    }


def organizations(all_fields: bool, *, limit: int | None, offset: int, sort: str = "name asc"):
    from digigov.core.org.models import Department

    counts = dict(public_datasets().order_by().values_list("entry__department_id").annotate(n=Count("pk")))
    qs = Department.objects.filter(pk__in=list(counts)).order_by("code" if not sort.endswith("desc") else "-code")
    qs = qs[offset:offset + limit] if limit is not None else qs[offset:]
    if not all_fields:
        return [org_name(d) for d in qs]
    return [{**organization_dict(d), "display_name": d.name, "package_count": counts[d.pk]} for d in qs]


def groups(all_fields: bool, *, limit: int | None, offset: int):
    counts = dict(public_datasets().order_by().values_list("entry__category_id").annotate(n=Count("pk")))
    qs = Category.objects.filter(pk__in=list(counts)).order_by("code")
    qs = qs[offset:offset + limit] if limit is not None else qs[offset:]
    if not all_fields:
        return [group_name(c) for c in qs]
    return [{**group_dict(c), "package_count": counts[c.pk], "type": "group", "state": "active"} for c in qs]


def tags(query: str | None = None) -> list[str]:
    seen: set[str] = set()
    for keywords in public_datasets().values_list("keywords", flat=True).iterator(chunk_size=2000):
        seen.update(k for k in (keywords or []) if isinstance(k, str))
    out = sorted(seen)
    if query:
        out = [t for t in out if query.lower() in t.lower()]
    return out
