from django.urls import path

from . import views

app_name = "keys"
urlpatterns = [
    path("", views.index, name="index"),
    path("rotate/", views.rotate, name="rotate"),
    path("reencrypt/", views.reencrypt, name="reencrypt"),
    path("progress/<str:purpose>/", views.progress, name="progress"),
]
