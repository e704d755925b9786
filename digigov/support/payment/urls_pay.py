"""``/pay/…``: the payer's order page, 便民缴费, the sandbox channel's cashier and the channels' notify endpoint."""

from django.urls import path

from . import views

app_name = "pay"
urlpatterns = [
    path("orders/<str:public_id>/", views.order_page, name="order"),
    path("orders/<str:public_id>/pay/", views.pay_view, name="pay"),
    path("orders/<str:public_id>/close/", views.close_view, name="close"),
    path("convenience/", views.convenience, name="convenience"),
    path("sandbox/cashier/<str:trade_no>/", views.sandbox_cashier, name="sandbox_cashier"),
    path("notify/<str:channel>/", views.notify, name="notify"),
]
