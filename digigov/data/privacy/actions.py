"""Differential-privacy writes: the department's policy (``set_policy``) and the aggregate query
(``aggregate``), which spends the calling app's ε budget and answers with Laplace noise.

What an app may ask (``aggregate``): the entry must be published, not core data, and shareable or
有条件开放; the app must be active and hold an active, in-period ``sharing.Subscription`` on it. The
measure is ``count`` (sensitivity 1) or ``sum`` of a numeric item whose bounds the policy declares
(values clamped to [lo, hi]; sensitivity max(|lo|, |hi|)); a sum spends half its ε on a noisy count used
only to suppress small groups. ``group_by`` names an item with a code list: the groups are the code
list's values (the domain is public, so which groups exist tells nothing; every one is answered, empty
or not, at most ``MAX_GROUPS``); rows whose value is outside the list are left out. Filters are equalities
on such non-personal items. Groups are disjoint, so a grouped query costs its ε once (parallel
composition). Personal items (stored sealed) and core items can be used in no role.

Every query is audited (``privacy.aggregate``: the app, entry, measure, items, ε — never a value).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.data.catalog.models import CatalogEntry, CodeListValue, DataLevel, DataType, EntryStatus, OpenType, PersonalKind, SharingType
from digigov.data.grading.preview import table_mount
from digigov.data.sharing.models import AppStatus, Subscription, SubscriptionStatus

from . import noise
from .models import MICRO, PrivacyPolicy, PrivacySpend

MAX_GROUPS = 50
MAX_FILTERS = 5
MAX_DAILY_EPSILON = Decimal("10")
MIN_QUERY_EPSILON = Decimal("0.01")
DEFAULT_QUERY_EPSILON = Decimal("0.1")
DEFAULT_POLICY = {"daily_epsilon": Decimal("1.000"), "max_query_epsilon": Decimal("0.500"), "min_group_count": 5, "bounds": {}}


class BudgetExhausted(RateLimited):
    def __init__(self, resets_at: dt.datetime, remaining: Decimal):
        super().__init__(f"该应用今日在此资源上的隐私预算已用尽或不足，将于 {timezone.localtime(resets_at):%Y-%m-%d %H:%M} 重置",
                         code="budget_exhausted", detail={"resets_at": resets_at.isoformat(), "remaining": str(remaining)})
        self.resets_at = resets_at


def _decimal(value, field: str, label: str, low: Decimal, high: Decimal) -> Decimal:
    if isinstance(value, bool):
        raise ValidationFailed(f"{label}应为数字", code="invalid_number", detail={"field": field})
    try:
        d = Decimal(str(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(f"{label}应为数字", code="invalid_number", detail={"field": field}) from None
    if not d.is_finite() or not low <= d <= high:
        raise ValidationFailed(f"{label}应在 {low} 到 {high} 之间", code="out_of_range", detail={"field": field})
    return d


def _usable_item(entry, field_name, role: str):
    if not isinstance(field_name, str) or not field_name:
        raise ValidationFailed(f"{role}信息项无效", code="unknown_item", detail={"field": role})
    item = entry.items.filter(field_name=field_name).select_related("code_list").first()
    if item is None:
        raise ValidationFailed(f"资源没有信息项“{field_name[:64]}”", code="unknown_item", detail={"field": role})
    if item.personal >= PersonalKind.PERSONAL or item.level >= DataLevel.CORE:
        raise Forbidden(f"信息项“{item.name}”为个人信息或核心数据，不能用于聚合查询", code="item_not_allowed")
    return item


# --- the department's policy -----------------------------------------------------------------------
@transaction.atomic
def set_policy(actor, entry: CatalogEntry, *, daily_epsilon, max_query_epsilon, min_group_count: int, bounds: dict) -> PrivacyPolicy:
    require(actor, "privacy.configure", entry)
    if entry.voided_at is not None:
        raise Conflict("目录条目已作废", code="entry_voided")
    daily = _decimal(daily_epsilon, "daily_epsilon", "每日隐私预算", MIN_QUERY_EPSILON, MAX_DAILY_EPSILON)
    per_query = _decimal(max_query_epsilon, "max_query_epsilon", "单次查询 ε 上限", MIN_QUERY_EPSILON, daily)
    if isinstance(min_group_count, bool) or not isinstance(min_group_count, int) or not 0 <= min_group_count <= 1000:
        raise ValidationFailed("小组抑制阈值应为 0 到 1000 之间的整数", code="invalid_number", detail={"field": "min_group_count"})
    if not isinstance(bounds, dict) or len(bounds) > 100:
        raise ValidationFailed("取值范围应为 字段名 → [下限, 上限]", code="invalid_bounds", detail={"field": "bounds"})
    clean = {}
    for name, pair in bounds.items():
        item = _usable_item(entry, name, "bounds")
        if item.data_type != DataType.NUMBER:
            raise ValidationFailed(f"信息项“{item.name}”不是数值型", code="not_numeric", detail={"field": "bounds"})
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValidationFailed(f"信息项“{item.name}”的取值范围应为 [下限, 上限]", code="invalid_bounds", detail={"field": "bounds"})
        lo = _decimal(pair[0], "bounds", "下限", Decimal("-1e12"), Decimal("1e12"))
        hi = _decimal(pair[1], "bounds", "上限", Decimal("-1e12"), Decimal("1e12"))
        if lo >= hi:
            raise ValidationFailed(f"信息项“{item.name}”的下限应小于上限", code="invalid_bounds", detail={"field": "bounds"})
        clean[name] = [float(lo), float(hi)]
    policy = PrivacyPolicy.objects.select_for_update().filter(entry=entry).first()
    before = snapshot(policy) if policy else None
    if policy is None:
        policy = PrivacyPolicy(entry=entry)
    policy.daily_epsilon, policy.max_query_epsilon, policy.min_group_count, policy.bounds = daily, per_query, min_group_count, clean
    policy.updated_by = actor
    policy.save()
    record(actor, "privacy.policy.set", policy, before=before, after=snapshot(policy))
    return policy


def policy_of(entry) -> dict:
    policy = PrivacyPolicy.objects.filter(entry=entry).first()
    if policy is None:
        return dict(DEFAULT_POLICY)
    return {"daily_epsilon": policy.daily_epsilon, "max_query_epsilon": policy.max_query_epsilon,
            "min_group_count": policy.min_group_count, "bounds": policy.bounds or {}}


# --- the budget --------------------------------------------------------------------------------------
def period(now=None) -> tuple[dt.date, dt.datetime]:
    """Today (local date) and when its budget resets (the next local midnight)."""
    local = timezone.localtime(now)
    day = local.date()
    resets = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), local.tzinfo)
    return day, resets


def spend(app, entry, epsilon: Decimal, daily_limit: Decimal, *, now=None) -> PrivacySpend:
    """Spend ``epsilon`` of today's budget in one conditional UPDATE (atomic on SQLite and PostgreSQL:
    two concurrent queries can never both pass the last of the budget)."""
    day, resets = period(now)
    cost, limit = int(epsilon * MICRO), int(daily_limit * MICRO)
    PrivacySpend.objects.bulk_create([PrivacySpend(app=app, entry=entry, day=day)], ignore_conflicts=True)
    done = (PrivacySpend.objects.filter(app=app, entry=entry, day=day, spent_micro__lte=limit - cost)
            .update(spent_micro=F("spent_micro") + cost, queries=F("queries") + 1))
    row = PrivacySpend.objects.get(app=app, entry=entry, day=day)
    if not done:
        raise BudgetExhausted(resets, max(Decimal(0), Decimal(limit - row.spent_micro) / MICRO))
    return row


# --- the query ------------------------------------------------------------------------------------
@dataclass
class Query:
    entry: str
    measure: str
    item: str | None = None
    group_by: str | None = None
    filters: dict | None = None
    epsilon: object = None


def _entry_for(app, code) -> CatalogEntry:
    if not isinstance(code, str) or not code or len(code) > 64:
        raise ValidationFailed("资源代码无效", code="invalid_entry", detail={"field": "entry"})
    entry = (CatalogEntry.objects.filter(code=code, status=EntryStatus.PUBLISHED, voided_at__isnull=True)
             .select_related("department").first())
    if entry is None:
        raise NotFound("资源不存在", code="entry_not_found")
    restricted = entry.open_type == OpenType.CONDITIONAL or entry.sharing_type != SharingType.NONE
    if entry.level >= DataLevel.CORE or not restricted:
        raise Forbidden("该资源不提供隐私计算查询", code="entry_not_allowed")
    today = timezone.localdate()
    granted = (Subscription.objects.filter(app=app, entry=entry, status=SubscriptionStatus.ACTIVE, valid_from__lte=today)
               .exclude(valid_until__lt=today).exists())
    if not granted:
        raise Forbidden("该应用没有此资源的有效授权，请先通过供需对接或开放申请获得授权", code="not_subscribed")
    return entry


def _numeric(qn_col: str) -> str:
    if connection.vendor == "postgresql":
        text = f"CAST({qn_col} AS TEXT)"
        return f"(CASE WHEN {text} ~ '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*$' THEN CAST({text} AS NUMERIC) END)"
    return f"(CASE WHEN TRIM(CAST({qn_col} AS TEXT)) GLOB '*[0-9]*' THEN CAST({qn_col} AS REAL) END)"


def aggregate(app, query: Query, *, rng=None, now=None) -> dict:
    from digigov.core.rbac.system import system_account

    if app.status != AppStatus.ACTIVE:
        raise Forbidden("应用已暂停或注销", code="app_inactive")
    entry = _entry_for(app, query.entry)
    policy = policy_of(entry)
    if query.measure not in ("count", "sum"):
        raise ValidationFailed("统计方式应为 count（计数）或 sum（求和）", code="invalid_measure", detail={"field": "measure"})
    epsilon = _decimal(DEFAULT_QUERY_EPSILON if query.epsilon is None else query.epsilon, "epsilon", "本次查询 ε",
                       MIN_QUERY_EPSILON, policy["max_query_epsilon"])
    measure_item = None
    lo = hi = None
    if query.measure == "sum":
        measure_item = _usable_item(entry, query.item, "item")
        if measure_item.data_type != DataType.NUMBER:
            raise ValidationFailed(f"信息项“{measure_item.name}”不是数值型，不能求和", code="not_numeric", detail={"field": "item"})
        if measure_item.field_name not in policy["bounds"]:
            raise Conflict(f"提供部门尚未为信息项“{measure_item.name}”设置取值范围，暂不能求和", code="bounds_missing")
        lo, hi = policy["bounds"][measure_item.field_name]
    elif query.item not in (None, ""):
        raise ValidationFailed("计数不需要指定信息项", code="item_not_needed", detail={"field": "item"})
    domain = None
    group_item = None
    if query.group_by not in (None, ""):
        group_item = _usable_item(entry, query.group_by, "group_by")
        if group_item.code_list_id is None:
            raise ValidationFailed(f"信息项“{group_item.name}”没有代码表，不能分组（分组取值须为公开的代码表）", code="group_without_domain",
                                   detail={"field": "group_by"})
        domain = list(CodeListValue.objects.filter(code_list_id=group_item.code_list_id).order_by("order", "value")
                      .values_list("value", "label")[:MAX_GROUPS + 1])
        if len(domain) > MAX_GROUPS:
            raise ValidationFailed(f"分组取值超过 {MAX_GROUPS} 个，不能分组", code="too_many_groups", detail={"field": "group_by"})
    filters = query.filters or {}
    if not isinstance(filters, dict) or len(filters) > MAX_FILTERS:
        raise ValidationFailed(f"筛选条件应为 字段名 → 值，最多 {MAX_FILTERS} 个", code="invalid_filters", detail={"field": "filters"})
    filter_items = []
    for name, value in filters.items():
        item = _usable_item(entry, name, "filters")
        if not isinstance(value, (str, int)) or isinstance(value, bool) or len(str(value)) > 100:
            raise ValidationFailed("筛选值应为不超过 100 字的文字或整数", code="invalid_filters", detail={"field": "filters"})
        filter_items.append((item, str(value)))
    mount = table_mount(entry)
    if mount is None:
        raise Conflict("该资源尚未挂载库表，无法查询", code="no_table")

    with transaction.atomic():
        row = spend(app, entry, epsilon, policy["daily_epsilon"], now=now)
        qn = connection.ops.quote_name
        table = qn(mount.table_name)
        where, params = [], []
        for item, value in filter_items:
            where.append(f"CAST({qn(item.field_name)} AS VARCHAR(400)) = %s")
            params.append(value)
        group_sql = f"CAST({qn(group_item.field_name)} AS VARCHAR(400))" if group_item else "''"
        if measure_item:
            v = _numeric(qn(measure_item.field_name))
            value_sql = f"SUM(CASE WHEN {v} < %s THEN %s WHEN {v} > %s THEN %s ELSE {v} END)"
            value_params = [lo, lo, hi, hi]
        else:
            value_sql, value_params = "0", []
        sql = (f"SELECT {group_sql}, COUNT(*), {value_sql} FROM {table}" + (f" WHERE {' AND '.join(where)}" if where else "")
               + (f" GROUP BY {group_sql}" if group_item else ""))
        with connection.cursor() as cursor:
            try:
                cursor.execute(sql, value_params + params)
            except Exception:
                raise Conflict("该资源的数据表暂不可查询", code="table_unavailable") from None
            true = {str(g or ""): (int(c), float(s or 0)) for g, c, s in cursor.fetchall()}
        keys = [(value, label) for value, label in domain] if domain is not None else [("", "")]
        eps = float(epsilon)
        count_eps = eps / 2 if measure_item else eps
        sensitivity = max(abs(lo), abs(hi)) if measure_item else 1.0
        step = 10 ** max(0, len(str(int(sensitivity))) - 3) if measure_item else 1
        out = []
        for key, label in keys:
            count, total = true.get(key, (0, 0.0))
            noisy_count = max(0, round(count + noise.laplace(1.0 / count_eps, rng)))
            group = {"key": key, "label": label} if domain is not None else {}
            suppressed = domain is not None and noisy_count < policy["min_group_count"]
            if measure_item:
                noisy_sum = noise.round_to(total + noise.laplace(sensitivity / (eps / 2), rng), step)
                group.update({"value": None if suppressed else noisy_sum})
            else:
                group.update({"value": None if suppressed else noisy_count})
            group["suppressed"] = suppressed
            out.append(group)
        day, resets = period(now)
        answer = {
            "entry": entry.code, "measure": query.measure, "item": measure_item.field_name if measure_item else None,
            "group_by": group_item.field_name if group_item else None, "epsilon": float(epsilon),
            "noise_scale": (sensitivity / (eps / 2)) if measure_item else 1.0 / eps,
            "budget": {"daily": float(policy["daily_epsilon"]), "spent": float(row.spent), "remaining":
                       float(policy["daily_epsilon"] - row.spent), "resets_at": resets.isoformat()},
        }
        if domain is not None:
            answer["groups"] = out
        else:
            answer["value"] = out[0]["value"]
        record(system_account(), "privacy.aggregate", entry, after={
            "app": app.app_key, "measure": query.measure, "item": answer["item"] or "", "group_by": answer["group_by"] or "",
            "filters": sorted(filters), "epsilon": str(epsilon), "spent_today": str(row.spent)})
    return answer
