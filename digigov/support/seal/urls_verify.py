from django.urls import path

from . import views_verify

app_name = "verify"
urlpatterns = [
    path("", views_verify.verify_page, name="page"),
    path("s/<str:token>/", views_verify.verify_token_page, name="token"),
]
