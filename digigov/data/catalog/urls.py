from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("entries/", views.entry_list, name="list"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("entries/<str:public_id>/", views.entry_detail, name="entry"),
    path("entries/<str:public_id>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<str:public_id>/mounts/", views.mount_add, name="mount_add"),
    path("entries/<str:public_id>/mounts/<str:mount_id>/remove/", views.mount_remove, name="mount_remove"),
    path("entries/<str:public_id>/<slug:op>/", views.entry_act, name="entry_act"),
    path("review/", views.review_queue, name="review"),
    path("shared/", views.shared, name="shared"),
    path("open/", views.open_directory, name="open"),
    path("demands/", views.demands, name="demands"),
    path("demands/new/", views.demand_new, name="demand_new"),
    path("demands/<str:public_id>/reply/", views.demand_reply, name="demand_reply"),
    path("responsibilities/", views.responsibilities, name="responsibilities"),
    path("responsibilities/new/", views.responsibility_new, name="responsibility_new"),
    path("responsibilities/<str:public_id>/link/", views.responsibility_link, name="responsibility_link"),
]
