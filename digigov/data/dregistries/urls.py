"""URLs of the GovStack Digital Registries API, mounted at ``/govstack/digital-registries/``.

The spec's OpenAPI paths (``updateEntries``, ``updateOrCreate``, ``readValue``, ``myPersonalDataUsage``) and the
spellings its public conformance tests use (``update-entries``, ``update-or-create``, ``read-value``,
``MyPersonalDataUsage/1.0``) both resolve: the two disagree, and clients are written against either.
"""

from django.urls import path, re_path

from . import views

app_name = "dregistries"

SEG = r"[^/]+"
urlpatterns = [
    path("openapi.json", views.openapi_json, name="openapi"),
    path("databases", views.databases, name="databases"),
    path("database/modify", views.database_modify, name="database_modify"),
    path("database/<str:pk>", views.database, name="database"),
    path("data/myPersonalDataUsage", views.my_personal_data_usage, name="usage"),
    path("data/MyPersonalDataUsage/<str:usage_version>", views.my_personal_data_usage, name="usage_v"),
    path("data/<str:registry>/<str:version>/create", views.data_create, name="create"),
    path("data/<str:registry>/<str:version>/exists", views.data_exists, name="exists"),
    path("data/<str:registry>/<str:version>/read", views.data_read, name="read"),
    path("data/<str:registry>/<str:version>/update", views.data_update, name="update"),
    path("data/<str:registry>/<str:version>/updateEntries", views.data_update_entries, name="update_entries"),
    path("data/<str:registry>/<str:version>/update-entries", views.data_update_entries),
    path("data/<str:registry>/<str:version>/updateOrCreate", views.data_update_or_create, name="update_or_create"),
    path("data/<str:registry>/<str:version>/update-or-create", views.data_update_or_create),
    path("data/<str:registry>/<str:version>/<str:ref>/delete", views.data_delete, name="delete"),
    path("data/<str:registry>/<str:version>/<str:ref>/readValue/<str:field_ext>", views.data_read_value, name="read_value"),
    path("data/<str:registry>/<str:version>/<str:ref>/read-value/<str:field_ext>", views.data_read_value),
    path("data/<str:registry>/<str:version>", views.data_list, name="list"),
    path("data/<str:registry>/<str:version>/", views.data_list),
]
