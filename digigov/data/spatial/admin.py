"""Registry admin for the spatial registry: read-only lists (boundaries are edited through the API /
actions, where the geometry is validated and measured)."""

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import DivisionBoundary, PointOfInterest, Road, StandardAddress


@register(DivisionBoundary)
class DivisionBoundaryAdmin(ReadOnlyAdmin):
    list_display = ("division", "area_km2", "centroid_lon", "centroid_lat")
    search_fields = ("division__name", "^division__code")
    permission_view = "spatial.view"
    exclude = ("geometry",)


@register(Road)
class RoadAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "division")
    search_fields = ("name",)
    list_filter = ("kind",)
    permission_view = "spatial.view"
    exclude = ("geometry",)


@register(StandardAddress)
class StandardAddressAdmin(ReadOnlyAdmin):
    list_display = ("code", "full_text", "lon", "lat")
    search_fields = ("^code", "full_text")
    permission_view = "spatial.view"


@register(PointOfInterest)
class PointOfInterestAdmin(ReadOnlyAdmin):
    list_display = ("name", "category", "division", "lon", "lat")
    search_fields = ("name",)
    list_filter = ("category",)
    permission_view = "spatial.view"
