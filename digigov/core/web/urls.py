from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/totp/", views.totp_setup, name="totp"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("workbench/", views.workbench, name="workbench"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
