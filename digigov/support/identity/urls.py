from django.urls import path

from . import views

app_name = "identity"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("clients/new/", views.client_new, name="client_new"),
    path("clients/<str:client_id>/", views.client_detail, name="client"),
    path("keys/rotate/", views.key_rotate, name="key_rotate"),
]
