"""The identity provider's part of the 密评 self-check (``registry.register_assessment_control``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from digigov.core.registry import AssessmentControl, Finding, register_assessment_control

MAX_KEY_AGE = dt.timedelta(days=365)


def token_signing(request) -> Finding:
    """Identity tokens for third-party apps (应用和数据安全·身份鉴别): the active signing key opens from the
    key store and its signature verifies with the key the JWKS publishes; PKCE is required; the key is
    younger than a year. RS256 is what standard OIDC clients verify, not an SM2 signature, hence partial."""
    from jwcrypto import jwk, jws

    from . import signing
    from .models import KeyStatus, SigningKey

    rows = list(SigningKey.objects.filter(status=KeyStatus.ACTIVE))
    pkce = bool(settings.OAUTH2_PROVIDER.get("PKCE_REQUIRED"))
    if not rows:
        return Finding("partial", f"尚未生成身份令牌签名密钥（首次签发令牌时生成）；PKCE：{'强制' if pkce else '未强制'}。")
    row = rows[0]
    probe = jws.JWS(b"digigov-assessment")
    try:
        probe.add_signature(signing.private_jwk(row), alg=row.algorithm, protected={"alg": row.algorithm, "kid": row.kid})
        check = jws.JWS()
        check.deserialize(probe.serialize())
        check.verify(jwk.JWK(**row.public_jwk))
        works = True
    except Exception:  # noqa: BLE001 — any failure to open, sign or verify is the finding
        works = False
    age = timezone.now() - row.created_at
    facts = (f"令牌签名密钥 {row.algorithm}（{row.kid[:8]}…）私钥经密钥库 SM4-GCM 加密保存，"
             f"{'解封、签名并以公开密钥验证通过' if works else '无法解封或签名验证失败'}；已使用 {age.days} 天；"
             f"授权码流程 PKCE：{'强制 S256' if pkce else '未强制'}；令牌库中只存摘要。")
    if not works or not pkce:
        return Finding("not_met", facts)
    if age > MAX_KEY_AGE:
        return Finding("partial", facts + "签名密钥超过一年未轮换。")
    return Finding("partial", facts + "身份令牌采用通用客户端支持的 RS256，而非 SM2 签名。")


register_assessment_control(AssessmentControl("app.identity_tokens", "应用和数据安全", "身份鉴别（统一身份认证令牌）", token_signing, 45))
