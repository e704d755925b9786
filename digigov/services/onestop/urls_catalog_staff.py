"""Staff catalog management under /workbench/services/catalog/."""

from django.urls import path

from . import views_catalog_staff as v

app_name = "onestop_catalog_staff"
urlpatterns = [
    path("", v.item_list, name="items"),
    path("items/<str:public_id>/", v.item_detail, name="item"),
    path("items/<str:public_id>/edit/", v.item_edit, name="item_edit"),
    path("items/<str:public_id>/materials/", v.item_materials, name="item_materials"),
    path("items/<str:public_id>/toggle/", v.item_toggle, name="item_toggle"),
]
