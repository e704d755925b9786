"""统一身份认证: what DigiGov keeps besides django-oauth-toolkit's own tables (applications, grants, tokens).

* ``ClientProfile`` — a registered relying party's DigiGov side: which scopes it may ask for and whose
  logins it accepts (公众应用 for natural persons and enterprise agents, 政务内部应用 for staff).
* ``SigningKey`` — the RSA keys id_tokens are signed with (RS256, what standard clients speak). The
  private key is stored sealed by the key store (``digigov.security.keys``, SM4-GCM envelope under the
  master key); the database alone never yields it. One key is active; retired keys stay published in
  the JWKS for ``RETIRED_GRACE`` so tokens already issued still verify.
* ``Delegation`` — an enterprise agent's choice, on the consent page, of the legal person they act for.
  It follows the grant into the access and refresh tokens, and is re-checked each time a token is
  issued or used: a voided or expired authorisation stops working at once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

# how long a retired signing key stays in the JWKS (longer than any id_token lives, and than relying
# parties cache the key set)
RETIRED_GRACE = dt.timedelta(days=7)


class Audience(models.TextChoices):
    PUBLIC = "public", _("公众应用（自然人、企业经办人）")
    INTERNAL = "internal", _("政务内部应用（工作人员）")


class ClientProfile(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="digigov_profile", verbose_name=_("应用"))
    audience = models.CharField(_("使用对象"), max_length=16, choices=Audience.choices, default=Audience.PUBLIC)
    allowed_scopes = models.CharField(_("可申请的授权范围"), max_length=200, default="openid profile")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("接入应用")
        verbose_name_plural = _("接入应用")

    def __str__(self) -> str:
        return self.application.name

    @property
    def scopes(self) -> list[str]:
        return self.allowed_scopes.split()


class KeyStatus(models.TextChoices):
    ACTIVE = "active", _("使用中")
    RETIRED = "retired", _("已停用（仍发布验证）")


class SigningKey(models.Model):
    kid = models.CharField(_("密钥标识"), max_length=64, unique=True)
    algorithm = models.CharField(_("算法"), max_length=16, default="RS256")
    status = models.CharField(_("状态"), max_length=16, choices=KeyStatus.choices, default=KeyStatus.ACTIVE)
    public_jwk = models.JSONField(_("公钥"))
    private_sealed = models.BinaryField(_("私钥（密钥库加密）"))
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("令牌签名密钥")
        verbose_name_plural = _("令牌签名密钥")
        ordering = ("-created_at", "-pk")
        constraints = [models.UniqueConstraint(fields=["status"], condition=models.Q(status="active"), name="identity_one_active_key")]

    def __str__(self) -> str:
        return f"{self.algorithm} {self.kid[:12]}"

    @property
    def published_until(self):
        return self.retired_at + RETIRED_GRACE if self.retired_at else None


class Delegation(models.Model):
    authorization = models.ForeignKey("accounts.AgentAuthorization", on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人授权"))
    legal_person = models.ForeignKey("accounts.LegalPerson", on_delete=models.PROTECT, related_name="+", verbose_name=_("代办法人"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人"))
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+", verbose_name=_("应用"))
    grant = models.OneToOneField(Grant, null=True, blank=True, on_delete=models.SET_NULL, related_name="digigov_delegation")
    access_token = models.OneToOneField(AccessToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="digigov_delegation")
    refresh_token = models.OneToOneField(RefreshToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="digigov_delegation")
    created_at = models.DateTimeField(_("授权时间"), default=timezone.now)

    class Meta:
        verbose_name = _("代办登录")
        verbose_name_plural = _("代办登录")

    def __str__(self) -> str:
        return f"{self.user} 代办 {self.legal_person}"

    def is_current(self) -> bool:
        return self.authorization.is_current() and self.legal_person.voided_at is None
