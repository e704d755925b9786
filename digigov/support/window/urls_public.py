from django.urls import path

from . import views_public

app_name = "hall"
urlpatterns = [
    path("<str:public_id>/", views_public.kiosk, name="kiosk"),
    path("<str:public_id>/screen/", views_public.screen, name="screen"),
    path("<str:public_id>/screen/board/", views_public.board, name="board"),
]
