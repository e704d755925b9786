from django.urls import path

from . import views_sign

app_name = "seal_sign"
urlpatterns = [
    path("", views_sign.sign_page, name="home"),
]
