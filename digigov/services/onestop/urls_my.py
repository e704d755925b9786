"""``/my/``: the 我的 hub of citizens and enterprise agents (``views_govstack``)."""

from django.urls import path

from . import views_govstack as views

app_name = "my_hub"
urlpatterns = [
    path("", views.hub, name="home"),
]
