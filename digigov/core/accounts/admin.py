from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from digigov.core.pii import blind
from digigov.core.rbac.checks import can, scope_queryset
from digigov.core.web.admin_base import MAX_SEARCH_TERM, ActionAdmin, ReadOnlyAdmin, register

from . import actions, ids
from .models import AgentAuthorization, ApiClient, LegalPerson, LoginAttempt, NaturalPerson, User, UserKind


@register(User)
class UserAdmin(ReadOnlyAdmin):
    """Accounts in reach: a department admin sees the staff of its department subtree (by their post),
    never the city's citizens; only an unscoped grant lists every account. The password hash is
    never shown (``admin_base.SECRET_FIELDS``)."""

    list_display = ("username", "display_name", "kind", "is_active", "date_joined")
    list_filter = ("kind", "is_active")
    search_fields = ("=username", "^display_name")
    sortable_by = ("username",)
    exclude = ("password", "groups", "user_permissions")
    permission_view = "rbac.manage"
    scope_department_field = "staff__department"
    scope_division_field = "staff__department__division"

    # pickers of another admin's form that must find accounts no changelist lists to their user:
    # (app, model, field) → (permission, which accounts). Matched by exact username only (no listing,
    # no prefix: accounts are not enumerable through them).
    PICKERS = {
        ("accounts", "agentauthorization", "agent"): ("accounts.agent.manage", Q(kind=UserKind.PERSON)),  # 经办人: a citizen
        ("org", "staffmember", "user"): ("org.manage", Q(kind=UserKind.STAFF, staff__isnull=True)),  # a staff account without a post
    }

    def _picker(self, request) -> Q | None:
        get = getattr(request, "GET", {})
        if not getattr(request, "path", "").endswith("/autocomplete/"):
            return None
        rule = self.PICKERS.get((get.get("app_label"), get.get("model_name"), get.get("field_name")))
        if rule is None or not can(request.user, rule[0]):
            return None
        return rule[1]

    def has_view_permission(self, request, obj=None):
        if obj is None and self._picker(request) is not None:
            return True
        return super().has_view_permission(request, obj)

    def get_queryset(self, request):
        which = self._picker(request)
        if which is not None:
            return User.objects.filter(which, is_active=True).order_by("pk")
        return super().get_queryset(request)

    def get_search_results(self, request, queryset, search_term):
        if self._picker(request) is not None:
            term = (search_term or "").strip()[:64]
            return (queryset.filter(username=term) if term else queryset.none()), False
        return super().get_search_results(request, queryset, search_term)


def _division_scope(request, perm, qs):
    return scope_queryset(request.user, perm, qs, None, "division")


@register(NaturalPerson)
class NaturalPersonAdmin(ReadOnlyAdmin):
    """Personal fields are always masked here, for every role: reading them in clear is the workbench's
    「查看明文」 (a purpose is asked and the read is audited), linked from the change page.

    Search is by name prefix (indexed); an exact 公民身份号码 finds a person only for roles holding
    ``accounts.pii.view`` over that person, and each such lookup is audited as a personal-data read."""

    list_display = ("name", "masked_id_number", "gender", "division")
    search_fields = ("^name",)
    sortable_by = ()
    list_select_related = ("division",)
    permission_view = "accounts.person.view"
    scope_division_field = "division"
    fields = ("name", "masked_id_number", "masked_phone", "masked_address", "gender", "birth_date", "division", "voided_at",
              "void_reason", "reveal_link")

    @admin.display(description="公民身份号码（脱敏）")
    def masked_id_number(self, obj):
        return obj.id_number_masked

    @admin.display(description="手机号码（脱敏）")
    def masked_phone(self, obj):
        return obj.phone_masked

    @admin.display(description="住址（脱敏）")
    def masked_address(self, obj):
        return obj.address_masked

    @admin.display(description="明文")
    def reveal_link(self, obj):
        return format_html('<a href="{}">在工作台查看（须说明用途，记入审计日志）</a>', reverse("accounts:person", args=[obj.public_id]))

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_search_results(self, request, queryset, search_term):
        term = (search_term or "").strip()[:MAX_SEARCH_TERM].upper()
        if len(term) == 18 and ids.resident_id_error(term) is None:
            if not can(request.user, "accounts.pii.view"):
                return queryset.none(), False
            found = list(_division_scope(request, "accounts.pii.view", queryset).filter(blind(NaturalPerson, "id_number", term))[:1])
            if found:
                from digigov.core.audit.actions import record_pii_read

                record_pii_read(request.user, found[0], ("id_number",), "管理后台按公民身份号码查询")
                return queryset.filter(pk=found[0].pk), False
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


@register(LegalPerson)
class LegalPersonAdmin(ActionAdmin):
    list_display = ("name", "uscc", "kind", "division")
    search_fields = ("=uscc", "^name")
    sortable_by = ()
    autocomplete_fields = ("division", "legal_representative")
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
    autocomplete_fields = ("legal_person", "agent")
    list_select_related = ("legal_person", "agent")
    permission_view = "accounts.agent.manage"
    permission_change = "accounts.agent.manage"
    scope_division_field = "legal_person__division"

    def create(self, request, obj, form):
        return actions.authorize_agent(request.user, legal_person=obj.legal_person, agent=obj.agent, valid_from=obj.valid_from,
                                       valid_until=obj.valid_until, scope=obj.scope)


@register(ApiClient)
class ApiClientAdmin(ReadOnlyAdmin):
    """Machine callers belong to no department: only an unscoped grant lists them. The key digest is never shown."""

    list_display = ("name", "user", "key_prefix", "last_used_at", "voided_at")
    list_select_related = ("user",)
    search_fields = ("^name",)
    exclude = ("key_hash",)
    permission_view = "accounts.apiclient.manage"


@register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ("username", "ip", "at", "success")
    list_filter = ("success",)
    search_fields = ("=username", "=ip")
    sortable_by = ("at",)
    permission_view = "audit.view"
