from django.urls import path

from . import views_timelimits as views

app_name = "timelimits"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("cases/<str:public_id>/", views.case_clock, name="case"),
]
