from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("entries/<str:public_id>/", views.entry, name="entry"),
    path("entries/<str:public_id>/request/", views.request_new, name="request_new"),
    path("requests/", views.requests_mine, name="requests"),
    path("review/", views.review, name="review"),
    path("requests/<str:public_id>/", views.request_detail, name="request"),
    path("requests/<str:public_id>/decide/", views.request_decide, name="request_decide"),
    path("requests/<str:public_id>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("demands/new/", views.demand_new, name="demand_new"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<str:public_id>/", views.subscription_detail, name="subscription"),
    path("subscriptions/<str:public_id>/status/", views.subscription_status, name="subscription_status"),
    path("apps/", views.apps, name="apps"),
    path("apps/new/", views.app_new, name="app_new"),
    path("apps/<str:public_id>/", views.app_detail, name="app"),
    path("apps/<str:public_id>/rotate/", views.app_rotate, name="app_rotate"),
    path("apps/<str:public_id>/status/", views.app_status, name="app_status"),
    path("stats/", views.stats, name="stats"),
]
