from django.urls import path

from . import views

app_name = "aggregation"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("sources/", views.sources, name="sources"),
    path("sources/new/", views.source_new, name="source_new"),
    path("sources/<str:public_id>/", views.source_detail, name="source"),
    path("sources/<str:public_id>/upload/", views.upload, name="upload"),
    path("sources/<str:public_id>/run/", views.run_now, name="run"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<str:public_id>/", views.job_detail, name="job"),
    path("jobs/<str:public_id>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<str:public_id>/quarantine.csv", views.quarantine_csv, name="quarantine_csv"),
    path("batches/<str:public_id>/", views.batch_detail, name="batch"),
]
