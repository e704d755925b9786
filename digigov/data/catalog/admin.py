"""Registry admin for the data-resource catalog: read-mostly. Entries, items, mounts, reviews and
demands are written in the workbench (or the API) through ``actions``; the admin edits only 责任清单
lines (through ``actions`` as well) and lets a data admin look things up."""

from digigov.core.web.admin_base import ActionAdmin, ReadOnlyAdmin, register

from . import actions
from .models import CatalogEntry, Category, CodeList, DataDemand, EntryRevision, MountedResource, ResponsibilityItem

DEPT = "department"
DIV = "department__division"


@register(CatalogEntry)
class CatalogEntryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "department", "category", "sharing_type", "open_type", "level", "version", "status", "pending_status")
    list_filter = ("status", "sharing_type", "open_type", "level")
    search_fields = ("^code", "name")
    list_select_related = ("department", "category")
    permission_view = "catalog.view"
    scope_department_field = DEPT
    scope_division_field = DIV
    exclude = ("pending",)


@register(MountedResource)
class MountedResourceAdmin(ReadOnlyAdmin):
    list_display = ("entry", "kind", "name", "table_name", "endpoint", "record_count", "mounted_at", "voided_at")
    list_filter = ("kind",)
    list_select_related = ("entry",)
    permission_view = "catalog.view"
    scope_department_field = "entry__department"
    scope_division_field = "entry__department__division"


@register(EntryRevision)
class EntryRevisionAdmin(ReadOnlyAdmin):
    list_display = ("entry", "version", "action", "status", "actor", "at")
    list_select_related = ("entry", "actor")
    permission_view = "catalog.view"
    scope_department_field = "entry__department"
    scope_division_field = "entry__department__division"
    exclude = ("snapshot",)


@register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "parent", "order")
    list_filter = ("kind",)
    search_fields = ("^code", "name")
    permission_view = "catalog.view"
    public_registry = True


@register(CodeList)
class CodeListAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "standard")
    search_fields = ("^code", "name")
    permission_view = "catalog.view"
    public_registry = True


@register(DataDemand)
class DataDemandAdmin(ReadOnlyAdmin):
    list_display = ("title", "requester", "provider", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("requester", "provider")
    permission_view = "catalog.view"
    scope_department_field = "provider"
    scope_division_field = "provider__division"


@register(ResponsibilityItem)
class ResponsibilityItemAdmin(ActionAdmin):
    list_display = ("department", "name", "update_cycle", "entry", "voided_at")
    list_filter = ("update_cycle",)
    search_fields = ("name",)
    autocomplete_fields = ("department",)
    list_select_related = ("department", "entry")
    permission_view = "catalog.view"
    permission_change = "catalog.edit"
    scope_department_field = DEPT
    scope_division_field = DIV
    editable_fields = ("name", "category", "basis", "update_cycle")
    exclude = ("voided_at", "void_reason", "voided_by", "entry")

    def create(self, request, obj, form):
        return actions.add_responsibility(request.user, department=obj.department, name=obj.name, category=obj.category,
                                          basis=obj.basis, update_cycle=obj.update_cycle)

    def update(self, request, obj, form):
        return actions.edit_responsibility(request.user, obj, name=obj.name, category=obj.category, basis=obj.basis,
                                           update_cycle=obj.update_cycle)
