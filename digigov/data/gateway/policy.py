"""The gateway's view of the sharing policy: one immutable snapshot, loaded from the platform database
and swapped whole when ``sharing.PolicyVersion`` moves.

A snapshot holds the active apps by key (with their secrets in clear: the gateway must check HMAC-SM3),
the current subscriptions by app and entry, and for every subscribed entry its items, its table mount
(the physical table and its column types, looked up once) and its API mounts. Masking plans are built
once per subscription and field set and kept with the snapshot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from digigov.data.catalog.models import CatalogEntry, DataItem, MountedResource, MountKind
from digigov.data.catalog.tables import BATCH_COLUMN, ROW_COLUMN
from digigov.data.grading import policy as grading
from digigov.data.sharing.models import AppStatus, ConsumerApp, PolicyVersion, Subscription, SubscriptionStatus


@dataclass(frozen=True)
class AppPolicy:
    id: int
    key: str
    secret: str
    name: str
    active: bool
    department_id: int | None
    rate_limit: int
    daily_quota: int


@dataclass(frozen=True)
class SubPolicy:
    id: int
    app_id: int
    entry_id: int
    resource_id: int | None
    fields: tuple[str, ...]
    clear_fields: frozenset[str]
    purpose: str
    valid_from: dt.date
    valid_until: dt.date | None
    rate_limit: int | None
    daily_quota: int | None

    def current(self, today: dt.date) -> bool:
        return self.valid_from <= today and (self.valid_until is None or today <= self.valid_until)


@dataclass
class TableMount:
    id: int
    table: str
    text_columns: frozenset[str]  # columns stored as text (compared with text parameters)
    columns: frozenset[str]


@dataclass
class ApiMount:
    id: int
    public_id: str
    endpoint: str
    method: str
    mount: MountedResource


@dataclass
class EntryPolicy:
    id: int
    code: str
    name: str
    department_id: int
    level: int
    entry: CatalogEntry
    items: dict[str, DataItem]  # by field name, in seq order
    table: TableMount | None
    apis: dict[str, ApiMount]


@dataclass
class Snapshot:
    version: int
    apps: dict[str, AppPolicy] = field(default_factory=dict)
    subs: dict[tuple[int, int], list[SubPolicy]] = field(default_factory=dict)
    entries: dict[str, EntryPolicy] = field(default_factory=dict)
    _maskers: dict = field(default_factory=dict)

    def masker(self, sub: SubPolicy, entry: EntryPolicy, fields: tuple[str, ...]) -> grading.SubscriptionMasker:
        key = (sub.id, fields)
        m = self._maskers.get(key)
        if m is None:
            m = grading.subscription_masker(entry.entry, entry.items.values(), fields, sub.clear_fields)
            if len(self._maskers) < 10_000:
                self._maskers[key] = m
        return m


def current_version() -> int:
    return PolicyVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


_TEXT_TYPES = ("char", "text", "clob", "string")


def _table_columns(table: str) -> tuple[frozenset[str], frozenset[str]] | None:
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return None
        description = connection.introspection.get_table_description(cursor, table)
    columns, text = set(), set()
    for col in description:
        columns.add(col.name)
        type_name = connection.introspection.get_field_type(col.type_code, col) if connection.vendor == "postgresql" else str(col.type_code)
        if any(t in str(type_name).lower() for t in _TEXT_TYPES):
            text.add(col.name)
    return frozenset(columns), frozenset(text)


def load(version: int | None = None) -> Snapshot:
    """A fresh snapshot (a handful of queries, whatever the number of apps and subscriptions)."""
    version = current_version() if version is None else version
    snap = Snapshot(version=version)
    for app in ConsumerApp.objects.exclude(status=AppStatus.REVOKED).only(
            "id", "app_key", "secret", "name", "status", "department_id", "rate_limit", "daily_quota"):
        snap.apps[app.app_key] = AppPolicy(app.pk, app.app_key, app.secret, app.name, app.status == AppStatus.ACTIVE, app.department_id,
                                           app.rate_limit, app.daily_quota)
    today = timezone.localdate()
    entry_ids = set()
    for s in (Subscription.objects.filter(status=SubscriptionStatus.ACTIVE, app__status=AppStatus.ACTIVE)
              .exclude(valid_until__lt=today).order_by("id")):
        sub = SubPolicy(s.pk, s.app_id, s.entry_id, s.resource_id, tuple(str(f) for f in (s.fields or [])),
                        frozenset(str(f) for f in (s.clear_fields or [])), s.purpose, s.valid_from, s.valid_until, s.rate_limit,
                        s.daily_quota)
        snap.subs.setdefault((s.app_id, s.entry_id), []).append(sub)
        entry_ids.add(s.entry_id)
    entries = {e.pk: e for e in CatalogEntry.objects.filter(pk__in=entry_ids, voided_at__isnull=True)}
    items: dict[int, dict[str, DataItem]] = {pk: {} for pk in entries}
    for item in DataItem.objects.filter(entry_id__in=entries).order_by("entry_id", "seq"):
        items[item.entry_id][item.field_name] = item
    tables: dict[int, TableMount] = {}
    apis: dict[int, dict[str, ApiMount]] = {pk: {} for pk in entries}
    for m in MountedResource.objects.filter(entry_id__in=entries, voided_at__isnull=True).order_by("mounted_at", "id"):
        if m.kind == MountKind.TABLE and m.table_name:
            found = _table_columns(m.table_name)
            if found and {BATCH_COLUMN, ROW_COLUMN} <= found[0]:
                tables[m.entry_id] = TableMount(m.pk, m.table_name, found[1], found[0])  # the latest mount wins
        elif m.kind == MountKind.API and m.endpoint:
            apis[m.entry_id][m.public_id] = ApiMount(m.pk, m.public_id, m.endpoint, (m.method or "GET").upper(), m)
    for pk, e in entries.items():
        snap.entries[e.code] = EntryPolicy(e.pk, e.code, e.name, e.department_id, e.level, e, items[pk], tables.get(pk), apis[pk])
    return snap


def subscription_for(snap: Snapshot, app: AppPolicy, entry: EntryPolicy, resource_id: int | None, today: dt.date) -> SubPolicy | None:
    for sub in snap.subs.get((app.id, entry.id), ()):
        if sub.current(today) and (sub.resource_id is None or sub.resource_id == resource_id):
            return sub
    return None
