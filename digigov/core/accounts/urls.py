from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.persons, name="persons"),
    path("new/", views.person_new, name="person_new"),
    path("legal/", views.legal_persons, name="legal_persons"),
    path("<str:public_id>/", views.person_detail, name="person"),
    path("<str:public_id>/reveal/", views.person_reveal, name="person_reveal"),
]
