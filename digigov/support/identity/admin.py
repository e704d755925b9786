"""Admin for 统一身份认证: read-only. django-oauth-toolkit's own admin classes are removed (they delete,
edit secrets and tokens in place, and speak English); clients are registered through the workbench or
``manage.py oidc_client`` (``actions.create_client``), keys rotated through ``actions.rotate_signing_key``."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from oauth2_provider import models as dot_models

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import ClientProfile, Delegation, SigningKey

for _model in (dot_models.Application, dot_models.AccessToken, dot_models.RefreshToken, dot_models.IDToken, dot_models.Grant,
               dot_models.DeviceGrant):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@register(ClientProfile)
class ClientProfileAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "audience", "client_kind", "scope_labels", "created_at")
    list_filter = ("audience",)
    list_select_related = ("application",)
    permission_view = "identity.view"
    fields = ("application", "client_id", "client_kind", "audience", "scope_labels", "redirect_uris", "created_by", "created_at")
    readonly_fields = ("client_id", "client_kind", "scope_labels", "redirect_uris")
    never_shown = ("allowed_scopes",)  # codes: shown as their Chinese labels (scope_labels)

    @admin.display(description=_("可申请的授权范围"))
    def scope_labels(self, obj):
        from .actions import SCOPE_LABELS

        return "、".join(str(SCOPE_LABELS.get(s, s)) for s in obj.scopes)

    @admin.display(description=_("应用标识"))
    def client_id(self, obj):
        return obj.application.client_id

    @admin.display(description=_("应用类型"))
    def client_kind(self, obj):
        return _("有服务端（持有密钥）") if obj.application.client_type == dot_models.Application.CLIENT_CONFIDENTIAL else _("移动或浏览器应用")

    @admin.display(description=_("回调地址"))
    def redirect_uris(self, obj):
        return obj.application.redirect_uris


@register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ("kid", "algorithm", "status", "created_at", "retired_at")
    list_filter = ("status",)
    permission_view = "identity.view"
    never_shown = ("private_sealed", "public_jwk")


@register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ("user", "legal_person", "application_name", "created_at")
    list_select_related = ("user", "legal_person", "application")
    permission_view = "identity.view"
    never_shown = ("grant", "access_token", "refresh_token", "application")
    readonly_fields = ("application_name",)

    @admin.display(description=_("应用"))
    def application_name(self, obj):
        return obj.application.name
