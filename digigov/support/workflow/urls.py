from django.urls import path

from . import views

app_name = "workflow"
urlpatterns = [
    path("", views.processes, name="processes"),
    path("processes/<str:public_id>/", views.process_detail, name="process"),
    path("versions/<str:public_id>/modeller/", views.modeller, name="modeller"),
    path("versions/<str:public_id>/export/", views.export, name="export"),
    path("versions/<str:public_id>/activate/", views.activate, name="activate"),
    path("versions/<str:public_id>/retire/", views.retire, name="retire"),
    path("cases/<str:public_id>/diagram/", views.case_diagram, name="case_diagram"),
    path("incidents/", views.incidents, name="incidents"),
    path("incidents/<str:public_id>/retry/", views.incident_retry, name="incident_retry"),
    path("incidents/<str:public_id>/cancel/", views.incident_cancel, name="incident_cancel"),
    path("components/", views.components, name="components"),
]
