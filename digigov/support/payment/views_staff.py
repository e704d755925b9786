"""Staff pages at ``/workbench/support/payments/``: orders (filters, pinned query count), an order's detail with
the refund form, e-bills, reconciliation runs with their mismatches and the resolve form."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from digigov.core.errors import DigiGovError, NotFound, ValidationFailed
from digigov.core.rbac.checks import WHOLE_CITY, can
from digigov.core.web.decorators import requires
from digigov.core.web.listing import request_keyset

from . import actions, selectors
from .models import MismatchKind, OrderStatus, ReconciliationItem, ReconciliationRun, RefundStatus, yuan
from .views import STATUS_BADGE, bill_response

PAGE = 30


def _date(value):
    try:
        return dt.date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        return None


@requires("payment.view")
def orders(request):
    qs = selectors.orders(request.user).select_related("department")
    f = {"status": request.GET.get("status", "")[:20], "q": request.GET.get("q", "")[:40],
         "date_from": _date(request.GET.get("from")), "date_to": _date(request.GET.get("to"))}
    rows, next_cursor, after = request_keyset(request, selectors.filter_orders(qs, **f), PAGE)
    return render(request, "payment/staff/orders.html", {
        "rows": [{"order": o, "amount": yuan(o.amount_cents), "status": o.get_status_display(), "badge": STATUS_BADGE.get(o.status, "")}
                 for o in rows],
        "f": f, "statuses": OrderStatus.choices, "next_cursor": next_cursor, "after": after,
        "date_from": request.GET.get("from", "")[:10], "date_to": request.GET.get("to", "")[:10],
        "can_reconcile": can(request.user, "payment.reconcile", WHOLE_CITY),
    })


def _detail(request, order, *, error: str = "", status: int = 200, posted=None):
    refunds = list(order.refunds.select_related("requested_by").order_by("id"))
    return render(request, "payment/staff/order.html", {
        "o": order, "amount": yuan(order.amount_cents), "refunded": yuan(order.refunded_cents), "status": order.get_status_display(),
        "badge": STATUS_BADGE.get(order.status, ""), "refundable": yuan(order.refundable_cents),
        "can_refund": order.refundable_cents > 0 and actions.can_manage(request.user, order),
        "refunds": [{"r": r, "amount": yuan(r.amount_cents), "ok": r.status == RefundStatus.SUCCEEDED} for r in refunds],
        "trades": list(order.trades.order_by("id")), "bill": selectors.EBill.objects.filter(order=order).first(),
        "notifications": list(order.notifications.order_by("-id")[:10]), "error": error, "posted": posted or {},
    }, status=status)


@requires("payment.view")
def order_detail(request, public_id):
    return _detail(request, selectors.order_for(request.user, public_id))


def _yuan_to_cents(text: str) -> int:
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        raise ValidationFailed("退款金额应为数字，如 12.50", code="invalid_amount", detail={"field": "amount"}) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValidationFailed("退款金额最多保留两位小数", code="invalid_amount", detail={"field": "amount"})
    return int(value * 100)


@requires("payment.manage")
@require_POST
def refund(request, public_id):
    order = selectors.order_for(request.user, public_id)
    try:
        cents = _yuan_to_cents(request.POST.get("amount", ""))
        actions.refund(request.user, order, cents, request.POST.get("reason", ""))
    except DigiGovError as exc:
        order.refresh_from_db()
        return _detail(request, order, error=exc.message, status=exc.status if exc.status < 500 else 400, posted=request.POST)
    messages.success(request, "退款已办理")
    return redirect("payment_staff:order", public_id=order.public_id)


@requires("payment.view")
def bills(request):
    qs = selectors.bills(request.user).select_related("issuer", "order").order_by("-id")
    q = request.GET.get("q", "").strip()[:20]
    if q:
        qs = qs.filter(number=q)
    rows = list(qs[:PAGE])
    return render(request, "payment/staff/bills.html", {"rows": [(b, yuan(b.amount_cents)) for b in rows], "q": q})


@requires("payment.view")
def bill_download(request, public_id):
    bill = selectors.bills(request.user).filter(public_id=public_id[:22]).first()
    if bill is None:
        raise NotFound("电子票据不存在或无权查看", code="not_found")
    return bill_response(bill)


@requires("payment.reconcile")
def runs(request):
    rows = list(ReconciliationRun.objects.select_related("started_by").order_by("-day", "-id")[:60])
    return render(request, "payment/staff/runs.html", {
        "rows": [{"run": r, "ours": yuan(r.ours_cents), "theirs": yuan(r.channel_cents)} for r in rows],
        "can_reconcile": can(request.user, "payment.reconcile", WHOLE_CITY),
        "yesterday": (timezone.localdate() - dt.timedelta(days=1)).isoformat(), "error": "",
    })


@requires("payment.reconcile")
@require_POST
def start_run(request):
    day = _date(request.POST.get("day"))
    try:
        if day is None:
            raise ValidationFailed("请选择对账日期", code="day_required")
        run = actions.reconcile(request.user, day, "sandbox")
    except DigiGovError as exc:
        rows = list(ReconciliationRun.objects.select_related("started_by").order_by("-day", "-id")[:60])
        return render(request, "payment/staff/runs.html", {
            "rows": [{"run": r, "ours": yuan(r.ours_cents), "theirs": yuan(r.channel_cents)} for r in rows], "can_reconcile": True,
            "yesterday": (timezone.localdate() - dt.timedelta(days=1)).isoformat(), "error": exc.message}, status=exc.status)
    return redirect("payment_staff:run", public_id=run.public_id)


def _run_page(request, run, *, error: str = "", status: int = 200):
    items = list(run.items.select_related("order", "resolved_by").order_by("id"))
    return render(request, "payment/staff/run.html", {
        "run": run, "ours": yuan(run.ours_cents), "theirs": yuan(run.channel_cents),
        "items": [{"i": i, "kind": i.get_kind_display(), "our": yuan(i.our_cents), "their": yuan(i.channel_cents),
                   "our_status": _status_label(i.our_status), "their_status": _status_label(i.channel_status)} for i in items],
        "can_resolve": can(request.user, "payment.reconcile", WHOLE_CITY), "error": error, "kinds": MismatchKind.choices,
    }, status=status)


STATUS_WORDS = {"paid": "已支付", "refunded": "已退款", "partially_refunded": "部分退款", "created": "待支付", "closed": "已关闭", "": "—"}


def _status_label(code: str) -> str:
    return STATUS_WORDS.get(code, "其他")


@requires("payment.reconcile")
def run_detail(request, public_id):
    run = ReconciliationRun.objects.filter(public_id=public_id[:22]).first()
    if run is None:
        raise NotFound("对账批次不存在", code="not_found")
    return _run_page(request, run)


@requires("payment.reconcile")
@require_POST
def resolve(request, public_id):
    item = ReconciliationItem.objects.filter(public_id=public_id[:22]).select_related("run").first()
    if item is None:
        raise NotFound("对账差异不存在", code="not_found")
    try:
        actions.resolve_item(request.user, item, request.POST.get("resolution", ""))
    except DigiGovError as exc:
        return _run_page(request, item.run, error=exc.message, status=exc.status)
    messages.success(request, "差异已处理")
    return redirect("payment_staff:run", public_id=item.run.public_id)
