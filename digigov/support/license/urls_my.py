"""我的证照 (the holder's wallet) in the portal, at ``my/licences/``."""

from django.urls import path

from . import views_wallet as views

app_name = "my_licences"
urlpatterns = [
    path("", views.my_licences, name="list"),
    path("uses/", views.uses, name="uses"),
    path("grants/", views.grant_list, name="grants"),
    path("grants/<str:public_id>/revoke/", views.revoke, name="revoke"),
    path("<str:public_id>/", views.my_licence, name="detail"),
    path("<str:public_id>/licence.ofd", views.download, {"fmt": "ofd"}, name="download_ofd"),
    path("<str:public_id>/licence.pdf", views.download, {"fmt": "pdf"}, name="download_pdf"),
    path("<str:public_id>/present/", views.present, name="present"),
    path("<str:public_id>/grant/", views.grant, name="grant"),
]
