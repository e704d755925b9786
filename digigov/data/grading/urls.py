from django.urls import path

from . import views

app_name = "grading"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<str:public_id>/", views.proposal_detail, name="proposal"),
    path("proposals/<str:public_id>/decide/", views.proposal_decide, name="proposal_decide"),
    path("proposals/<str:public_id>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("propose/", views.propose_pick, name="propose_pick"),
    path("propose/<str:public_id>/", views.propose, name="propose"),
    path("history/", views.history, name="history"),
    path("entries/<str:public_id>/preview/", views.preview_page, name="preview"),
]
