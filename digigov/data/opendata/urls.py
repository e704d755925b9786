from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    path("", views.home, name="home"),
    path("datasets/", views.catalogue, name="catalogue"),
    path("datasets/<slug:name>/", views.dataset, name="dataset"),
    path("datasets/<slug:name>/download.<str:fmt>", views.download, name="download"),
    path("datasets/<slug:name>/rate/", views.rate, name="rate"),
    path("datasets/<slug:name>/comment/", views.comment, name="comment"),
    path("datasets/<slug:name>/call/", views.call, name="call"),
    path("datasets/<slug:name>/showcase/", views.showcase_submit, name="showcase_submit"),
    path("showcase/", views.showcase, name="showcase"),
    path("developer/", views.developer, name="developer"),
    path("developer/guide/", views.guide, name="guide"),
    path("developer/apps/new/", views.app_new, name="app_new"),
    path("developer/apps/<str:public_id>/rotate/", views.app_rotate, name="app_rotate"),
]
