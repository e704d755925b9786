from django.urls import path

from . import views

app_name = "cloud"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("adoption/", views.adoption, name="adoption"),
    path("platforms/", views.platforms, name="platforms"),
    path("systems/", views.systems, name="systems"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<str:public_id>/", views.request_detail, name="request"),
    path("requests/<str:public_id>/decide/", views.request_decide, name="request_decide"),
    path("requests/<str:public_id>/withdraw/", views.request_withdraw, name="request_withdraw"),
]
