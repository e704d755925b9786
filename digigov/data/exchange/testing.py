"""Factories for the exchange tests, the browser journey and the demo: a provider entry with a mounted,
populated table (name, resident ID and phone as personal items, a division code, an amount) and a
department app with an active subscription to it (written directly: the exchange must not depend on
the 供需对接 review lifecycle)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from digigov.data.catalog.models import ItemFormat
from digigov.data.catalog.testing import create_dataset, insert_rows, make_entry
from digigov.data.sharing.actions.apps import create_app
from digigov.data.sharing.models import AppKind, Subscription, SubscriptionSource, bump_policy_version

ITEMS = (
    {"name": "姓名", "field_name": "xm", "personal": 1},
    {"name": "公民身份号码", "field_name": "sfzh", "format": ItemFormat.RESIDENT_ID, "personal": 2},
    {"name": "联系电话", "field_name": "lxdh", "format": ItemFormat.PHONE, "personal": 1},
    {"name": "所属区划", "field_name": "qhdm", "format": ItemFormat.DIVISION},
    {"name": "补贴金额", "field_name": "je", "data_type": "N"},
    {"name": "内部评分", "field_name": "pf", "level": 3},
)
DIVISIONS = ("210602001001", "210603001001", "210602001002")


def row(n: int, division: str | None = None) -> dict:
    first17 = f"210602199001{n % 100:02d}{n % 1000:03d}"[:17]
    return {"xm": f"张{'三四五六七'[n % 5]}{n}", "sfzh": first17 + "X", "lxdh": f"138{n:08d}", "qhdm": division or DIVISIONS[n % 2],
            "je": str(100 + n), "pf": str(n % 10)}


def provider_entry(department, *, user, rows: int = 10, name: str = "困难群众救助名册"):
    entry = make_entry(department, ITEMS, name=name, sharing_type="conditional")
    create_dataset(entry, [row(i) for i in range(1, rows + 1)], user=user)
    return entry


def add_rows(entry, start: int, count: int, batch: int = 2) -> None:
    insert_rows(entry, [row(i) for i in range(start, start + count)], batch=batch)


def department_subscription(actor, *, entry, consumer, fields=("xm", "sfzh", "lxdh", "qhdm", "je"), clear_fields=("lxdh",),
                            purpose: str = "救助资格复核", app_name: str | None = None, valid_until: dt.date | None = None) -> Subscription:
    """``actor`` manages apps of ``consumer`` (its data administrator)."""
    app, _secret = create_app(actor, kind=AppKind.DEPARTMENT, name=app_name or f"{consumer.short_name or consumer.name}数据交换", department=consumer)
    sub = Subscription.objects.create(app=app, entry=entry, source=SubscriptionSource.SHARE_REQUEST, fields=list(fields),
                                      clear_fields=list(clear_fields), purpose=purpose, valid_from=timezone.localdate(),
                                      valid_until=valid_until, created_by=actor)
    bump_policy_version()
    return sub
