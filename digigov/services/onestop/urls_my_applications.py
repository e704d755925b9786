"""我的申请 at ``my/applications/``."""

from django.urls import path

from . import views_application as views

app_name = "my_applications"
urlpatterns = [
    path("", views.my_list, name="list"),
    path("<str:public_id>/", views.detail, name="detail"),
    path("<str:public_id>/edit/", views.edit, name="edit"),
    path("<str:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:public_id>/materials/<str:material_id>/", views.material_file, name="material"),
    path("<str:public_id>/decisions/<str:case_id>/", views.decision_file, name="decision"),
]
