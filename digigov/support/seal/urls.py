from django.urls import path

from . import views

app_name = "seal"
urlpatterns = [
    path("", views.seal_list, name="seals"),
    path("apply/", views.apply, name="apply"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<str:public_id>/", views.application_detail, name="application"),
    path("applications/<str:public_id>/decide/", views.application_decide, name="application_decide"),
    path("applications/<str:public_id>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/<str:public_id>/download/", views.certificate_download, name="certificate_download"),
    path("certificates/<str:public_id>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("<str:public_id>/", views.seal_detail, name="seal"),
    path("<str:public_id>/status/", views.seal_status, name="seal_status"),
    path("<str:public_id>/reissue/", views.seal_reissue, name="seal_reissue"),
]
