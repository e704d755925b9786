"""Public catalog pages under /services/ (browse, topics, 办事指南, 一件事 guides, the large-text switch)."""

from django.urls import path

from . import views_catalog as v

app_name = "onestop_catalog"
urlpatterns = [
    path("", v.browse, name="browse"),
    path("items/<str:code>/", v.guide, name="guide"),
    path("items/<str:code>/print/", v.guide_print, name="guide_print"),
    path("topics/<str:code>/", v.topic, name="topic"),
    path("bundles/", v.bundles, name="bundles"),
    path("bundles/<str:code>/", v.bundle, name="bundle"),
    path("large-text/", v.large_text, name="large_text"),
]
