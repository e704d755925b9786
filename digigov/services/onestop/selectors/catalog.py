"""Catalog reads shared by the portal pages, the public API, the staff pages and the admin.

Public reads (no login) see active items only. Lists are keyset-paginated over (popularity desc, id desc):
the cursor is ``"<popularity>.<id>"`` of the last row, so page N costs what page 1 does and no COUNT runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from digigov.core.errors import NotFound, ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.checks import scope_queryset

from ..models import Audience, Bundle, BundleMember, ItemMaterial, ItemType, Rating, RatingLevel, ServiceItem, Topic, TopicKind

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


# --- items ------------------------------------------------------------------------------------------
def public_items() -> QuerySet:
    return ServiceItem.objects.filter(active=True)


def list_columns(qs: QuerySet) -> QuerySet:
    """What a list row shows (name, code, type, department, depth, 全市通办), in one query."""
    return qs.select_related("department").only(
        "id", "public_id", "code", "name", "item_type", "audience", "department__code", "department__name", "department__short_name",
        "online_depth",
        "citywide", "popularity", "promised_days", "fee_required", "process_id", "active", "visits_required")


@dataclass
class ItemFilter:
    topic: str = ""
    department: str = ""
    audience: str = ""
    item_type: str = ""
    citywide: bool | None = None
    q: str = ""

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.topic:
            qs = qs.filter(topics__code=self.topic)
        if self.department:
            qs = qs.filter(department__code=self.department)
        if self.audience:
            # an item for both audiences shows under either
            qs = qs.filter(audience__in=(self.audience, Audience.BOTH)) if self.audience != Audience.BOTH else qs.filter(audience=Audience.BOTH)
        if self.item_type:
            qs = qs.filter(item_type=self.item_type)
        if self.citywide is not None:
            qs = qs.filter(citywide=self.citywide)
        if self.q:
            qs = qs.filter(Q(name__contains=self.q) | Q(code=self.q))
        return qs


def clean_filter(*, topic="", department="", audience="", item_type="", citywide=None, q="") -> ItemFilter:
    """Validate browse filters: 422 with a Chinese message for a value that names nothing."""
    def text(value, field, n):
        if value is None:
            return ""
        if not isinstance(value, str) or len(value) > n:
            raise ValidationFailed("筛选条件无效", code="invalid_filter", detail={"field": field})
        return value.strip()

    f = ItemFilter(topic=text(topic, "topic", 32), department=text(department, "department", 32), audience=text(audience, "audience", 12),
                   item_type=text(item_type, "type", 2), citywide=citywide, q=text(q, "q", 100))
    if f.audience and f.audience not in Audience.values:
        raise ValidationFailed("服务对象无效，应为 person（个人）、enterprise（法人）或 both", code="invalid_audience", detail={"field": "audience"})
    if f.item_type and f.item_type not in ItemType.values:
        raise ValidationFailed("事项类型代码无效", code="invalid_item_type", detail={"field": "type"})
    if f.topic and not Topic.objects.filter(code=f.topic).exists():
        raise ValidationFailed("办事主题不存在", code="unknown_topic", detail={"field": "topic"})
    if f.department and not Department.objects.filter(code=f.department).exists():
        raise ValidationFailed("部门不存在", code="unknown_department", detail={"field": "department"})
    return f


def parse_cursor(after) -> tuple[int, int] | None:
    if after in (None, ""):
        return None
    try:
        pop, pk = str(after).split(".")
        if not (pop.isascii() and pop.isdigit() and pk.isascii() and pk.isdigit()) or len(pop) > 12 or len(pk) > 12:
            raise ValueError
        return int(pop), int(pk)
    except ValueError:
        raise ValidationFailed("分页游标无效，请从第一页重新查询", code="bad_cursor", detail={"field": "after"}) from None


def keyset(qs: QuerySet, after=None, limit: int = PAGE_SIZE) -> tuple[list, str | None]:
    """One page ordered by popularity (most used first), then id; ``(rows, next cursor or None)``."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"每页条数应在 1 到 {MAX_PAGE_SIZE} 之间", code="bad_limit", detail={"field": "limit"})
    cur = parse_cursor(after)
    if cur is not None:
        pop, pk = cur
        qs = qs.filter(Q(popularity__lt=pop) | Q(popularity=pop, pk__lt=pk))
    rows = list(qs.order_by("-popularity", "-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (f"{rows[-1].popularity}.{rows[-1].pk}" if more and rows else None)


def browse(f: ItemFilter, *, after=None, limit: int = PAGE_SIZE) -> tuple[list, str | None]:
    qs = list_columns(f.apply(public_items()))
    if f.topic:
        qs = qs.distinct()
    return keyset(qs, after, limit)


def item_for_guide(code: str, *, public: bool = True) -> ServiceItem:
    """One item with everything its guide shows, in three queries (item + department + process + form,
    materials with their licence types, topics and divisions)."""
    qs = ServiceItem.objects.select_related("department", "department__division", "process", "form").prefetch_related(
        Prefetch("materials", queryset=ItemMaterial.objects.select_related("licence_type").order_by("order", "id")),
        Prefetch("topics", queryset=Topic.objects.order_by("kind", "order", "id")), "divisions")
    if public:
        qs = qs.filter(active=True)
    item = qs.filter(code=code).first() if isinstance(code, str) and len(code) <= 40 else None
    if item is None:
        raise NotFound("事项不存在或已下线", code="item_not_found")
    return item


def high_frequency(limit: int = 12) -> list[ServiceItem]:
    """The most used items of the last year (``popularity``), flagged ones first."""
    return list(list_columns(public_items()).order_by("-high_frequency", "-popularity", "-pk")[:limit])


def online_applicable(item: ServiceItem) -> bool:
    """The guide offers 在线办理 when a process runs the item and it is accepted online (depth ≥ 3)."""
    return item.process_id is not None and item.online_depth >= 3 and item.active


# --- topics, departments ---------------------------------------------------------------------------
def topics(kind: str | None = None) -> list[Topic]:
    """Topics with the number of active items each has (one query)."""
    qs = Topic.objects.annotate(item_count=Count("items", filter=Q(items__active=True))).order_by("kind", "order", "id")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs)


def topic_by_code(code: str) -> Topic:
    topic = Topic.objects.filter(code=code).first() if isinstance(code, str) and len(code) <= 32 else None
    if topic is None:
        raise NotFound("办事主题不存在", code="topic_not_found")
    return topic


def departments_with_items(limit: int = 200) -> list[dict]:
    """Departments that implement active items, most items first (one query)."""
    rows = (public_items().values("department__code", "department__name").annotate(n=Count("id")).order_by("-n", "department__name")[:limit])
    return [{"code": r["department__code"], "name": r["department__name"], "count": r["n"]} for r in rows]


def counts() -> dict:
    """Figures of the first screen: items, 全市通办 items, full-online share, bundles."""
    agg = public_items().aggregate(total=Count("id"), citywide=Count("id", filter=Q(citywide=True)),
                                   full=Count("id", filter=Q(online_depth=4)))
    agg["bundles"] = Bundle.objects.filter(active=True).count()
    agg["full_share"] = round(100 * agg["full"] / agg["total"], 1) if agg["total"] else 0.0
    return agg


# --- bundles ----------------------------------------------------------------------------------------
def public_bundles() -> QuerySet:
    return Bundle.objects.filter(active=True).select_related("lead_department", "topic")


def bundle_page(*, audience: str = "", after=None, limit: int = PAGE_SIZE) -> tuple[list, str | None]:
    qs = public_bundles().annotate(member_count=Count("memberships"))
    if audience:
        qs = qs.filter(audience=audience)
    return keyset(qs, after, limit)


def bundle_for_guide(code: str) -> Bundle:
    bundle = (public_bundles().prefetch_related(Prefetch("memberships", queryset=BundleMember.objects.select_related(
        "item", "item__department").prefetch_related(Prefetch("item__materials", queryset=ItemMaterial.objects.select_related(
            "licence_type").order_by("order", "id"))).order_by("order", "id"))).filter(code=code).first()
              if isinstance(code, str) and len(code) <= 40 else None)
    if bundle is None:
        raise NotFound("一件事不存在或已下线", code="bundle_not_found")
    return bundle


def shared_materials(bundle: Bundle) -> list[dict]:
    """Materials of a bundle's members merged by name: one set of materials (只提交一次), with the items that need each."""
    merged: dict[str, dict] = {}
    for m in bundle.memberships.all():
        for mat in m.item.materials.all():
            row = merged.setdefault(mat.name, {"material": mat, "items": [], "replaceable": mat.replaceable})
            row["items"].append(m.item.name)
    return sorted(merged.values(), key=lambda r: (-len(r["items"]), r["material"].name))


# --- 好差评 figures of the first screen -------------------------------------------------------------
@dataclass
class RatingFigures:
    count: int
    good: int
    poor: int
    satisfaction: float | None  # percent, one decimal
    since: dt.date


def rating_figures(now=None) -> RatingFigures:
    """好差评 over the last 12 months, from the ``Rating`` rows (one aggregate query).

    ``count`` = ratings created in the 365 days up to now; ``good`` = ratings at 基本满意 or better
    (level ≥ 3); ``poor`` = 不满意 or 非常不满意 (level ≤ 2);
    ``satisfaction`` (满意率, per GB/T 39734's five levels) = good / count × 100, one decimal;
    None when there are no ratings (the page says so instead of showing 0 %)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=365)
    agg = Rating.objects.filter(created_at__gte=since, created_at__lte=now).aggregate(
        n=Count("id"), good=Count("id", filter=Q(level__gte=RatingLevel.BASIC)), poor=Count("id", filter=Q(level__lte=RatingLevel.DISSATISFIED)))
    n = agg["n"] or 0
    return RatingFigures(count=n, good=agg["good"] or 0, poor=agg["poor"] or 0,
                         satisfaction=round(100 * agg["good"] / n, 1) if n else None, since=timezone.localdate(since))


# --- staff (scoped) ---------------------------------------------------------------------------------
def staff_items(user, perm: str = "onestop.manage") -> QuerySet:
    """Items of the departments the user manages (all of them for an unscoped grant), inactive ones too."""
    return scope_queryset(user, perm, ServiceItem.objects.all(), department_field="department", division_field=None)


def staff_item(user, public_id: str) -> ServiceItem:
    item = staff_items(user).select_related("department", "process", "form").filter(public_id=public_id).first() \
        if isinstance(public_id, str) and len(public_id) <= 40 else None
    if item is None:
        raise NotFound("事项不存在或不在管理范围内", code="item_not_found")
    return item


LIFE, STAGE = TopicKind.LIFE_EVENT, TopicKind.ENTERPRISE_STAGE
