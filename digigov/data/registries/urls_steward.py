from django.urls import path

from . import views_steward as views

app_name = "registries_steward"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("<str:public_id>/", views.task_detail, name="task"),
    path("<str:public_id>/decide/", views.task_decide, name="decide"),
    path("<str:public_id>/reveal/", views.task_reveal, name="reveal"),
]
