"""我的缴费 at ``/my/payments/``."""

from django.urls import path

from . import views

app_name = "my_payments"
urlpatterns = [
    path("", views.my_payments, name="list"),
    path("bills/<str:public_id>/bill.pdf", views.bill_download, name="bill"),
]
