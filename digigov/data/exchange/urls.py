from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.jobs, name="jobs"),
    path("jobs/new/", views.job_new, name="job_new"),
    path("jobs/<str:public_id>/", views.job_detail, name="job"),
    path("jobs/<str:public_id>/run/", views.job_run, name="job_run"),
    path("jobs/<str:public_id>/status/", views.job_status, name="job_status"),
    path("runs/", views.runs, name="runs"),
    path("dead-letters/", views.dead_letters, name="dead_letters"),
    path("runs/<str:public_id>/", views.run_detail, name="run"),
    path("runs/<str:public_id>/retry/", views.run_retry, name="run_retry"),
    # the extension tells link checkers (the crawler) it is a download: .csv, or .json for JSON Lines
    path("runs/<str:public_id>/file.<str:ext>", views.run_file, name="run_file"),
    path("returns/", views.returns, name="returns"),
    path("returns/new/", views.return_entry, name="return_entry"),
    path("returns/new/<str:entry_id>/", views.return_new, name="return_new"),
    path("returns/<str:public_id>/", views.return_detail, name="return"),
    path("returns/<str:public_id>/run/", views.return_run, name="return_run"),
]
