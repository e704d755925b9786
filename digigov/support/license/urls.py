from django.urls import path

from . import views

app_name = "license"
urlpatterns = [
    path("", views.licence_list, name="home"),
    path("issue/", views.licence_issue, name="issue"),
    path("batch/", views.licence_batch, name="batch"),
    path("types/", views.type_list, name="types"),
    path("types/new/", views.type_new, name="type_new"),
    path("types/<str:public_id>/", views.type_detail, name="type"),
    path("types/<str:public_id>/edit/", views.type_edit, name="type_edit"),
    path("types/<str:public_id>/toggle/", views.type_toggle, name="type_toggle"),
    path("l/<str:public_id>/", views.licence_detail, name="licence"),
    path("l/<str:public_id>/licence.<str:fmt>", views.licence_download, name="download"),  # a file: the crawler skips it
    path("l/<str:public_id>/change/", views.licence_change, name="change"),
    path("l/<str:public_id>/<str:move>/", views.licence_act, name="act"),
]
