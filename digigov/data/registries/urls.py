from django.urls import path

from . import views

app_name = "registries"
urlpatterns = [
    path("", views.persons, name="persons"),
    path("persons/<str:public_id>/", views.person_detail, name="person"),
    path("persons/<str:public_id>/reveal/", views.person_reveal, name="person_reveal"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("enterprises/<str:public_id>/", views.enterprise_detail, name="enterprise"),
    path("enterprises/<str:public_id>/reveal/", views.enterprise_reveal, name="enterprise_reveal"),
    path("credit/", views.credit, name="credit"),
    path("credit/new/", views.credit_new, name="credit_new"),
    path("credit/<str:public_id>/void/", views.credit_void, name="credit_void"),
    path("licences/", views.licences, name="licences"),
    path("governance/", views.governance, name="governance"),
]
