"""The payer's pages (phone first): the order page with its pay button, 我的缴费 with bill downloads, 便民缴费,
the public 票据查验, the sandbox channel's cashier and the channels' notify endpoint.

A refused action re-renders the page with its Chinese message and changes nothing."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core import counters
from digigov.core.errors import DigiGovError, NotFound, RateLimited
from digigov.core.web.decorators import login_only, public, requires
from digigov.core.web.listing import request_keyset
from digigov.core.web.middleware import client_ip

from . import actions, selectors
from .channels import sandbox
from .models import (BillStatus, ConvenienceBill, ConvenienceCategory, OrderStatus, PayableItem, PayableKind, RefundStatus, yuan)

STATUS_BADGE = {OrderStatus.UNPAID: "warn", OrderStatus.PAYING: "warn", OrderStatus.PAID: "ok", OrderStatus.CLOSED: "muted",
                OrderStatus.REFUNDED: "muted", OrderStatus.PARTIALLY_REFUNDED: "ok"}
PAGE = 20
VERIFY_MAX_PER_MINUTE = 20


def _row(order) -> dict:
    bill = getattr(order, "bill", None) if hasattr(order, "bill") else None
    return {"order": order, "amount": yuan(order.amount_cents), "status": order.get_status_display(),
            "badge": STATUS_BADGE.get(order.status, ""), "bill": bill}


def _order_page(request, order, *, error: str = "", status: int = 200):
    bill = selectors.EBill.objects.filter(order=order).first()
    refunds = list(order.refunds.filter(status=RefundStatus.SUCCEEDED).order_by("id"))
    return render(request, "payment/order.html", {
        "o": _row(order), "bill": bill, "error": error, "refunds": [(r, yuan(r.amount_cents)) for r in refunds],
        "can_pay": order.status in (OrderStatus.UNPAID, OrderStatus.PAYING), "refunded": yuan(order.refunded_cents),
    }, status=status)


@requires("payment.pay")
def order_page(request, public_id):
    order = selectors.my_order(request.user, public_id)
    if order.status == OrderStatus.PAYING:
        # back from the cashier: ask the channel, as a real integration does when the notification is late
        try:
            order = actions.query(request.user, order)
        except DigiGovError:
            pass
    return _order_page(request, order)


@requires("payment.pay")
@require_POST
def pay_view(request, public_id):
    order = selectors.my_order(request.user, public_id)
    try:
        url = actions.pay(request.user, order, request.POST.get("channel") or "sandbox")
    except DigiGovError as exc:
        order.refresh_from_db()
        return _order_page(request, order, error=exc.message, status=exc.status if exc.status < 500 else 400)
    return HttpResponseRedirect(url)


@requires("payment.pay")
@require_POST
def close_view(request, public_id):
    order = selectors.my_order(request.user, public_id)
    try:
        actions.close(request.user, order, "缴款人取消")
    except DigiGovError as exc:
        order.refresh_from_db()
        return _order_page(request, order, error=exc.message, status=exc.status if exc.status < 500 else 400)
    return redirect("pay:order", public_id=order.public_id)


@requires("payment.pay")
def my_payments(request):
    rows, next_cursor, after = request_keyset(request, selectors.my_orders(request.user), PAGE)
    return render(request, "payment/my_payments.html", {"rows": [_row(o) for o in rows], "next_cursor": next_cursor, "after": after})


@requires("payment.pay")
def bill_download(request, public_id):
    bill = selectors.my_bill(request.user, public_id)
    return bill_response(bill)


def bill_response(bill) -> HttpResponse:
    response = HttpResponse(bytes(bill.pdf), content_type="application/pdf")
    name = f"电子票据-{bill.bill_code}-{bill.number}.pdf"
    response["Content-Disposition"] = f"attachment; filename=\"bill-{bill.number}.pdf\"; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- 便民缴费 -------------------------------------------------------------------------------------------
@requires("payment.pay")
@require_http_methods(["GET", "POST"])
def convenience(request):
    payees = list(PayableItem.objects.filter(kind=PayableKind.CONVENIENCE, active=True).order_by("category", "name"))
    chosen = next((p for p in payees if p.public_id == (request.GET.get("payee") or request.POST.get("payee"))), None)
    account = (request.GET.get("account") or request.POST.get("account") or "").strip()[:32]
    error, due = "", []
    if chosen and account:
        due = list(ConvenienceBill.objects.filter(payable=chosen, account_no=account, settled_order__isnull=True).order_by("period"))
        if not due:
            error = f"没有查到该{chosen.account_label or '户号'}的待缴账单，请核对后重试"
    elif request.GET.get("account") is not None and chosen is None:
        error = "请选择缴费项目"
    if request.method == "POST" and request.POST.get("bill"):
        bill = ConvenienceBill.objects.filter(public_id=request.POST["bill"][:22], payable=chosen, account_no=account).first()
        if bill is None:
            error = "账单不存在，请重新查询"
        else:
            try:
                order = actions.convenience_order(request.user, bill)
                return redirect("pay:order", public_id=order.public_id)
            except DigiGovError as exc:
                error = exc.message
    groups = [(label, [p for p in payees if p.category == code]) for code, label in ConvenienceCategory.choices]
    return render(request, "payment/convenience.html", {
        "groups": [g for g in groups if g[1]], "chosen": chosen, "account": account, "error": error,
        "due": [(b, yuan(b.amount_due_cents)) for b in due],
    }, status=422 if error and request.method == "POST" else 200)


# --- 票据查验 (public) ----------------------------------------------------------------------------------
def _mask_name(name: str) -> str:
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@public
def bill_verify(request):
    number = (request.GET.get("number") or "").strip()[:20]
    check = (request.GET.get("check_code") or "").strip()[:12]
    bill = result = None
    error = ""
    status = 200
    if number or check:
        from django.conf import settings

        limit = getattr(settings, "PAYMENT_VERIFY_MAX_PER_MINUTE", VERIFY_MAX_PER_MINUTE)
        if limit and counters.hit(f"payment.bill_verify:{client_ip(request)}", 60) > limit:
            raise RateLimited("查验过于频繁，请稍后再试", code="verify_rate_limited")
        bill = selectors.bill_by_number_and_check(number, check)
        if bill is None:
            error, status = "票据号码或校验码不正确，未查到该票据", 404
        else:
            from digigov.support.seal import verify

            try:
                result = verify.verify_document(bytes(bill.pdf))
            except DigiGovError:
                result = None
    return render(request, "payment/bill_verify.html", {
        "number": number, "check_code": check, "bill": bill, "result": result, "error": error,
        "payer": _mask_name(bill.payer_name) if bill else "", "amount": yuan(bill.amount_cents) if bill else "",
        "reversed": bill is not None and bill.status == BillStatus.REVERSED,
    }, status=status)


# --- the sandbox channel's cashier (the channel's page, not ours) ----------------------------------------
@login_only
@require_http_methods(["GET", "POST"])
def sandbox_cashier(request, trade_no):
    t = sandbox.trade(trade_no)
    if t is None:
        raise NotFound("交易不存在", code="not_found")
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("op") == "cancel":
                sandbox.cancel(t.trade_no)
            else:
                sandbox.pay(t.trade_no)
            return HttpResponseRedirect(t.return_path)
        except ValueError as exc:
            error = str(exc)
    t = sandbox.trade(trade_no)
    state = {sandbox.WAIT: "待支付", sandbox.SUCCESS: "已支付", sandbox.CLOSED: "已关闭"}[t.status]
    return render(request, "payment/sandbox_cashier.html", {"t": t, "amount": yuan(t.amount_cents), "state": state,
                                                            "open": t.status == sandbox.WAIT, "error": error},
                  status=409 if error else 200)


# --- the channels' notify endpoint (no session, no CSRF: the signature is the authentication) -------------
@public
@csrf_exempt
@require_POST
def notify(request, channel):
    status, answer, _result = actions.handle_notification(channel, request.body, dict(request.headers))
    return HttpResponse(answer, status=status, content_type="text/plain; charset=utf-8")
