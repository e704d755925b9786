"""电子票据查验 at ``/bills/verify/`` (public)."""

from django.urls import path

from . import views

app_name = "bills_verify"
urlpatterns = [path("", views.bill_verify, name="verify")]
