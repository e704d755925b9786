"""Scoped reads of the payment app, shared by pages, API and admin.

* ``orders_for_reference(kind, id)`` — the orders of one business object (the contract other apps read);
* ``my_orders(user)`` / ``my_order(user, public_id)`` — the payer's own;
* ``orders(user)`` — staff: ``payment.view`` over the collecting department;
* ``bill_by_number_and_check(number, check_code)`` — the public 票据查验;
* ``totals(period)`` — figures for the statistics slice.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone

from digigov.core.errors import NotFound
from digigov.core.rbac.checks import scope_queryset

from .models import PAID_STATUSES, EBill, OrderStatus, PaymentOrder, ReconciliationItem, ReconciliationRun, Refund, RefundStatus


def orders_for_reference(reference_kind: str, reference_id: str):
    return PaymentOrder.objects.filter(reference_kind=reference_kind, reference_id=str(reference_id)).order_by("-id")


def my_orders(user):
    return PaymentOrder.objects.filter(payer=user).select_related("department", "bill").order_by("-id")


def my_order(user, public_id: str) -> PaymentOrder:
    order = PaymentOrder.objects.filter(payer=user, public_id=str(public_id)[:22]).select_related("department", "payable").first()
    if order is None:
        raise NotFound("缴款单不存在", code="not_found")
    return order


def my_bill(user, public_id: str) -> EBill:
    bill = EBill.objects.filter(order__payer=user, public_id=str(public_id)[:22]).first()
    if bill is None:
        raise NotFound("电子票据不存在", code="not_found")
    return bill


def orders(user, perm: str = "payment.view"):
    return scope_queryset(user, perm, PaymentOrder.objects.all(), department_field="department", division_field=None)


def filter_orders(qs, *, status: str = "", q: str = "", department=None, date_from=None, date_to=None):
    if status in OrderStatus.values:
        qs = qs.filter(status=status)
    q = (q or "").strip()[:40]
    if q:
        qs = qs.filter(Q(number=q) | Q(payment_code=q) | Q(subject__contains=q))
    if department is not None:
        qs = qs.filter(department=department)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def order_for(user, public_id: str, perm: str = "payment.view") -> PaymentOrder:
    order = orders(user, perm).filter(public_id=str(public_id)[:22]).select_related("department", "payer", "payable").first()
    if order is None:
        raise NotFound("缴款单不存在或无权查看", code="not_found")
    return order


def bills(user):
    return scope_queryset(user, "payment.view", EBill.objects.all(), department_field="issuer", division_field=None)


def runs(user):
    return ReconciliationRun.objects.all() if user.is_authenticated else ReconciliationRun.objects.none()


def open_mismatches():
    return ReconciliationItem.objects.filter(resolved_at__isnull=True)


def bill_by_number_and_check(number: str, check_code: str) -> EBill | None:
    """The bill whose number and check code both match (a wrong check code finds nothing, like a wrong number)."""
    from digigov.core.crypto import constant_time_equals

    number, check_code = (number or "").strip(), (check_code or "").strip().upper()
    if not (number.isdigit() and len(number) == 10 and len(check_code) == 6):
        return None
    bill = EBill.objects.filter(number=number).select_related("issuer", "seal", "order").first()
    if bill is None or not constant_time_equals(bill.check_code, check_code):
        return None
    return bill


def _period_range(period) -> tuple[dt.datetime, dt.datetime]:
    """``period``: a date (that day), a (start, end) pair of dates (end inclusive), or "YYYY-MM" (a month)."""
    tz = timezone.get_current_timezone()
    if isinstance(period, str) and len(period) == 7:
        y, m = int(period[:4]), int(period[5:])
        start = dt.date(y, m, 1)
        end = dt.date(y + (m == 12), m % 12 + 1, 1)
    elif isinstance(period, (tuple, list)):
        start, end = period[0], period[1] + dt.timedelta(days=1)
    else:
        start, end = period, period + dt.timedelta(days=1)
    return dt.datetime.combine(start, dt.time.min, tzinfo=tz), dt.datetime.combine(end, dt.time.min, tzinfo=tz)


def totals(period) -> dict:
    """Figures of ``period`` for the statistics page: orders opened, orders paid and the paid amount, refunds."""
    start, end = _period_range(period)
    opened = PaymentOrder.objects.filter(created_at__gte=start, created_at__lt=end).count()
    paid = PaymentOrder.objects.filter(paid_at__gte=start, paid_at__lt=end, status__in=PAID_STATUSES).aggregate(
        n=Count("id"), cents=Sum("amount_cents"))
    refunds = Refund.objects.filter(settled_at__gte=start, settled_at__lt=end, status=RefundStatus.SUCCEEDED).aggregate(
        n=Count("id"), cents=Sum("amount_cents"))
    return {"orders": opened, "paid_orders": paid["n"] or 0, "paid_cents": paid["cents"] or 0,
            "refunds": refunds["n"] or 0, "refunded_cents": refunds["cents"] or 0,
            "bills": EBill.objects.filter(issued_at__gte=start, issued_at__lt=end).count()}
