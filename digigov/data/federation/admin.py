"""Registry admin of 平台级联: read-only. Peers are registered, edited, suspended and synchronised on the
workbench (``/workbench/data/federation/``), offers made there; mirrors and runs are written by the
synchronisation. The credential the peer issued us is never shown, not even sealed."""

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import FederationPeer, MirroredEntry, SyncRun


@register(FederationPeer)
class FederationPeerAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "level", "gateway_url", "department", "status", "last_sync_at", "last_sync_status")
    list_filter = ("level", "status")
    search_fields = ("^name", "=code")
    list_select_related = ("department",)
    permission_view = "federation.view"
    scope_department_field = "department"
    scope_division_field = None
    never_shown = ("remote_secret", "created_by")


@register(MirroredEntry)
class MirroredEntryAdmin(ReadOnlyAdmin):
    list_display = ("entry", "peer", "remote_code", "remote_department", "status", "synced_at")
    list_filter = ("status",)
    search_fields = ("=remote_code",)
    list_select_related = ("entry", "peer")
    permission_view = "federation.view"
    scope_department_field = "entry__department"
    scope_division_field = None
    never_shown = ("digest",)


@register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ("peer", "created_at", "status", "offered", "created", "updated", "withdrawn", "message")
    list_filter = ("status",)
    list_select_related = ("peer",)
    date_hierarchy = "created_at"
    permission_view = "federation.view"
    scope_department_field = "peer__department"
    scope_division_field = None
    never_shown = ("actor",)
