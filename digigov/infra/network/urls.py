from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("access-points/", views.access_points, name="access_points"),
]
