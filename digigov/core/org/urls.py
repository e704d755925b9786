from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.departments, name="departments"),
    path("divisions/", views.divisions, name="divisions"),
]
