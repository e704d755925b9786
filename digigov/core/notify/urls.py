from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.message_list, name="messages"),
    path("read-all/", views.read_all, name="read_all"),
    path("badge/", views.badge, name="badge"),
    path("<str:message_id>/", views.message_open, name="message"),
]
