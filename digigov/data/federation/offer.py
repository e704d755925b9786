"""What a peer platform is offered: the catalog-offer document ``GET /gw/v1/federation/catalog`` returns.

It lists the entries the peer's inbound app holds an active, current grant for (a ``Subscription`` of
source 级联共享), each with exactly the granted items (and whether each is given in clear) and the gateway
path that serves it. Entries are in code order with a keyset cursor (``after``), so a peer pages through
any number of them with constant work per page: five queries, whatever the page size.
"""

from __future__ import annotations

from django.utils import timezone

from digigov.data.catalog.models import DataItem, MountedResource, MountKind
from digigov.data.sharing.models import AppKind, AppStatus, ConsumerApp, Subscription, SubscriptionStatus

PROTOCOL = "digigov-federation/1"
MAX_LIMIT = 500


def rows_path(code: str) -> str:
    return f"/gw/v1/resources/{code}/rows"


def api_path(code: str, mount_public_id: str) -> str:
    return f"/gw/v1/apis/{code}/{mount_public_id}"


def catalog_offer(app_id: int, *, after: str = "", limit: int = 200) -> dict | None:
    """The offer to the peer whose inbound app is ``app_id``; None when that app is not an active peer app."""
    if not ConsumerApp.objects.filter(pk=app_id, kind=AppKind.PEER, status=AppStatus.ACTIVE, federation_peer__isnull=False).exists():
        return None
    today = timezone.localdate()
    subs = (Subscription.objects.filter(app_id=app_id, status=SubscriptionStatus.ACTIVE, valid_from__lte=today,
                                        entry__voided_at__isnull=True)
            .exclude(valid_until__lt=today).select_related("entry__department", "entry__category", "resource").order_by("entry__code", "id"))
    if after:
        subs = subs.filter(entry__code__gt=after)
    chosen, seen = [], set()
    for sub in subs[:limit * 2 + 1]:  # an entry granted twice is offered once (the first grant)
        if sub.entry_id in seen:
            continue
        seen.add(sub.entry_id)
        chosen.append(sub)
        if len(chosen) > limit:
            break
    more = len(chosen) > limit
    chosen = chosen[:limit]
    ids = [s.entry_id for s in chosen]
    items: dict[int, dict[str, DataItem]] = {pk: {} for pk in ids}
    for item in DataItem.objects.filter(entry_id__in=ids).order_by("entry_id", "seq"):
        items[item.entry_id][item.field_name] = item
    tables = set(MountedResource.objects.filter(entry_id__in=ids, kind=MountKind.TABLE, voided_at__isnull=True)
                 .exclude(table_name="").values_list("entry_id", flat=True))
    first_api = {}
    for entry_id, public_id in (MountedResource.objects.filter(entry_id__in=ids, kind=MountKind.API, voided_at__isnull=True)
                                .exclude(endpoint="").order_by("mounted_at", "id").values_list("entry_id", "public_id")):
        first_api.setdefault(entry_id, public_id)
    out = []
    for sub in chosen:
        e = sub.entry
        if sub.resource is not None and sub.resource.kind == MountKind.API:
            path = api_path(e.code, sub.resource.public_id)
        elif e.pk in tables:
            path = rows_path(e.code)
        elif e.pk in first_api:
            path = api_path(e.code, first_api[e.pk])
        else:
            continue  # nothing to call yet: offered once a resource is mounted
        clear = set(sub.clear_fields or [])
        fields = []
        for name in sub.fields or []:
            item = items[e.pk].get(name)
            if item is None:
                continue
            fields.append({"field_name": item.field_name, "name": item.name, "data_type": item.data_type, "format": item.format or "",
                           "level": item.level, "personal": item.personal, "clear": name in clear})
        if not fields:
            continue
        out.append({
            "code": e.code, "name": e.name, "abstract": e.abstract, "department": e.department.name, "category": e.category.name,
            "sharing_type": e.sharing_type, "update_cycle": e.update_cycle, "version": e.version,
            "published_on": e.published_on.isoformat() if e.published_on else None, "level": e.level, "personal": e.personal,
            "grant": {"valid_from": sub.valid_from.isoformat(), "valid_until": sub.valid_until.isoformat() if sub.valid_until else None,
                      "purpose": sub.purpose},
            "path": path, "fields": fields,
        })
    return {"protocol": PROTOCOL, "entries": out, "next": chosen[-1].entry.code if more and chosen else None}
