"""Scoped reads of 平台级联, shared by the pages, the API and the admin.

Peers are platform-level: anyone with ``federation.view`` sees the list, what we offer each peer and
what it offers us (names and item lists, never credentials). Offering is scoped: a department's
administrators see and offer only their own entries (``federation.offer``).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from digigov.core.rbac.checks import can, scope_queryset
from digigov.data.catalog.models import CatalogEntry, EntryStatus, SharingType
from digigov.data.sharing.models import Subscription, SubscriptionSource

from .models import FederationPeer, MirroredEntry, MirrorStatus, PeerStatus, SyncRun


def peers(user) -> QuerySet[FederationPeer]:
    if not can(user, "federation.view"):
        return FederationPeer.objects.none()
    return (FederationPeer.objects.select_related("department", "inbound_app")
            .annotate(mirror_count=Count("mirrors", filter=Q(mirrors__status=MirrorStatus.ACTIVE), distinct=True))
            .order_by("code"))


def peer(user, public_id: str) -> FederationPeer | None:
    return peers(user).filter(public_id=public_id).first()


def offers(peer: FederationPeer) -> QuerySet[Subscription]:
    """What we offer ``peer``: the grants of its inbound app, newest first."""
    return (Subscription.objects.filter(app_id=peer.inbound_app_id, source=SubscriptionSource.PEER)
            .select_related("entry__department").order_by("-created_at", "-id"))


def mirrors(peer: FederationPeer) -> QuerySet[MirroredEntry]:
    return MirroredEntry.objects.filter(peer=peer).select_related("entry", "mount").order_by("entry__code")


def sync_runs(peer: FederationPeer) -> QuerySet[SyncRun]:
    return SyncRun.objects.filter(peer=peer).select_related("actor").order_by("-created_at", "-id")


def peers_to_sync() -> QuerySet[FederationPeer]:
    return (FederationPeer.objects.filter(status=PeerStatus.ACTIVE).exclude(remote_app_key="")
            .select_related("department").order_by("code"))


def offerable_entries(user) -> QuerySet[CatalogEntry]:
    """Published, shareable entries of the user's own departments that are not themselves mirrors."""
    qs = (CatalogEntry.objects.filter(status=EntryStatus.PUBLISHED, voided_at__isnull=True, federation_mirror__isnull=True)
          .exclude(sharing_type=SharingType.NONE).select_related("department").order_by("code"))
    return scope_queryset(user, "federation.offer", qs, department_field="department", division_field="department__division")


def may_manage(user, peer: FederationPeer) -> bool:
    return can(user, "federation.manage", peer)


def may_offer(user) -> bool:
    return can(user, "federation.offer")


def linkable(user, offers: list[Subscription], mirrors: list[MirroredEntry]) -> tuple[set[int], set[int]]:
    """Which offers (grant pages) and mirrored entries (shared-catalog pages) ``user`` may open: a link is
    shown only where it leads somewhere."""
    from digigov.data.sharing import selectors as sharing

    if not can(user, "sharing.view"):
        return set(), set()
    offer_ids = set(sharing.subscriptions_visible(user).filter(pk__in=[s.pk for s in offers]).values_list("pk", flat=True))
    entry_ids = set(sharing.shareable_entries(user).filter(pk__in=[m.entry_id for m in mirrors]).values_list("pk", flat=True))
    return offer_ids, entry_ids


def item_counts(entry_ids: list[int]) -> dict[int, int]:
    from digigov.data.catalog.models import DataItem

    return dict(DataItem.objects.filter(entry_id__in=entry_ids).values_list("entry_id").annotate(n=Count("id")).values_list("entry_id", "n"))
