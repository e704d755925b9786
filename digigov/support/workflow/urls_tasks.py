"""The worklist and task pages (``workbench/support/tasks/``) and the staff case pages
(``workbench/support/cases/``), one namespace ``tasks``; mounted at ``workbench/support/``."""

from django.urls import path

from . import views_tasks as views

app_name = "tasks"
urlpatterns = [
    path("tasks/", views.task_list, name="list"),
    path("tasks/claim/", views.bulk_claim, name="bulk_claim"),
    path("tasks/<str:public_id>/", views.task_detail, name="task"),
    path("tasks/<str:public_id>/claim/", views.task_claim, name="claim"),
    path("tasks/<str:public_id>/unclaim/", views.task_unclaim, name="unclaim"),
    path("tasks/<str:public_id>/decide/", views.task_decide, name="decide"),
    path("tasks/<str:public_id>/correction/", views.task_correction, name="correction"),
    path("tasks/<str:public_id>/hand-over/", views.task_hand_over, name="hand_over"),
    path("tasks/<str:public_id>/delegate/", views.task_delegate, name="delegate"),
    path("tasks/<str:public_id>/assign/", views.task_assign, name="assign"),
    path("tasks/<str:public_id>/users/", views.task_users, name="users"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<str:public_id>/", views.case_detail, name="case"),
]
