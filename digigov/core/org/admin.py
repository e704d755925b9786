from digigov.core.web.admin_base import ActionAdmin, register

from . import actions
from .models import Department, Division, Post, StaffMember


@register(Division)
class DivisionAdmin(ActionAdmin):
    list_display = ("code", "name", "level", "kind", "parent")
    list_filter = ("level",)
    search_fields = ("^code", "^name")
    autocomplete_fields = ("parent",)
    permission_view = "org.view"
    permission_change = "org.manage"
    # the division tree is reference data (the workbench lists it to every org.view holder);
    # creating one is scoped by its action (a city-level division needs an unscoped grant)
    public_registry = True
    scope_division_field = ""  # who may add one: grants not limited to a department

    def create(self, request, obj, form):
        return actions.create_division(request.user, code=obj.code, name=obj.name, level=obj.level, parent=obj.parent, kind=obj.kind)


@register(Department)
class DepartmentAdmin(ActionAdmin):
    list_display = ("name", "code", "kind", "division", "is_budget_unit", "voided_at")
    list_filter = ("kind", "is_budget_unit")
    search_fields = ("name", "^code")
    autocomplete_fields = ("division", "parent")
    permission_view = "org.view"
    permission_change = "org.manage"
    scope_department_field = ""
    scope_division_field = "division"
    editable_fields = ("name", "short_name", "is_budget_unit")

    def create(self, request, obj, form):
        return actions.create_department(request.user, code=obj.code, name=obj.name, kind=obj.kind, division=obj.division,
                                         parent=obj.parent, short_name=obj.short_name, is_budget_unit=obj.is_budget_unit)

    def update(self, request, obj, form):
        return actions.update_department(request.user, obj, **{f: form.cleaned_data[f] for f in form.changed_data if f in self.editable_fields})


@register(Post)
class PostAdmin(ActionAdmin):
    list_display = ("name", "department")
    search_fields = ("^name",)
    autocomplete_fields = ("department",)
    list_select_related = ("department",)
    permission_view = "org.view"
    permission_change = "org.manage"
    scope_department_field = "department"
    scope_division_field = "department__division"

    def create(self, request, obj, form):
        return actions.create_post(request.user, department=obj.department, name=obj.name)


@register(StaffMember)
class StaffAdmin(ActionAdmin):
    list_display = ("employee_no", "user", "department", "post")
    search_fields = ("=employee_no", "^user__display_name")
    autocomplete_fields = ("user", "department", "post")
    list_select_related = ("user", "department", "post__department")
    permission_view = "org.view"
    permission_change = "org.manage"
    scope_department_field = "department"
    scope_division_field = "department__division"

    def create(self, request, obj, form):
        return actions.add_staff(request.user, user=obj.user, department=obj.department, employee_no=obj.employee_no, post=obj.post)
