"""Workbench pages of 统一身份认证: registered applications, registering one (the secret shown once), and the
id_token signing keys with their rotation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.errors import DigiGovError
from digigov.core.rbac.checks import can
from digigov.core.web.decorators import requires

from . import actions, selectors
from .forms import ClientForm
from .models import RETIRED_GRACE

SECRET_KEY = "identity_new_client_secret"


@requires("identity.view")
def overview(request):
    from django.conf import settings

    return render(request, "identity/overview.html", {
        "clients": selectors.clients()[:200],
        "keys": selectors.signing_keys()[:20],
        "grace_days": RETIRED_GRACE.days,
        "issuer": settings.DIGIGOV_SITE_URL,
        "can_manage": can(request.user, "identity.client.manage"),
        "can_rotate": can(request.user, "identity.keys.rotate"),
        "can_activity": can(request.user, "realname.activity"),
    })


@requires("identity.client.manage")
@require_http_methods(["GET", "POST"])
def client_new(request):
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            app, secret = actions.create_client(
                request.user, name=data["name"], redirect_uris=data["redirect_uris"], public=not data["confidential"],
                scopes=data["scopes"], audience=data["audience"], post_logout_redirect_uris=data["post_logout_redirect_uris"])
        except DigiGovError as exc:
            field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            if secret:
                request.session[SECRET_KEY] = {"client_id": app.client_id, "secret": secret}
            messages.success(request, _("接入应用已登记"))
            return redirect("identity:client", client_id=app.client_id)
    return render(request, "web/form.html", {"form": form, "title": _("登记接入应用"), "submit_label": _("登记"),
                                             "intro": _("登记后即可通过统一身份认证（OpenID Connect）登录本平台用户。")},
                  status=400 if form.errors else 200)


@requires("identity.view")
def client_detail(request, client_id):
    from django.conf import settings

    app = selectors.client(client_id)
    if app is None:
        raise Http404
    shown = request.session.get(SECRET_KEY)
    secret = None
    if shown and shown.get("client_id") == app.client_id:
        secret = shown["secret"]
        del request.session[SECRET_KEY]  # shown once: it is stored only hashed
    profile = getattr(app, "digigov_profile", None)
    return render(request, "identity/client.html", {
        "app": app, "profile": profile, "secret": secret, "issuer": settings.DIGIGOV_SITE_URL,
        "profile_scopes": [actions.SCOPE_LABELS.get(s, s) for s in profile.scopes] if profile else [],
    })


@requires("identity.keys.rotate")
@require_POST
def key_rotate(request):
    row = actions.rotate_signing_key(request.user)
    messages.success(request, _("已启用新的签名密钥（%(kid)s…），原密钥继续发布以验证已签发的令牌") % {"kid": row.kid[:12]})
    return redirect("identity:overview")
