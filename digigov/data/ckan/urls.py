from django.urls import path, re_path

from . import dcat_views, views

app_name = "ckan"

urlpatterns = [
    path("api/3/action/help_show", views.help_show, name="help_show"),
    path("api/action/help_show", views.help_show),
    re_path(r"^api/3/action/(?P<name>[A-Za-z_]{1,60})$", views.action, name="action"),
    re_path(r"^api/action/(?P<name>[A-Za-z_]{1,60})$", views.action, name="action_unversioned"),
    path("datastore/dump/<str:resource_id>", views.datastore_dump, name="datastore_dump"),
    path("catalog.jsonld", dcat_views.catalog_jsonld, name="catalog_jsonld"),
    path("catalog.ttl", dcat_views.catalog_ttl, name="catalog_ttl"),
    path("catalog", dcat_views.catalog, name="catalog"),
]
