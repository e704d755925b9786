"""Admin pages of 好差评: read-only (ratings are given by raters, rectifications answered and visited in the
workbench through ``actions.ratings``), scoped by the rated department."""

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import Rating, Rectification


@register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "department", "item", "level", "channel")
    list_filter = ("level", "channel")
    list_select_related = ("department", "item")
    permission_view = "onestop.view"
    scope_department_field = "department"
    scope_division_field = "department__division"
    exclude = ("reasons",)


@register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ("department", "status", "deadline", "replied_at", "visited_at")
    list_filter = ("status",)
    list_select_related = ("department",)
    permission_view = "onestop.view"
    scope_department_field = "department"
    scope_division_field = "department__division"
