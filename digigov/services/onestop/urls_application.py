"""The application flow's portal URLs under ``services/`` (the catalog and search slices own the others)."""

from django.urls import path

from . import views_application as views

app_name = "onestop_apply"
urlpatterns = [
    path("apply/item/<str:code>/", views.apply_item, name="item"),
    path("apply/bundle/<str:code>/", views.apply_bundle, name="bundle"),
    path("progress/", views.progress, name="progress"),
]
