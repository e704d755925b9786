"""我的办件 (the applicant's cases) in the portal, at ``my/cases/``."""

from django.urls import path

from . import views_tasks as views

app_name = "my_cases"
urlpatterns = [
    path("", views.my_cases, name="list"),
    path("<str:public_id>/", views.my_case_detail, name="detail"),
    path("<str:public_id>/correction/", views.my_case_correction, name="correction"),
    path("<str:public_id>/withdraw/", views.my_case_withdraw, name="withdraw"),
]
