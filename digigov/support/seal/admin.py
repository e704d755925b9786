"""Registry admin of 电子印章: read-only lists. Seals are applied for, made, suspended and revoked in the
workbench (or the API) through ``actions``; keys and DER bodies are never shown here."""

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from .models import Certificate, Seal, SealApplication, Signing

DEPT = "department"
DIV = "department__division"


@register(Seal)
class SealAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "department", "seal_type", "status", "valid_end", "sign_count")
    list_filter = ("seal_type", "status")
    search_fields = ("^code", "name")
    list_select_related = ("department",)
    exclude = ("der", "image_png")
    permission_view = "seal.view"
    scope_department_field = DEPT
    scope_division_field = DIV


@register(SealApplication)
class SealApplicationAdmin(ReadOnlyAdmin):
    list_display = ("name", "department", "seal_type", "status", "created_at", "decided_at")
    list_filter = ("status", "seal_type")
    list_select_related = ("department",)
    permission_view = "seal.view"
    scope_department_field = DEPT
    scope_division_field = DIV


@register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("subject", "kind", "serial", "not_after", "status")
    list_filter = ("kind", "status")
    search_fields = ("subject", "^fingerprint")
    exclude = ("der", "private_sealed")
    permission_view = "seal.view"
    scope_department_field = DEPT
    scope_division_field = DIV


@register(Signing)
class SigningAdmin(ReadOnlyAdmin):
    list_display = ("document_name", "seal", "signer", "kind", "signed_at")
    list_filter = ("kind",)
    list_select_related = ("seal", "signer")
    exclude = ("signature", "token")
    permission_view = "seal.view"
    scope_department_field = "seal__department"
    scope_division_field = "seal__department__division"
