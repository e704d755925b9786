"""Registry admin for 外网接入点: saves go through ``actions`` (validated, scoped, audited)."""

from digigov.core.web.admin_base import ActionAdmin, register

from . import actions
from .models import AccessPoint


@register(AccessPoint)
class AccessPointAdmin(ActionAdmin):
    list_display = ("name", "division", "level", "department", "bandwidth_mbps", "ipv6_ready", "status", "commissioned_on", "voided_at")
    list_filter = ("level", "status", "ipv6_ready")
    search_fields = ("^name", "^division__code")
    autocomplete_fields = ("division", "department")
    list_select_related = ("division", "department")
    permission_view = "network.view"
    permission_change = "network.manage"
    scope_department_field = "department"
    scope_division_field = "division"
    editable_fields = ("status", "bandwidth_mbps", "ipv6_ready")
    exclude = ("voided_at", "void_reason", "voided_by")

    def create(self, request, obj, form):
        return actions.create_access_point(request.user, division=obj.division, department=obj.department, name=obj.name,
                                           bandwidth_mbps=obj.bandwidth_mbps, ipv6_ready=obj.ipv6_ready, status=obj.status,
                                           commissioned_on=obj.commissioned_on)

    def update(self, request, obj, form):
        changed = set(form.changed_data)
        if {"bandwidth_mbps", "ipv6_ready"} & changed:
            obj = actions.update_access_point(request.user, obj, bandwidth_mbps=obj.bandwidth_mbps, ipv6_ready=obj.ipv6_ready)
        if "status" in changed:
            obj = actions.set_status(request.user, obj, form.cleaned_data["status"])
        return obj
