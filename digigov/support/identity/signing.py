"""RS256 signing keys for id_tokens: generation, the active key, the published key set.

The private key is kept as PKCS#8 PEM sealed by the key store under the purpose ``oidc.signing`` and bound
to its row (the ``kid`` is the associated data), so a sealed key copied onto another row does not open.
Opened keys are cached per process by ``kid`` (a key never changes once made).
"""

from __future__ import annotations

import json
import threading

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone
from jwcrypto import jwk

from .models import RETIRED_GRACE, KeyStatus, SigningKey

PURPOSE = "oidc.signing"
RSA_BITS = 2048

_lock = threading.Lock()
_private: dict[str, jwk.JWK] = {}


def aad(kid: str) -> bytes:
    return f"identity.signingkey\0{kid}".encode()


def generate() -> tuple[str, bytes, dict]:
    """A new RSA key: (kid, private PKCS#8 PEM, public JWK). The kid is the RFC 7638 thumbprint."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    key = jwk.JWK.from_pem(pem)
    kid = key.thumbprint()
    public = json.loads(key.export_public())
    public.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return kid, pem, public


def private_jwk(row: SigningKey) -> jwk.JWK:
    cached = _private.get(row.kid)
    if cached is not None:
        return cached
    from digigov.security.keys import api as keys

    pem = keys.unseal(PURPOSE, bytes(row.private_sealed), aad=aad(row.kid))
    key = jwk.JWK.from_pem(pem)
    with _lock:
        _private[row.kid] = key
    return key


def active_key() -> SigningKey:
    """The key new id_tokens are signed with; the first one is made (by the system account) on first use."""
    row = SigningKey.objects.filter(status=KeyStatus.ACTIVE).first()
    if row is None:
        from . import actions
        from digigov.core.context import acting_as, current_actor
        from digigov.core.rbac.system import system_account

        ctx = current_actor()
        system = system_account()
        with acting_as(system, channel="system", ip=ctx.ip, request_id=ctx.request_id):
            row = actions.ensure_signing_key(system)
    return row


def published_keys() -> list[SigningKey]:
    """Active key first, then retired keys still inside their grace period."""
    since = timezone.now() - RETIRED_GRACE
    active = active_key()
    retired = SigningKey.objects.filter(status=KeyStatus.RETIRED, retired_at__gte=since).order_by("-retired_at")
    return [active, *retired]


def jwks() -> dict:
    return {"keys": [dict(k.public_jwk) for k in published_keys()]}


def verification_key(kid: str | None) -> jwk.JWK | None:
    """The public key a token names in its header, if it is still published."""
    if not kid:
        return None
    for row in published_keys():
        if row.kid == kid:
            return jwk.JWK(**row.public_jwk)
    return None
