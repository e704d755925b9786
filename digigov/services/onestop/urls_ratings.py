"""好差评 pages (mounted at the site root: the paths span the portal and the workbench, none overlaps another
slice's): rate a service, the rater's own ratings, the staff ratings list, the rectification queue and ticket, the
national export, and the service statistics with their drill-down."""

from django.urls import path

from . import views_ratings as views

app_name = "ratings"
urlpatterns = [
    path("services/rate/visit/<str:public_id>/", views.rate_visit, name="rate_visit"),
    path("services/rate/<str:public_id>/", views.rate_application, name="rate"),
    path("my/ratings/", views.my_ratings, name="mine"),
    path("workbench/services/ratings/", views.staff_list, name="staff"),
    path("workbench/services/ratings/export.csv", views.export_csv, name="export_csv"),
    path("workbench/services/ratings/export.json", views.export_json, name="export_json"),
    path("workbench/services/ratings/rectifications/", views.rect_queue, name="rect_queue"),
    path("workbench/services/ratings/rectifications/<str:public_id>/", views.rect_detail, name="rect"),
    path("workbench/services/ratings/rectifications/<str:public_id>/reply/", views.rect_reply, name="rect_reply"),
    path("workbench/services/ratings/rectifications/<str:public_id>/visit/", views.rect_visit, name="rect_visit"),
    path("workbench/services/stats/", views.stats, name="stats"),
    path("workbench/services/stats/rows/", views.stats_rows, name="stats_rows"),
]
