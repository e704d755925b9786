from digigov.core.web.admin_base import ActionAdmin, ReadOnlyAdmin, register

from . import actions
from .models import AgentAuthorization, ApiClient, LegalPerson, LoginAttempt, NaturalPerson, User


@register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "display_name", "kind", "is_active", "date_joined")
    list_filter = ("kind", "is_active")
    search_fields = ("=username", "display_name")
    exclude = ("password",)
    permission_view = "rbac.manage"

    def get_queryset(self, request):
        from digigov.core.rbac.checks import can

        return User.objects.all() if can(request.user, "rbac.manage") else User.objects.none()


@register(NaturalPerson)
class NaturalPersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "id_number_masked", "gender", "birth_date", "division")
    search_fields = ("=id_number", "name")
    exclude = ("id_number", "phone", "address")
    readonly_fields = ("id_number_masked", "phone_masked", "address_masked")
    list_select_related = ("division",)
    permission_view = "accounts.person.view"
    scope_division_field = "division"

    def get_readonly_fields(self, request, obj=None):
        return ("id_number_masked", "phone_masked", "address_masked", "name", "gender", "birth_date", "division", "voided_at", "void_reason")


@register(LegalPerson)
class LegalPersonAdmin(ActionAdmin):
    list_display = ("name", "uscc", "kind", "division")
    search_fields = ("=uscc", "name")
    raw_id_fields = ("division", "legal_representative")
    list_select_related = ("division",)
    permission_view = "accounts.person.view"
    permission_change = "accounts.person.manage"
    scope_division_field = "division"

    def create(self, request, obj, form):
        return actions.register_legal_person(request.user, uscc=obj.uscc, name=obj.name, division=obj.division, kind=obj.kind,
                                             address=obj.address, legal_representative=obj.legal_representative)


@register(AgentAuthorization)
class AgentAuthorizationAdmin(ActionAdmin):
    list_display = ("legal_person", "agent", "scope", "valid_from", "valid_until", "voided_at")
    raw_id_fields = ("legal_person", "agent")
    list_select_related = ("legal_person", "agent")
    permission_view = "accounts.agent.manage"
    permission_change = "accounts.agent.manage"
    scope_division_field = "legal_person__division"

    def create(self, request, obj, form):
        return actions.authorize_agent(request.user, legal_person=obj.legal_person, agent=obj.agent, valid_from=obj.valid_from,
                                       valid_until=obj.valid_until, scope=obj.scope)


@register(ApiClient)
class ApiClientAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "key_prefix", "last_used_at", "voided_at")
    exclude = ("key_hash",)
    permission_view = "accounts.apiclient.manage"


@register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ("username", "ip", "at", "success")
    list_filter = ("success",)
    permission_view = "audit.view"
