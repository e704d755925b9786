"""Every write of 统一身份认证: client registration, signing keys, consent (permission, validation with Chinese
field errors, one transaction, one audit entry). Tokens and grants are written by django-oauth-toolkit
through ``oidc.Validator``; what DigiGov adds to them (the delegation) is written there too."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from digigov.core.accounts.actions import acting_for
from digigov.core.accounts.models import AgentAuthorization, LegalPerson, User
from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.validators import clean_name

from . import signing
from .models import Audience, ClientProfile, KeyStatus, SigningKey

SCOPE_LABELS = {
    "openid": "登录身份标识",
    "profile": "姓名",
    "realname": "实名信息（脱敏身份证号、实名等级）",
    "phone": "手机号码（脱敏）",
    "enterprise": "代办企业（法人）信息",
}
MAX_URIS = 10
LOOPBACK_HOSTS = {"localhost"}


def _refuse(message: str, field: str, code: str = "invalid"):
    raise ValidationFailed(message, code=code, detail={"field": field})


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def clean_redirect_uris(value, field: str = "redirect_uris", *, required: bool = True) -> list[str]:
    """Absolute http(s) addresses, matched exactly at login (RFC 9700: no wildcards, no fragments).
    Plain http only to this machine (development apps); everything else must be https."""
    items = value.split() if isinstance(value, str) else [str(v).strip() for v in (value or []) if str(v).strip()]
    if not items:
        if required:
            _refuse("请填写至少一个回调地址", field, "redirect_uri_required")
        return []
    if len(items) > MAX_URIS:
        _refuse(f"回调地址最多{MAX_URIS}个", field, "too_many_uris")
    out = []
    for uri in items:
        if len(uri) > 500:
            _refuse("回调地址过长（最多500个字符）", field, "invalid_redirect_uri")
        parts = urlsplit(uri)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            _refuse(f"回调地址“{uri[:80]}”不是完整的网址（应以 https:// 开头）", field, "invalid_redirect_uri")
        if parts.fragment or "#" in uri:
            _refuse(f"回调地址“{uri[:80]}”不能包含“#”片段", field, "invalid_redirect_uri")
        if "*" in uri:
            _refuse("回调地址不能使用通配符，须逐个登记", field, "invalid_redirect_uri")
        if parts.username or parts.password:
            _refuse("回调地址不能包含用户名或密码", field, "invalid_redirect_uri")
        if parts.scheme == "http" and not _is_loopback(parts.hostname):
            _refuse(f"回调地址“{uri[:80]}”须使用 https（仅本机调试地址可用 http）", field, "insecure_redirect_uri")
        if uri not in out:
            out.append(uri)
    return out


def clean_scopes(value, field: str = "scopes") -> list[str]:
    items = value.split() if isinstance(value, str) else list(value or [])
    unknown = [s for s in items if s not in SCOPE_LABELS]
    if unknown:
        _refuse("授权范围不存在：" + "、".join(str(u)[:20] for u in unknown[:3]), field, "invalid_scope")
    if "openid" not in items:
        items = ["openid", *items]
    return [s for s in SCOPE_LABELS if s in items]  # the registry's order, no duplicates


@transaction.atomic
def create_client(actor, *, name: str, redirect_uris, public: bool = False, scopes=("openid", "profile"),
                  audience: str = Audience.PUBLIC, post_logout_redirect_uris=()) -> tuple[Application, str | None]:
    """Register a relying party. Returns the application and its client secret in clear — shown once,
    stored only hashed by django-oauth-toolkit — or ``None`` for a public client (a mobile or browser app
    that cannot keep a secret: it proves itself with PKCE alone)."""
    require(actor, "identity.client.manage", WHOLE_CITY)
    name = clean_name(name, "name", "应用名称", 100)
    uris = clean_redirect_uris(redirect_uris)
    logout_uris = clean_redirect_uris(post_logout_redirect_uris, "post_logout_redirect_uris", required=False)
    scope_list = clean_scopes(scopes)
    if audience not in Audience.values:
        _refuse("请选择使用对象", "audience", "invalid_audience")
    if Application.objects.filter(name=name).exists():
        raise Conflict("已有同名的接入应用", code="client_exists", detail={"field": "name"})
    secret = None if public else generate_client_secret()
    app = Application(
        name=name,
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(uris),
        post_logout_redirect_uris=" ".join(logout_uris),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,
        hash_client_secret=True,
        client_secret=secret if secret else generate_client_secret(),  # a public client's is never handed out
    )
    app.save()
    profile = ClientProfile.objects.create(application=app, audience=audience, allowed_scopes=" ".join(scope_list), created_by=actor)
    record(actor, "identity.client.create", app, object_repr=name, after={
        "name": name, "client_id": app.client_id, "client_type": app.client_type, "redirect_uris": uris,
        "post_logout_redirect_uris": logout_uris, "scopes": scope_list, "audience": profile.audience,
    })
    return app, secret


def _new_key() -> SigningKey:
    from digigov.security.keys import api as keys

    kid, pem, public = signing.generate()
    return SigningKey.objects.create(kid=kid, public_jwk=public, private_sealed=keys.seal(signing.PURPOSE, pem, aad=signing.aad(kid)))


@transaction.atomic
def ensure_signing_key(actor) -> SigningKey:
    """The active key, made if there is none (the first use, or a new installation)."""
    require(actor, "identity.keys.rotate", WHOLE_CITY)
    row = SigningKey.objects.select_for_update().filter(status=KeyStatus.ACTIVE).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            row = _new_key()
    except IntegrityError:  # made by a parallel first user
        return SigningKey.objects.get(status=KeyStatus.ACTIVE)
    record(actor, "identity.key.create", row, after={"kid": row.kid, "algorithm": row.algorithm})
    return row


@transaction.atomic
def rotate_signing_key(actor) -> SigningKey:
    """A new active key; the old one is retired but stays in the JWKS for ``RETIRED_GRACE`` so id_tokens
    it signed still verify. Relying parties pick the new key up by its ``kid``."""
    require(actor, "identity.keys.rotate", WHOLE_CITY)
    old = SigningKey.objects.select_for_update().filter(status=KeyStatus.ACTIVE).first()
    if old is not None:
        old.status = KeyStatus.RETIRED
        old.retired_at = timezone.now()
        old.save(update_fields=["status", "retired_at"])
    row = _new_key()
    record(actor, "identity.key.rotate", row, before={"kid": old.kid} if old else None, after={"kid": row.kid, "algorithm": row.algorithm})
    return row


def agent_authorization(user: User, legal_person_public_id: str) -> AgentAuthorization:
    """The user's current authorisation to act for the legal person chosen on the consent page."""
    lp = LegalPerson.objects.filter(public_id=legal_person_public_id, voided_at__isnull=True).first() if legal_person_public_id else None
    if lp is None or lp not in acting_for(user):
        _refuse("请选择您获授权代办的企业", "legal_person", "not_an_agent")
    today = timezone.localdate()
    for auth in AgentAuthorization.objects.active().filter(agent=user, legal_person=lp):
        if auth.is_current(today):
            return auth
    _refuse("请选择您获授权代办的企业", "legal_person", "not_an_agent")


@transaction.atomic
def record_consent(user: User, application: Application, scopes: list[str], authorization: AgentAuthorization | None) -> None:
    """The user agreed to give the application these scopes (and, for an agent, to act for the enterprise).
    Users consent for themselves only: no role is needed, the actor is the signed-in user."""
    after = {"client": application.name, "scopes": scopes}
    if authorization is not None:
        after["legal_person"] = {"uscc": authorization.legal_person.uscc, "name": authorization.legal_person.name}
    record(user, "identity.consent", application, object_repr=application.name, after=after)
