"""Staff pages at ``/workbench/support/payments/``."""

from django.urls import path

from . import views_staff as views

app_name = "payment_staff"
urlpatterns = [
    path("", views.orders, name="orders"),
    path("orders/<str:public_id>/", views.order_detail, name="order"),
    path("orders/<str:public_id>/refund/", views.refund, name="refund"),
    path("bills/", views.bills, name="bills"),
    path("bills/<str:public_id>/bill.pdf", views.bill_download, name="bill"),
    path("reconciliation/", views.runs, name="runs"),
    path("reconciliation/start/", views.start_run, name="start_run"),
    path("reconciliation/<str:public_id>/", views.run_detail, name="run"),
    path("reconciliation/items/<str:public_id>/resolve/", views.resolve, name="resolve"),
]
