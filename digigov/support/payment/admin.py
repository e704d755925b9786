"""Registry admin of payments: read-only. Orders are made by the business that charges (``actions.create_order``),
paid by the channel's signed notification, refunded and reconciled on the workbench (``/workbench/support/payments/``),
so the admin only lets staff look an order, refund, bill or reconciliation run up — never change one (an amount
never changes after an order is made: the database refuses it as well). Payers' names are not searchable, and the
channel's raw notifications are not shown."""

from django.contrib import admin

from digigov.core.web.admin_base import ReadOnlyAdmin, register

from . import channels
from .models import EBill, PayableItem, PaymentOrder, ReconciliationRun, Refund, yuan


def channel_label(code: str) -> str:
    """The channel's Chinese name (模拟支付渠道), never its code."""
    return dict(channels.choices()).get(code, "—") if code else "—"


@register(PayableItem)
class PayableItemAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "kind", "category", "department", "standard", "active")
    list_filter = ("kind", "category", "active")
    search_fields = ("^name", "=code")
    list_select_related = ("department",)
    permission_view = "payment.view"
    public_registry = True  # the list of payable items is published to every payer
    scope_department_field = "department"
    scope_division_field = None

    @admin.display(description="收费标准（元）")
    def standard(self, obj):
        return yuan(obj.standard_cents)


@register(PaymentOrder)
class PaymentOrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "subject", "department", "amount", "status", "channel_name", "created_at", "paid_at")
    list_filter = ("status",)
    search_fields = ("=number", "=payment_code")
    list_select_related = ("department",)
    date_hierarchy = "created_at"
    permission_view = "payment.view"
    scope_department_field = "department"
    scope_division_field = None
    never_shown = ("payer", "created_by", "idempotency_key", "amount_cents", "refunded_cents", "channel")
    readonly_fields = ("amount", "refunded", "channel_name")

    @admin.display(description="支付渠道")
    def channel_name(self, obj):
        return channel_label(obj.channel)

    @admin.display(description="金额（元）")
    def amount(self, obj):
        return yuan(obj.amount_cents)

    @admin.display(description="已退金额（元）")
    def refunded(self, obj):
        return yuan(obj.refunded_cents)


@register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("out_refund_no", "order", "amount", "status", "automatic", "settled_at")
    list_filter = ("status", "automatic")
    search_fields = ("=out_refund_no",)
    list_select_related = ("order",)
    permission_view = "payment.view"
    scope_department_field = "order__department"
    scope_division_field = None
    never_shown = ("requested_by", "trade", "amount_cents")
    readonly_fields = ("amount",)

    @admin.display(description="退款金额（元）")
    def amount(self, obj):
        return yuan(obj.amount_cents)


@register(EBill)
class EBillAdmin(ReadOnlyAdmin):
    list_display = ("number", "bill_code", "issuer", "amount", "status", "issued_at")
    list_filter = ("status",)
    search_fields = ("=number",)
    list_select_related = ("issuer",)
    date_hierarchy = "issued_at"
    permission_view = "payment.view"
    scope_department_field = "issuer"
    scope_division_field = None
    never_shown = ("pdf", "payer_name", "amount_cents", "order", "seal", "items")
    readonly_fields = ("amount",)

    @admin.display(description="金额（元）")
    def amount(self, obj):
        return yuan(obj.amount_cents)


@register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin):
    list_display = ("day", "channel_name", "ours_count", "channel_count", "matched_count", "mismatch_count")
    date_hierarchy = "day"
    permission_view = "payment.view"  # a run covers every department's trades: unscoped grants only
    never_shown = ("started_by", "channel")
    readonly_fields = ("channel_name",)

    @admin.display(description="支付渠道")
    def channel_name(self, obj):
        return channel_label(obj.channel)
