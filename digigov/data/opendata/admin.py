"""Registry admin for the open-data platform: read-only — datasets are opened, withdrawn and described,
applications, showcase entries and comments reviewed on the workbench pages (``actions``)."""

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import DatasetComment, OpenApplication, OpenDataset, Showcase

DEPT = "entry__department"
DIV = "entry__department__division"


@register(OpenDataset)
class OpenDatasetAdmin(ReadOnlyAdmin):
    list_display = ("name", "entry", "status", "license", "kanon_k", "download_count", "rating_count", "opened_at")
    list_filter = ("status", "license")
    list_select_related = ("entry",)
    search_fields = ("name", "entry__name", "entry__code")
    permission_view = "opendata.view"
    scope_department_field = DEPT
    scope_division_field = DIV


@register(OpenApplication)
class OpenApplicationAdmin(ReadOnlyAdmin):
    list_display = ("dataset", "app", "applicant", "status", "period_start", "period_end", "created_at")
    list_filter = ("status",)
    list_select_related = ("dataset", "app", "applicant")
    search_fields = ("dataset__name", "purpose")
    permission_view = "opendata.view"
    scope_department_field = f"dataset__{DEPT}"
    scope_division_field = f"dataset__{DIV}"


@register(Showcase)
class ShowcaseAdmin(ReadOnlyAdmin):
    list_display = ("title", "dataset", "developer", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("dataset", "developer")
    search_fields = ("title",)
    permission_view = "opendata.view"
    scope_department_field = f"dataset__{DEPT}"
    scope_division_field = f"dataset__{DIV}"


@register(DatasetComment)
class DatasetCommentAdmin(ReadOnlyAdmin):
    list_display = ("dataset", "user", "created_at", "hidden_at", "hidden_reason")
    list_select_related = ("dataset", "user")
    search_fields = ("dataset__name",)
    permission_view = "opendata.view"
    scope_department_field = f"dataset__{DEPT}"
    scope_division_field = f"dataset__{DIV}"
