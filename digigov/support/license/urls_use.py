"""Staff pages of e-licence use, at ``workbench/support/licence-use/``."""

from django.urls import path

from . import views_use as views

app_name = "license_use"
urlpatterns = [
    path("", views.home, name="home"),
    path("scan/", views.scan, name="scan"),
    path("redeem/", views.redeem, name="redeem"),
    path("items/", views.items, name="items"),
    path("items/<str:public_id>/", views.item_set, name="item_set"),
]
