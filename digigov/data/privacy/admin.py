"""Read-only admin: policies are set through ``actions.set_policy`` (the API), spends only by queries."""

from django.contrib import admin

from .models import PrivacyPolicy, PrivacySpend


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PrivacyPolicy)
class PrivacyPolicyAdmin(_ReadOnly):
    list_display = ("entry", "daily_epsilon", "max_query_epsilon", "min_group_count", "updated_at")
    list_select_related = ("entry",)
    search_fields = ("entry__code", "entry__name")


@admin.register(PrivacySpend)
class PrivacySpendAdmin(_ReadOnly):
    list_display = ("day", "app", "entry", "spent", "queries")
    list_select_related = ("app", "entry")
    list_filter = ("day",)

    @admin.display(description="已花费 ε")
    def spent(self, obj):
        return obj.spent
