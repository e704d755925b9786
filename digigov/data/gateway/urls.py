from django.urls import path

from . import views

app_name = "gateway"
urlpatterns = [
    path("", views.access_log, name="log"),
    path("verify/", views.verify, name="verify"),
    path("usage/", views.usage, name="usage"),
]
