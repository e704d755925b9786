from django.urls import path

from . import views_staff as views

app_name = "opendata_staff"
urlpatterns = [
    path("", views.index, name="index"),
    path("entries/<str:public_id>/open/", views.open_entry, name="open"),
    path("datasets/<str:public_id>/", views.dataset, name="dataset"),
    path("applications/", views.applications, name="applications"),
    path("showcases/", views.showcases, name="showcases"),
    path("comments/", views.comments, name="comments"),
]
