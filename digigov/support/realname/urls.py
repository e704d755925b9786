from django.urls import path

from . import views

app_name = "realname"
urlpatterns = [
    path("", views.my_realname, name="mine"),
    path("verify/", views.verify, name="verify"),
    path("verify/send/", views.send_code, name="send_code"),
    path("verify/code/", views.check_code, name="check_code"),
    path("verify/face/", views.check_face, name="check_face"),
]
