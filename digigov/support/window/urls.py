from django.urls import path

from . import views

app_name = "window"
urlpatterns = [
    path("", views.home, name="home"),
    path("halls/new/", views.hall_new, name="hall_new"),
    path("halls/<str:public_id>/", views.hall, name="hall"),
    path("halls/<str:public_id>/edit/", views.hall_edit, name="hall_edit"),
    path("halls/<str:public_id>/call/", views.hall_call, name="hall_call"),
    path("halls/<str:public_id>/receive/", views.reception_start, name="reception_start"),
    path("tickets/<str:public_id>/<str:move>/", views.ticket_move, name="ticket_move"),
    path("receptions/<str:public_id>/", views.reception, name="reception"),
    path("receptions/<str:public_id>/identify/", views.reception_identify, name="reception_identify"),
    path("receptions/<str:public_id>/consent/", views.reception_consent, name="reception_consent"),
    path("receptions/<str:public_id>/pull/", views.reception_pull, name="reception_pull"),
    path("receptions/<str:public_id>/apply/", views.reception_apply, name="reception_apply"),
    path("receptions/<str:public_id>/finish/", views.reception_finish, name="reception_finish"),
    path("cases/<str:number>/receipt/", views.receipt, name="receipt"),
    path("cases/<str:number>/route/", views.route, name="route"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/<str:public_id>/", views.delivery, name="delivery"),
    path("deliveries/<str:public_id>/hand-out/", views.delivery_hand_out, name="delivery_hand_out"),
    path("deliveries/<str:public_id>/post/", views.delivery_post, name="delivery_post"),
]
