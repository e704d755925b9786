from django.urls import path

from . import views

app_name = "federation"
urlpatterns = [
    path("", views.peers, name="peers"),
    path("peers/new/", views.peer_new, name="peer_new"),
    path("peers/<str:public_id>/", views.peer_detail, name="peer"),
    path("peers/<str:public_id>/edit/", views.peer_edit, name="peer_edit"),
    path("peers/<str:public_id>/status/", views.peer_status, name="peer_status"),
    path("peers/<str:public_id>/sync/", views.peer_sync, name="peer_sync"),
    path("peers/<str:public_id>/offer/", views.offer_entry_pick, name="offer_pick"),
    path("peers/<str:public_id>/offer/<str:entry_id>/", views.offer_new, name="offer_new"),
]
