"""/about/: the platform's architecture map and indicators (the first screen before the 一网通办 portal)."""

from django.urls import path

from . import views_catalog as v

app_name = "onestop_about"
urlpatterns = [path("about/", v.about, name="about")]
