"""The provider's addresses: discovery at the site root (the issuer is the site URL), the rest under /oidc/.
The namespace is django-oauth-toolkit's own, which its views reverse."""

from django.urls import path, re_path

from . import endpoints

app_name = "oauth2_provider"
urlpatterns = [
    re_path(r"^\.well-known/openid-configuration$", endpoints.discovery, name="oidc-connect-discovery-info"),
    path("oidc/authorize/", endpoints.authorize, name="authorize"),
    path("oidc/token/", endpoints.token, name="token"),
    path("oidc/revoke/", endpoints.revoke, name="revoke-token"),
    path("oidc/userinfo/", endpoints.userinfo, name="user-info"),
    path("oidc/jwks/", endpoints.jwks, name="jwks-info"),
    path("oidc/logout/", endpoints.logout, name="rp-initiated-logout"),
]
