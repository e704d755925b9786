from django.urls import path

from . import views_timelimits as views

app_name = "workcalendar"
urlpatterns = [
    path("", views.calendar_year, name="year"),
    path("remove/", views.calendar_remove, name="remove"),
]
