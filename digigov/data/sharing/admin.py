"""Registry admin of data sharing: read-only. Apps are created, rotated and suspended on the workbench
(``/workbench/data/sharing/apps/``), requests filed and decided there, subscriptions made by approval, so
the admin only lets staff look them up. An app's secret is never shown, not even sealed."""

from django.contrib import admin

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import ConsumerApp, ShareRequest, Subscription


@register(ConsumerApp)
class ConsumerAppAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "department", "app_key", "status", "rate_limit", "daily_quota", "secret_rotated_at")
    list_filter = ("kind", "status")
    search_fields = ("^name", "=app_key")
    list_select_related = ("department",)
    permission_view = "sharing.view"
    scope_department_field = "department"
    scope_division_field = None
    never_shown = ("secret", "owner", "created_by")


@register(ShareRequest)
class ShareRequestAdmin(ReadOnlyAdmin):
    list_display = ("entry", "requester", "provider", "app", "status", "period_start", "period_end", "created_at")
    list_filter = ("status",)
    list_select_related = ("entry", "requester", "provider", "app")
    date_hierarchy = "created_at"
    permission_view = "sharing.view"
    scope_department_field = "provider"
    scope_division_field = None
    never_shown = ("filed_by", "decided_by", "demand")
    readonly_fields = ("field_list", "approved_field_list")

    @admin.display(description="申请信息项")
    def field_list(self, obj):
        return "、".join(obj.fields) or "—"

    @admin.display(description="同意信息项")
    def approved_field_list(self, obj):
        return "、".join(obj.approved_fields) or "—"


@register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("entry", "app", "source", "status", "valid_from", "valid_until")
    list_filter = ("status", "source")
    list_select_related = ("entry", "app")
    permission_view = "sharing.view"
    scope_department_field = "entry__department"
    scope_division_field = None
    never_shown = ("created_by", "share_request", "resource")
