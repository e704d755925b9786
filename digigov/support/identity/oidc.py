"""django-oauth-toolkit, configured for DigiGov (settings ``OAUTH2_PROVIDER`` names these classes).

* ``Server``: oauthlib's OpenID Connect server with ``S256`` as the only PKCE method. A request without a
  ``code_challenge_method`` counts as ``plain`` (RFC 7636) and is refused like an explicit ``plain``.
* ``Validator``: id_tokens are signed with the active key of ``signing`` (a ``kid`` in the header) instead
  of one PEM from the settings; tokens name the signing key's ``kid`` and are verified against the keys
  the JWKS still publishes. Scopes are limited to what the client was registered for. Claims follow the
  scopes (``claims_for``). An enterprise agent's delegation is attached to the grant and followed into the
  tokens; it is checked again whenever a code, a refresh token or an access token is used.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from django.db import transaction
from django.utils import timezone
from jwcrypto import jws, jwt
from oauthlib.common import Request as OauthlibRequest
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256
from oauthlib.openid import Server as OpenIDServer
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken
from oauth2_provider.oauth2_validators import OAuth2Validator

from digigov.core.accounts import ids
from digigov.core.accounts.models import AgentAuthorization

from . import signing
from .models import Delegation

PKCE_METHODS = {"S256": code_challenge_method_s256}


class Server(OpenIDServer):
    def __init__(self, request_validator, *args, **kwargs):
        super().__init__(request_validator, *args, **kwargs)
        for grant in (self.auth_grant, getattr(self.openid_connect_auth, "proxy_target", None)):
            if grant is not None:
                grant._code_challenge_methods = PKCE_METHODS


def subject(user) -> str:
    """``sub``: the account's public id (stable, not the database sequence number)."""
    return user.public_id


def claims_for(user, scopes, delegation: Delegation | None) -> dict:
    """What the id_token and userinfo say about the user, per granted scope. Personal numbers only
    masked: relying parties that need a full ID number must get it through data sharing, with a purpose."""
    scopes = set(scopes or ())
    claims: dict = {"sub": subject(user), "account_type": user.kind}
    person = getattr(user, "person", None) if user.person_id else None
    if "profile" in scopes:
        claims["name"] = user.display_name
    if "realname" in scopes:
        claims["realname_level"] = int(user.realname_level)
        if person is not None:
            claims["id_number_masked"] = ids.mask_resident_id(person.id_number)
    if "phone" in scopes and person is not None and person.phone:
        claims["phone_number_masked"] = ids.mask_phone(person.phone)
    if "enterprise" in scopes and delegation is not None:
        lp, auth = delegation.legal_person, delegation.authorization
        claims["legal_person"] = {
            "uscc": lp.uscc,
            "name": lp.name,
            "kind": lp.kind,
            "authorization_scope": auth.scope,
            "authorization_valid_until": auth.valid_until.isoformat() if auth.valid_until else None,
        }
        # RFC 8693 §4.1: the account acting on the legal person's behalf
        claims["act"] = {"sub": subject(user)}
    return claims


CLAIMS_SUPPORTED = ["sub", "account_type", "name", "realname_level", "id_number_masked", "phone_number_masked", "legal_person", "act"]


# attributes django-oauth-toolkit reads with getattr() on the oauthlib request, which oauthlib answers from any
# request parameter of that name when they are not set: a token request with ``refresh_token_instance=x`` in
# its body was a 500. They are pinned to None before any grant handling sets them.
_INTERNAL_ATTRIBUTES = ("refresh_token_instance",)


def _scrub(request) -> None:
    for name in _INTERNAL_ATTRIBUTES:
        if name not in request.__dict__:
            setattr(request, name, None)


class Validator(OAuth2Validator):
    # --- the first hooks of every token and revocation request --------------------------------------
    def authenticate_client(self, request, *args, **kwargs):
        _scrub(request)
        return super().authenticate_client(request, *args, **kwargs)

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        _scrub(request)
        return super().authenticate_client_id(client_id, request, *args, **kwargs)

    # --- prompt=none (OpenID Connect Core 3.1.2.1) ------------------------------------------------------
    def validate_silent_login(self, request):
        """Reached only for a signed-in user (the view answers login_required to anonymous ones)."""
        return True

    def validate_silent_authorization(self, request):
        """The consent page is always shown (the user sees which enterprise they act for): never silently."""
        return False

    # --- scopes ----------------------------------------------------------------------------------
    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        if not super().validate_scopes(client_id, scopes, client, request, *args, **kwargs):
            return False
        profile = getattr(client, "digigov_profile", None)
        return profile is not None and set(scopes) <= set(profile.scopes)

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        return ["openid"]

    # --- delegation ------------------------------------------------------------------------------
    def _delegation(self, request) -> Delegation | None:
        qs = Delegation.objects.select_related("authorization", "legal_person")
        at = getattr(request, "access_token", None)
        if isinstance(at, AccessToken):
            return qs.filter(access_token=at).first()
        rt = getattr(request, "refresh_token_instance", None)
        if isinstance(rt, RefreshToken):
            return qs.filter(refresh_token=rt).first()
        if getattr(request, "grant_type", None) == "authorization_code" and getattr(request, "code", None):
            return qs.filter(grant__code=request.code).first()
        return None

    def _create_authorization_code(self, request, code, expires=None):
        grant = super()._create_authorization_code(request, code, expires)
        # set by the consent view through the credentials; oauthlib also answers attribute reads from request
        # parameters, so only an AgentAuthorization object counts (never a value a client sent)
        auth = request.__dict__.get("digigov_agent_authorization")
        if isinstance(auth, AgentAuthorization):
            Delegation.objects.create(authorization=auth, legal_person=auth.legal_person, user=grant.user,
                                      application=grant.application, grant=grant)
        return grant

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            return False
        delegation = Delegation.objects.select_related("authorization", "legal_person").filter(grant__code=code).first()
        return delegation is None or delegation.is_current()

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        delegation = self._delegation(request)
        return delegation is None or delegation.is_current()

    def validate_bearer_token(self, token, scopes, request):
        if not super().validate_bearer_token(token, scopes, request):
            return False
        delegation = self._delegation(request)
        if delegation is not None and not delegation.is_current():
            request.oauth2_error = OrderedDict([("error", "invalid_token"),
                                                ("error_description", "The enterprise agent authorization was revoked or has expired.")])
            return False
        return True

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        access_token = super()._create_access_token(expires, request, token, source_refresh_token)
        request.digigov_new_access_token = access_token
        return access_token

    def _create_refresh_token(self, request, refresh_token_code, access_token, previous_refresh_token):
        refresh_token = super()._create_refresh_token(request, refresh_token_code, access_token, previous_refresh_token)
        request.digigov_new_refresh_token = refresh_token
        return refresh_token

    def _save_bearer_token(self, token, request, *args, **kwargs):
        delegation = self._delegation(request)  # found through the code or the refresh token being used
        super()._save_bearer_token(token, request, *args, **kwargs)
        if delegation is not None:
            new_access = request.__dict__.get("digigov_new_access_token")
            new_refresh = request.__dict__.get("digigov_new_refresh_token")
            delegation.access_token = new_access if isinstance(new_access, AccessToken) else delegation.access_token
            delegation.refresh_token = new_refresh if isinstance(new_refresh, RefreshToken) else delegation.refresh_token
            delegation.save(update_fields=["access_token", "refresh_token"])

    # --- claims ----------------------------------------------------------------------------------
    def get_oidc_claims(self, token, token_handler, request):
        return claims_for(request.user, request.scopes, self._delegation(request))

    def get_discovery_claims(self, request):
        return list(CLAIMS_SUPPORTED)

    def get_userinfo_claims(self, request):
        return claims_for(request.user, request.scopes, self._delegation(request))

    # --- id_token signing with the key set ---------------------------------------------------------
    def finalize_id_token(self, id_token, token, token_handler, request):
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        key_row = signing.active_key()
        header = {"typ": "JWT", "alg": "RS256", "kid": key_row.kid}
        jwt_token = jwt.JWT(header=json.dumps(header), claims=json.dumps(id_token, default=str))
        jwt_token.make_signed_token(signing.private_jwk(key_row))
        with transaction.atomic():
            saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return jwt_token.serialize()

    def _get_key_for_token(self, token):
        """The published public key the token's header names (never a key chosen by the token's payload)."""
        unverified = jws.JWS()
        unverified.deserialize(token)
        header = unverified.jose_header if isinstance(unverified.jose_header, dict) else {}
        if header.get("alg") != "RS256":
            return None
        return signing.verification_key(header.get("kid"))
