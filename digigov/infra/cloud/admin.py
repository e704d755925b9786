"""Registry admin for 政务云: every save goes through ``actions`` (validated, scoped, audited)."""

from digigov.core.web.admin_base import ActionAdmin, ReadOnlyAdmin, register

from . import actions
from .models import Allocation, CloudPlatform, HostedSystem, Quota, ResourcePool, ResourceRequest, UtilisationSample

DEPT = "department"
DIV = "department__division"


@register(ResourcePool)
class ResourcePoolAdmin(ActionAdmin):
    list_display = ("name", "platform", "vcpu_total", "memory_gb_total", "storage_tb_total", "voided_at")
    search_fields = ("^name",)
    autocomplete_fields = ("platform",)
    permission_view = "cloud.view"
    permission_change = "cloud.manage"
    editable_fields = ("vcpu_total", "memory_gb_total", "storage_tb_total")
    exclude = ("voided_at", "void_reason", "voided_by")

    def create(self, request, obj, form):
        return actions.create_pool(request.user, name=obj.name, vcpu_total=obj.vcpu_total, memory_gb_total=obj.memory_gb_total,
                                   storage_tb_total=obj.storage_tb_total, platform=obj.platform)

    def update(self, request, obj, form):
        return actions.resize_pool(request.user, obj, vcpu_total=obj.vcpu_total, memory_gb_total=obj.memory_gb_total,
                                   storage_tb_total=obj.storage_tb_total)


@register(CloudPlatform)
class CloudPlatformAdmin(ActionAdmin):
    list_display = ("name", "kind", "department", "integrated", "integrated_on", "voided_at")
    list_filter = ("kind", "integrated")
    search_fields = ("name",)
    autocomplete_fields = ("department",)
    list_select_related = ("department",)
    permission_view = "cloud.view"
    permission_change = "cloud.manage"
    scope_department_field = DEPT
    scope_division_field = DIV
    editable_fields = ("integrated",)
    exclude = ("voided_at", "void_reason", "voided_by")

    def create(self, request, obj, form):
        return actions.create_platform(request.user, name=obj.name, department=obj.department, kind=obj.kind, integrated=obj.integrated,
                                       integrated_on=obj.integrated_on, note=obj.note)

    def update(self, request, obj, form):
        if "integrated" in form.changed_data:
            return actions.set_platform_integrated(request.user, obj, obj.integrated)
        return None


@register(HostedSystem)
class HostedSystemAdmin(ActionAdmin):
    list_display = ("name", "department", "classified", "cloud_status", "platform", "migrated_on", "voided_at")
    list_filter = ("cloud_status", "classified")
    search_fields = ("name",)
    autocomplete_fields = ("department", "platform")
    list_select_related = ("department", "platform")
    permission_view = "cloud.view"
    permission_change = "cloud.manage"
    scope_department_field = DEPT
    scope_division_field = DIV
    editable_fields = ("cloud_status", "platform", "exempt_reason")
    exclude = ("voided_at", "void_reason", "voided_by", "migrated_on")

    def create(self, request, obj, form):
        return actions.register_system(request.user, department=obj.department, name=obj.name, classified=obj.classified,
                                       cloud_status=obj.cloud_status, platform=obj.platform, went_live_on=obj.went_live_on,
                                       planned_migration_on=obj.planned_migration_on, exempt_reason=obj.exempt_reason)

    def update(self, request, obj, form):
        if {"cloud_status", "platform", "exempt_reason"} & set(form.changed_data):
            return actions.set_system_status(request.user, obj, obj.cloud_status, platform=obj.platform, exempt_reason=obj.exempt_reason)
        return None


@register(Quota)
class QuotaAdmin(ActionAdmin):
    list_display = ("department", "pool", "vcpu", "memory_gb", "storage_tb", "voided_at")
    autocomplete_fields = ("department", "pool")
    list_select_related = ("department", "pool")
    permission_view = "cloud.view"
    permission_change = "cloud.manage"
    scope_department_field = DEPT
    scope_division_field = DIV
    editable_fields = ("vcpu", "memory_gb", "storage_tb")
    exclude = ("voided_at", "void_reason", "voided_by")

    def create(self, request, obj, form):
        return actions.set_quota(request.user, department=obj.department, pool=obj.pool, vcpu=obj.vcpu, memory_gb=obj.memory_gb,
                                 storage_tb=obj.storage_tb)

    update = create


@register(Allocation)
class AllocationAdmin(ActionAdmin):
    list_display = ("department", "system", "pool", "vcpu", "memory_gb", "storage_tb", "granted_at", "voided_at")
    autocomplete_fields = ("department", "system", "pool")
    list_select_related = ("department", "system", "pool")
    permission_view = "cloud.view"
    permission_change = "cloud.manage"
    scope_department_field = DEPT
    scope_division_field = DIV
    exclude = ("voided_at", "void_reason", "voided_by", "request", "granted_at", "granted_by")

    def create(self, request, obj, form):
        return actions.allocate(request.user, pool=obj.pool, department=obj.department, system=obj.system, vcpu=obj.vcpu,
                                memory_gb=obj.memory_gb, storage_tb=obj.storage_tb)


@register(ResourceRequest)
class ResourceRequestAdmin(ReadOnlyAdmin):
    """Requests are filed and decided in the workbench (or the API), not here."""

    list_display = ("department", "purpose", "system", "vcpu", "memory_gb", "storage_tb", "status", "created_at", "voided_at")
    list_filter = ("status", "purpose")
    list_select_related = ("department", "system")
    permission_view = "cloud.view"
    scope_department_field = DEPT
    scope_division_field = DIV


@register(UtilisationSample)
class UtilisationSampleAdmin(ReadOnlyAdmin):
    list_display = ("pool", "at", "cpu_pct", "mem_pct", "storage_pct")
    list_select_related = ("pool",)
    permission_view = "cloud.manage"
