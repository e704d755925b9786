from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.departments, name="departments"),
    path("divisions/", views.divisions, name="divisions"),
    path("lookup/divisions/", views.lookup_divisions, name="lookup_divisions"),
    path("lookup/departments/", views.lookup_departments, name="lookup_departments"),
]
