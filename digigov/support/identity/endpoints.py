"""The OpenID Connect endpoints: django-oauth-toolkit's views with DigiGov's rules on top.

* authorize: anonymous users go to the one login page (``/accounts/login/?next=…``) and come back; a user
  already signed in to the portal or the workbench is not asked again (single sign-on). The consent page is
  Chinese, in the site's layout, and lets an enterprise agent pick the legal person they act for. Who may
  sign in where: natural persons and enterprise agents into 公众应用, staff into 政务内部应用, service
  accounts nowhere (``who_may_refuse``). A refused login returns ``access_denied`` to the application.
  An unregistered or mismatching ``redirect_uri`` or an unknown client is never redirected to: it gets an
  error page (400).
* discovery and JWKS publish the signing key set of ``signing`` (active + retired keys in their grace period).
* token, userinfo, revoke: django-oauth-toolkit's own, answering the specs' JSON errors.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from oauthlib.oauth2.rfc6749 import errors as oauth_errors
from oauthlib.oauth2.rfc6749.errors import ConsentRequired, LoginRequired
from oauth2_provider import views as dot_views
from oauth2_provider.exceptions import FatalClientError as DotFatalClientError
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.forms import AllowForm
from oauth2_provider.models import Application

from digigov.core.accounts.actions import acting_for, record_login_event, uses_staff_login
from digigov.core.accounts.models import LoginChannel, UserKind
from digigov.core.errors import ValidationFailed

from . import actions, signing
from .models import Audience
from .oidc import CLAIMS_SUPPORTED

# what the error pages say, by the error's class (oauthlib gives most of them the one code invalid_request)
ERROR_TEXT = {
    "InvalidClientIdError": "应用不存在或未在本平台登记。",
    "MissingClientIdError": "请求缺少应用标识。",
    "MismatchingRedirectURIError": "回调地址未在该应用登记。为保护您的账户，本平台不会跳转到该地址。",
    "InvalidRedirectURIError": "回调地址无效。为保护您的账户，本平台不会跳转到该地址。",
    "MissingRedirectURIError": "请求缺少回调地址。",
    "InsecureTransportError": "回调地址须使用 https。",
}
DEFAULT_ERROR_TEXT = "登录请求无效，请回到应用重新发起登录。"
LOGOUT_ERROR_TEXT = {
    "InvalidIDTokenError": "登录凭证无效或不是本平台签发的。",
    "ClientIdMissmatch": "登录凭证与应用不符。",
    "InvalidOIDCClientError": "应用不存在或未在本平台登记。",
    "InvalidOIDCRedirectURIError": "退出后的跳转地址未在该应用登记，本平台不会跳转到该地址。",
    "LogoutDenied": "您已取消退出。",
}


def _error_text(error, table: dict, default: str) -> str:
    for cls in type(error).__mro__:
        if cls.__name__ in table:
            return table[cls.__name__]
    return default


def who_may_refuse(user, application: Application) -> str | None:
    """Why ``user`` may not sign in to ``application`` (None: they may)."""
    if user.kind == UserKind.SERVICE:
        return "系统账户不能登录应用"
    profile = getattr(application, "digigov_profile", None)
    audience = profile.audience if profile else Audience.PUBLIC
    staff = user.kind == UserKind.STAFF or uses_staff_login(user)
    if audience == Audience.INTERNAL and not staff:
        return "该应用仅供政务工作人员使用"
    if audience == Audience.PUBLIC and staff:
        return "工作人员账户只能登录政务内部应用，办理个人事项请使用个人账户"
    return None


def _origin(uri: str) -> str:
    parts = urlsplit(uri or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def _csp_allowing(response, origin: str):
    """The consent and logout forms post here and are then redirected to the application: browsers apply
    ``form-action`` to that redirect too, so the page allows the one registered origin it goes back to."""
    if origin:
        response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {origin}")
    return response


class ConsentForm(AllowForm):
    legal_person = forms.ChoiceField(label=_("代办企业"), required=False, choices=(),
                                     error_messages={"invalid_choice": _("请选择您获授权代办的企业")})


class AuthorizeView(dot_views.AuthorizationView):
    template_name = "identity/authorize.html"
    form_class = ConsentForm

    def dispatch(self, request, *args, **kwargs):
        self.redirect_origin = ""
        self.agent_authorization = None
        self.success_url = None
        self.oauth2_data = {}
        if request.method == "GET" and not request.user.is_authenticated and "none" in request.GET.get("prompt", "").split():
            return self.login_required()
        return super().dispatch(request, *args, **kwargs)

    def login_required(self):
        """prompt=none from an anonymous browser: no login page, ``login_required`` back to the application
        (once the client and its redirect URI have been checked; otherwise the error page)."""
        try:
            _scopes, credentials = dot_views.AuthorizationView.validate_authorization_request(self, self.request)
            state, redirect_uri = credentials.get("state"), credentials["redirect_uri"]
        except OAuthToolkitError as error:
            if isinstance(error, DotFatalClientError) or not isinstance(error.oauthlib_error, ConsentRequired):
                return self.error_response(error, application=None)  # a bad client/URI: the page; other errors as they are
            # the client and redirect URI are good; the silent-authorization check (consent_required) is
            # what failed, and for an anonymous user the answer is login_required
            state, redirect_uri = error.oauthlib_error.state, error.oauthlib_error.redirect_uri
        return self.error_response(OAuthToolkitError(error=LoginRequired(state=state), redirect_uri=redirect_uri), application=None)

    def agencies(self):
        if not hasattr(self, "_agencies"):
            self._agencies = acting_for(self.request.user) if self.request.user.is_authenticated else []
        return self._agencies

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["legal_person"].choices = [("", _("请选择"))] + [(lp.public_id, f"{lp.name}（{lp.uscc}）") for lp in self.agencies()]
        return form

    def validate_authorization_request(self, request):
        scopes, credentials = super().validate_authorization_request(request)
        self.redirect_origin = _origin(credentials.get("redirect_uri"))
        application = Application.objects.select_related("digigov_profile").get(client_id=credentials["client_id"])
        refusal = who_may_refuse(request.user, application)
        if refusal:
            raise OAuthToolkitError(error=oauth_errors.AccessDeniedError(state=credentials.get("state"), description=refusal),
                                    redirect_uri=credentials["redirect_uri"])
        return scopes, credentials

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scopes = context.get("scopes") or []
        context["scope_labels"] = [actions.SCOPE_LABELS.get(s, s) for s in scopes]
        context["wants_enterprise"] = "enterprise" in scopes
        context["agencies"] = self.agencies()
        return context

    def render_to_response(self, context, **kwargs):
        if context.get("error") is not None:  # DOT's error_response renders without get_context_data
            context["error_text"] = _error_text(context["error"], ERROR_TEXT, DEFAULT_ERROR_TEXT)
            return super().render_to_response(context, **kwargs)
        return _csp_allowing(super().render_to_response(context, **kwargs), self.redirect_origin)

    def form_invalid(self, form):
        application = Application.objects.filter(client_id=form.data.get("client_id", "")).first()
        if application is None or not application.redirect_uri_allowed(form.data.get("redirect_uri", "")):
            error = oauth_errors.InvalidClientIdError() if application is None else oauth_errors.MismatchingRedirectURIError()
            return self.render_to_response(self.get_context_data(error=error), status=400)
        self.redirect_origin = _origin(form.data.get("redirect_uri"))
        scopes = (form.data.get("scope") or "").split()
        return self.render_to_response(self.get_context_data(form=form, application=application, scopes=scopes), status=400)

    def form_valid(self, form):
        application = Application.objects.select_related("digigov_profile").filter(client_id=form.cleaned_data["client_id"]).first()
        if application is None or not application.redirect_uri_allowed(form.cleaned_data["redirect_uri"]):
            return self.form_invalid(form)
        self.redirect_origin = _origin(form.cleaned_data["redirect_uri"])
        user = self.request.user
        allow = form.cleaned_data.get("allow")
        scopes = form.cleaned_data.get("scope", "").split()
        if allow:
            refusal = who_may_refuse(user, application)
            if refusal:
                error = OAuthToolkitError(error=oauth_errors.AccessDeniedError(state=form.cleaned_data.get("state"), description=refusal),
                                          redirect_uri=form.cleaned_data["redirect_uri"])
                return self.error_response(error, application)
            if "enterprise" in scopes and self.agencies():
                try:
                    self.agent_authorization = actions.agent_authorization(user, form.cleaned_data.get("legal_person", ""))
                except ValidationFailed as exc:
                    form.add_error("legal_person", exc.message)
                    return self.form_invalid(form)
        response = super().form_valid(form)
        if allow and self.success_url and "code=" in self.success_url:
            actions.record_consent(user, application, scopes, self.agent_authorization)
            record_login_event(user, LoginChannel.CLIENT, client=application.name)
        return response

    def create_authorization_response(self, request, scopes, credentials, allow):
        if self.agent_authorization is not None:
            credentials["digigov_agent_authorization"] = self.agent_authorization
        return super().create_authorization_response(request, scopes, credentials, allow)


class DiscoveryView(dot_views.ConnectDiscoveryInfoView):
    def get(self, request, *args, **kwargs):
        data = json.loads(super().get(request, *args, **kwargs).content)
        data.update({
            "id_token_signing_alg_values_supported": ["RS256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": CLAIMS_SUPPORTED,
            "ui_locales_supported": ["zh-CN"],
            "revocation_endpoint": self._get_endpoint_url(request, "revoke-token", required=True),
        })
        response = JsonResponse(data)
        response["Access-Control-Allow-Origin"] = "*"
        return response


def jwks(request):
    response = JsonResponse(signing.jwks())
    response["Access-Control-Allow-Origin"] = "*"
    max_age = 300
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


class LogoutView(dot_views.RPInitiatedLogoutView):
    template_name = "identity/logout_confirm.html"

    def render_to_response(self, context, **kwargs):
        if context.get("error") is not None:
            context["error_text"] = _error_text(context["error"], LOGOUT_ERROR_TEXT, "退出请求无效。")
        response = super().render_to_response(context, **kwargs)
        application = context.get("application")
        uri = self.oidc_data.get("post_logout_redirect_uri") if hasattr(self, "oidc_data") else ""
        if application is not None and uri and application.post_logout_redirect_uri_allowed(uri):
            _csp_allowing(response, _origin(uri))
        return response


def _declare(view, permission: str):
    view.required_permission = permission
    return view


# the permission the authorisation-matrix test expects of each endpoint: "@oauth" endpoints authenticate
# their caller themselves (client credentials or a bearer token) and answer the specs' 400/401 JSON errors
authorize = _declare(AuthorizeView.as_view(), "@login")
token = _declare(dot_views.TokenView.as_view(), "@oauth")
revoke = _declare(dot_views.RevokeTokenView.as_view(), "@oauth")
userinfo = _declare(dot_views.UserInfoView.as_view(), "@oauth")
discovery = _declare(DiscoveryView.as_view(), "@public")
jwks = _declare(jwks, "@public")
logout = _declare(LogoutView.as_view(), "@public")
