from digigov.core.web.admin_base import ActionAdmin, register

from . import actions
from .models import RoleAssignment


@register(RoleAssignment)
class RoleAssignmentAdmin(ActionAdmin):
    list_display = ("user", "role", "department", "division", "voided_at")
    list_filter = ("role",)
    search_fields = ("=user__username", "^user__display_name")
    autocomplete_fields = ("user", "department", "division")
    list_select_related = ("user", "department", "division")
    permission_view = "rbac.manage"
    permission_change = "rbac.manage"
    scope_department_field = "department"
    scope_division_field = "division"

    def create(self, request, obj, form):
        return actions.assign_role(request.user, user=obj.user, role=obj.role, department=obj.department, division=obj.division)
