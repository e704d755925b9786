from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [path("", views.overview, name="overview"), path("tasks/", views.tasks_list, name="tasks"), path("tasks/<str:public_id>/", views.task_detail, name="task")]
