from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("datasets/", views.datasets, name="datasets"),
    path("datasets/<str:public_id>/", views.dataset, name="dataset"),
    path("datasets/<str:public_id>/run/", views.run_now, name="run_now"),
    path("datasets/<str:public_id>/rules/new/", views.rule_new, name="rule_new"),
    path("rules/<str:public_id>/", views.rule_edit, name="rule_edit"),
    path("rules/<str:public_id>/delete/", views.rule_delete, name="rule_delete"),
    path("runs/<str:public_id>/", views.run_report, name="run"),
    path("tasks/", views.tasks_list, name="tasks"),
    path("tasks/<str:public_id>/", views.task_detail, name="task"),
    path("tasks/<str:public_id>/<str:step>/", views.task_step, name="task_step"),
]
