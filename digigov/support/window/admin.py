"""Registry admin of the comprehensive window: halls are created and changed through ``actions`` (scoped,
audited); tickets, receptions and deliveries are read-only here (they are made at the window)."""

from digigov.core.web.admin_base import ActionAdmin, ReadOnlyAdmin, register

from .actions import halls as hall_actions
from .models import Delivery, QueueTicket, Reception, ServiceHall


@register(ServiceHall)
class ServiceHallAdmin(ActionAdmin):
    list_display = ("name", "division", "counters", "voided_at")
    search_fields = ("name",)
    autocomplete_fields = ("division",)
    list_select_related = ("division",)
    permission_view = "window.view"
    permission_change = "window.manage"
    scope_department_field = None
    scope_division_field = "division"
    editable_fields = ("name", "address", "counters")
    exclude = ("voided_at", "void_reason", "voided_by")

    def create(self, request, obj, form):
        return hall_actions.create_hall(request.user, name=obj.name, division=obj.division, address=obj.address, counters=obj.counters)

    def update(self, request, obj, form):
        return hall_actions.update_hall(request.user, obj, name=obj.name, address=obj.address, counters=obj.counters)


@register(QueueTicket)
class QueueTicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "hall", "day", "category", "status", "counter", "called_at")
    list_filter = ("status", "category")
    list_select_related = ("hall",)
    permission_view = "window.view"
    scope_department_field = None
    scope_division_field = "hall__division"


@register(Reception)
class ReceptionAdmin(ReadOnlyAdmin):
    list_display = ("hall", "clerk", "applicant_kind", "case", "created_at", "finished_at")
    list_select_related = ("hall", "clerk", "case")
    permission_view = "window.view"
    scope_department_field = None
    scope_division_field = "hall__division"
    exclude = ("person", "legal_person")


@register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("case", "hall", "method", "status", "handed_at")
    list_filter = ("status", "method")
    list_select_related = ("case", "hall")
    permission_view = "window.view"
    scope_department_field = None
    scope_division_field = "hall__division"
    exclude = ("address", "phone")
