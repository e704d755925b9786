from django.urls import path

from . import views

app_name = "realname_workbench"
urlpatterns = [path("activity/", views.activity, name="activity")]
