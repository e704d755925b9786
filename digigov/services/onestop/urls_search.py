from django.urls import path

from . import views_search

app_name = "onestop_search"
urlpatterns = [
    path("", views_search.search_page, name="page"),
    path("suggest/", views_search.suggest_fragment, name="suggest"),
]
