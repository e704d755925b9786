from django.urls import path

from . import views

app_name = "kpi"
urlpatterns = [
    path("", views.kpi_list, name="list"),
    path("<str:code>/", views.kpi_detail, name="detail"),
    path("<str:code>/rows/", views.kpi_rows, name="rows"),
    path("<str:code>/recompute/", views.kpi_recompute, name="recompute"),
]
