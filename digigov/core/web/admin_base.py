"""Django admin on top of actions: the admin never writes through the ORM itself.

Each registry admin names the permission to view and to change, and implements ``create``/``update``
by calling its app's actions (so admin edits are validated, scoped and audited like any other write).
Nothing is ever deleted from the admin; records are voided through their actions.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from digigov.core.errors import DigiGovError
from digigov.core.rbac.checks import can, scope_queryset


def register(model):
    return admin.register(model)


class ActionAdmin(admin.ModelAdmin):
    permission_view: str = ""
    permission_change: str = ""
    editable_fields: tuple[str, ...] = ()
    scope_department_field: str | None = None
    scope_division_field: str | None = None
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over millions of rows per page view

    def has_module_permission(self, request):
        return bool(self.permission_view) and can(request.user, self.permission_view)

    def has_view_permission(self, request, obj=None):
        return bool(self.permission_view) and can(request.user, self.permission_view, obj)

    def has_add_permission(self, request):
        return hasattr(self, "create") and bool(self.permission_change) and can(request.user, self.permission_change)

    def has_change_permission(self, request, obj=None):
        return hasattr(self, "update") and bool(self.permission_change) and can(request.user, self.permission_change, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not self.permission_view:
            return qs.none()
        return scope_queryset(request.user, self.permission_view, qs, self.scope_department_field, self.scope_division_field)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return super().get_readonly_fields(request, obj)
        return [f.name for f in self.model._meta.fields if f.name not in self.editable_fields]

    def save_model(self, request, obj, form, change):
        saved = self.update(request, obj, form) if change else self.create(request, obj, form)
        if saved is not None and saved is not obj:
            obj.pk = saved.pk
            obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def save_related(self, request, form, formsets, change):
        # many-to-many edits would bypass actions; DigiGov registries have none editable here
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DigiGovError as exc:
            self.message_user(request, f"{exc.message}（{exc.code}）", level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdmin(ActionAdmin):
    """For logs and computed records."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
