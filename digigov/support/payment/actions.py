"""Every write of the payment app: orders, paying, notifications, query/close, refunds, reconciliation, e-bills.

The contract other apps call (``create_order``):

    order = create_order(actor, payer=user, subject="…", amount_cents=2000, department=dept,
                         reference_kind="onestop.application", reference_id=app.public_id)

* a repeat with the same ``reference_kind``/``reference_id`` while an order is open (待缴费/支付中) returns that
  order (the same amount; a different amount is a ``Conflict``); a repeat with the same ``idempotency_key`` of
  the same payer returns the first order whatever its state;
* ``actor`` is the payer (``payment.pay``), staff with ``payment.manage`` over the department, or the system
  account (a process);
* the amount never changes afterwards (``PaymentOrder.save`` and a database trigger refuse it).

Paying: ``pay`` opens (or re-uses, for a double click) a channel trade and answers the cashier URL. The channel
tells us the result by a signed notification (``handle_notification``, run as the system account): verified,
idempotent (a repeated notification changes nothing and is acknowledged), refused when the amount differs,
``signals.order_paid`` sent once, in the transaction that marks the order paid. A payment that reaches us for
an order already closed (the payer paid in a cashier left open while the order expired or was closed and the
channel could not be told) is refunded automatically in full (``Refund.automatic``) and the order stays closed.
``query`` asks the channel when no notification came (the order page does it when the payer comes back).

After a payment the e-bill (``issue_bill``) is issued by a task after the commit: a PDF sealed with the
collecting department's seal through ``seal.documents.sign_pdf``; a failed issuance is retried by the hourly
job, the payment itself never waits on it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.context import acting_as, current_actor
from digigov.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from digigov.core.rbac.checks import WHOLE_CITY, can, require
from digigov.core.rbac.system import system_account
from digigov.core.text import clean_text

from . import channels, codes, signals
from .models import (OPEN_STATUSES, BillStatus, ChannelTrade, ConvenienceBill, EBill, MismatchKind, Notification,
                     NotificationResult, OrderStatus, PayableItem, PaymentOrder, ReconciliationItem, ReconciliationRun,
                     Refund, RefundStatus, TradeStatus, yuan)

log = logging.getLogger("digigov.payment")

MAX_AMOUNT_CENTS = 10**10  # 1 亿元: a larger single payment is a typing error
ORDER_HOURS = 72  # an order may be paid for three days
NOTIFY_PATH = "/pay/notify/{channel}/"
ORDER_FIELDS = ["number", "payment_code", "subject", "amount_cents", "refunded_cents", "status", "channel", "reference_kind", "reference_id"]


def _system_step():
    """Run a platform step (settling, billing) as the system account, keeping the request's trace."""
    ctx = current_actor()
    return acting_as(system_account(), channel="system", ip=ctx.ip, request_id=ctx.request_id)


def _amount(value, field: str = "amount_cents", label: str = "金额") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(f"{label}必须是以分为单位的整数", code="invalid_amount", detail={"field": field})
    if value <= 0:
        raise ValidationFailed(f"{label}必须大于 0", code="invalid_amount", detail={"field": field})
    if value > MAX_AMOUNT_CENTS:
        raise ValidationFailed(f"{label}超出允许范围（单笔不超过 1 亿元）", code="invalid_amount", detail={"field": field})
    return value


def _order_perm(actor, payer, department) -> None:
    if payer is not None and actor.pk == payer.pk:
        require(actor, "payment.pay")
    else:
        require(actor, "payment.manage", department)


# --- orders ------------------------------------------------------------------------------------------
def create_order(actor, *, payer, subject, amount_cents, department, reference_kind, reference_id,
                 idempotency_key: str = "", payable: PayableItem | None = None, is_demo: bool = False) -> PaymentOrder:
    """A 缴款单 for ``payer`` (see the module docstring for the repeat rules)."""
    from digigov.core.accounts.models import User
    from digigov.core.org.models import Department

    if not isinstance(payer, User) or not payer.is_active:
        raise ValidationFailed("缴款人不存在或已停用", code="invalid_payer", detail={"field": "payer"})
    if not isinstance(department, Department):
        raise ValidationFailed("请选择执收单位", code="department_required", detail={"field": "department"})
    _order_perm(actor, payer, department)
    subject = clean_text(subject, "subject", "缴费事项", 100)
    amount_cents = _amount(amount_cents)
    reference_kind, reference_id = str(reference_kind or "")[:40], str(reference_id or "")[:64]
    if bool(reference_kind) != bool(reference_id):
        raise ValidationFailed("业务类型和业务编号应同时填写", code="invalid_reference", detail={"field": "reference_id"})
    idempotency_key = str(idempotency_key or "")[:64]
    if payable is not None and (not isinstance(payable, PayableItem) or not payable.active):
        raise ValidationFailed("缴费项目不存在或已停用", code="invalid_payable", detail={"field": "payable"})

    def _same(existing: PaymentOrder) -> PaymentOrder:
        if existing.payer_id != payer.pk:
            raise Conflict("该业务已有他人的待缴费缴款单，请稍后再试", code="order_taken")
        if existing.amount_cents != amount_cents:
            raise Conflict(f"该业务已有缴款单 {existing.number}（金额 {yuan(existing.amount_cents)} 元），金额不能改变；请先关闭原缴款单",
                           code="order_amount_conflict", detail={"order": existing.public_id})
        return existing

    with transaction.atomic():
        if idempotency_key:
            existing = PaymentOrder.objects.filter(payer=payer, idempotency_key=idempotency_key).first()
            if existing is not None:
                return _same(existing)
        if reference_kind:
            existing = PaymentOrder.objects.select_for_update().filter(reference_kind=reference_kind, reference_id=reference_id,
                                                                      status__in=OPEN_STATUSES).first()
            if existing is not None:
                if existing.expires_at > timezone.now() or not _close(actor, existing, "缴费期限已过"):
                    return _same(existing)  # still open, or paid at the last moment
        division = getattr(department, "division", None)
        order = PaymentOrder(number=codes.order_number(), payment_code=codes.payment_code(getattr(division, "code", "")), payer=payer,
                             subject=subject, amount_cents=amount_cents, department=department, payable=payable,
                             reference_kind=reference_kind, reference_id=reference_id, idempotency_key=idempotency_key,
                             expires_at=timezone.now() + dt.timedelta(hours=ORDER_HOURS), created_by=actor, is_demo=is_demo)
        try:
            with transaction.atomic():
                order.save()
        except IntegrityError:
            # a parallel identical request won (same reference or key): answer its order
            existing = (PaymentOrder.objects.filter(payer=payer, idempotency_key=idempotency_key).first() if idempotency_key else None) or \
                PaymentOrder.objects.filter(reference_kind=reference_kind, reference_id=reference_id, status__in=OPEN_STATUSES).first()
            if existing is None:
                raise Conflict("缴款单号冲突，请重试", code="order_conflict") from None
            return _same(existing)
        record(actor, "payment.order.create", order, after=snapshot(order, ORDER_FIELDS))
    return order


def _check_payer(actor, order: PaymentOrder) -> None:
    if order.payer_id != actor.pk:
        raise NotFound()
    require(actor, "payment.pay")


def pay(actor, order: PaymentOrder, channel: str = "sandbox") -> str:
    """Open (or re-use) the channel trade of ``order`` and answer the cashier URL to send the payer to."""
    _check_payer(actor, order)
    ch = channels.get(channel)
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        if order.status in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED):
            raise Conflict("该缴款单已缴费，无需重复支付", code="already_paid")
        if order.status == OrderStatus.CLOSED:
            raise Conflict("该缴款单已关闭，不能支付", code="order_closed")
        if order.expires_at <= timezone.now():
            if _close(actor, order, "缴费期限已过"):
                return_error = Conflict("该缴款单已过缴费期限并已关闭，不能支付", code="order_expired")
            else:
                return_error = Conflict("该缴款单已缴费，无需重复支付", code="already_paid")
        else:
            return_error = None
            open_trade = order.trades.filter(channel=ch.code, status=TradeStatus.CREATED).order_by("-id").first()
            if open_trade is not None and ch.query(open_trade.out_trade_no).status == "unpaid":
                return open_trade.redirect_url  # a double click: the same cashier, never a second trade
            if open_trade is not None:
                _sync_trade(order, open_trade, ch)  # paid meanwhile: settled here, and kept (no raise inside)
                order.refresh_from_db()
            if order.status not in OPEN_STATUSES:
                return_error = Conflict("该缴款单已缴费，无需重复支付", code="already_paid")
            else:
                out_trade_no = codes.trade_number()
                created = ch.create_trade(out_trade_no=out_trade_no, amount_cents=order.amount_cents, subject=order.subject,
                                          notify_path=NOTIFY_PATH.format(channel=ch.code), return_path=f"/pay/orders/{order.public_id}/")
                ChannelTrade.objects.create(order=order, channel=ch.code, out_trade_no=out_trade_no, channel_trade_no=created.channel_trade_no,
                                            amount_cents=order.amount_cents, redirect_url=created.redirect_url)
                before = snapshot(order, ["status", "channel"])
                order.status, order.channel = OrderStatus.PAYING, ch.code
                order.save(update_fields=["status", "channel", "updated_at"])
                record(actor, "payment.order.pay", order, before=before, after=snapshot(order, ["status", "channel"]))
    if return_error:
        raise return_error
    return created.redirect_url


def _settle_paid(order: PaymentOrder, trade: ChannelTrade, *, channel_trade_no: str, paid_at, system) -> str:
    """Apply a verified payment of ``trade`` (caller holds the order's row lock). Answers the result code."""
    if trade.status == TradeStatus.PAID:
        return NotificationResult.DUPLICATE
    trade.status, trade.paid_at = TradeStatus.PAID, paid_at or timezone.now()
    trade.channel_trade_no = channel_trade_no or trade.channel_trade_no
    trade.save(update_fields=["status", "paid_at", "channel_trade_no", "updated_at"])
    if order.status not in OPEN_STATUSES:
        # closed, or already paid through another trade: the money goes back at once, the order does not change
        _refund_trade(system, order, trade, trade.amount_cents, "缴款单已关闭或已缴费，渠道迟到的支付自动退回", automatic=True)
        return NotificationResult.LATE_REFUNDED
    before = snapshot(order, ["status", "paid_at", "channel"])
    order.status, order.paid_at, order.channel = OrderStatus.PAID, trade.paid_at, trade.channel
    order.save(update_fields=["status", "paid_at", "channel", "updated_at"])
    order.trades.filter(status=TradeStatus.CREATED).exclude(pk=trade.pk).update(status=TradeStatus.CLOSED)
    ConvenienceBill.objects.filter(pk__in=_convenience_bill_ids(order)).update(settled_order=order)
    record(system, "payment.order.paid", order, before=before, after=snapshot(order, ["status", "paid_at", "channel"]))
    signals.order_paid.send(sender=PaymentOrder, order=order, actor=system)
    transaction.on_commit(lambda: _schedule_bill(order.pk))
    return NotificationResult.PAID


def _convenience_bill_ids(order: PaymentOrder) -> list[int]:
    if order.reference_kind == "payment.convenience_bill" and order.reference_id:
        return list(ConvenienceBill.objects.filter(public_id=order.reference_id).values_list("pk", flat=True))
    return []


def _schedule_bill(order_pk: int) -> None:
    from .tasks import issue_bill_task

    issue_bill_task(order_pk)


def handle_notification(channel: str, body: bytes, headers: dict) -> tuple[int, str, str]:
    """A channel's notification: ``(HTTP status, body to answer, result code)``. Every notification is
    recorded; only a verified one changes anything, and only once."""
    ch = channels.get(channel)
    body = bytes(body or b"")[:65536]
    notice = ch.verify_notification(body, headers)
    text = body.decode("utf-8", "replace")
    system = system_account()
    with acting_as(system, channel="notify", ip=current_actor().ip, request_id=current_actor().request_id):
        if notice is None:
            Notification.objects.create(channel=ch.code, body=text, signature_ok=False, result=NotificationResult.BAD_SIGNATURE)
            log.warning("payment notification with a bad signature from %s", ch.code)
            status, answer = ch.acknowledgement(False)
            return status, answer, NotificationResult.BAD_SIGNATURE
        with transaction.atomic():
            trade = ChannelTrade.objects.filter(channel=ch.code, out_trade_no=notice.out_trade_no).first()
            if trade is None:
                Notification.objects.create(channel=ch.code, dedupe_key=notice.notify_id, out_trade_no=notice.out_trade_no, body=text,
                                            signature_ok=True, result=NotificationResult.UNKNOWN_TRADE)
                status, answer = ch.acknowledgement(False)
                return status, answer, NotificationResult.UNKNOWN_TRADE
            order = PaymentOrder.objects.select_for_update().get(pk=trade.order_id)  # serialises repeats of one order
            trade.refresh_from_db()
            note = Notification(channel=ch.code, dedupe_key=notice.notify_id, out_trade_no=notice.out_trade_no, body=text,
                                signature_ok=True, order=order)
            if Notification.objects.filter(channel=ch.code, dedupe_key=notice.notify_id, processed=True).exists():
                result, ok = NotificationResult.DUPLICATE, True
            elif notice.amount_cents != trade.amount_cents or notice.amount_cents != order.amount_cents:
                result, ok = NotificationResult.AMOUNT_MISMATCH, False
                log.error("payment notification amount %s differs from order %s (%s)", notice.amount_cents, order.number, order.amount_cents)
                record(system, "payment.notification.amount_mismatch", order,
                       after={"notified_cents": notice.amount_cents, "order_cents": order.amount_cents, "out_trade_no": trade.out_trade_no})
            elif notice.status != "paid":
                result, ok = NotificationResult.IGNORED, True
            else:
                result, ok = _settle_paid(order, trade, channel_trade_no=notice.channel_trade_no, paid_at=notice.paid_at, system=system), True
            note.result, note.processed = result, ok
            note.save()
    status, answer = ch.acknowledgement(ok)
    return status, answer, result


def _sync_trade(order: PaymentOrder, trade: ChannelTrade, ch) -> str:
    """Bring ``trade`` in line with what the channel says (caller holds the order lock)."""
    state = ch.query(trade.out_trade_no)
    if state.status == "paid" and trade.status != TradeStatus.PAID:
        if state.amount_cents != order.amount_cents:
            return NotificationResult.AMOUNT_MISMATCH
        with _system_step():
            return _settle_paid(order, trade, channel_trade_no=state.channel_trade_no, paid_at=state.paid_at, system=system_account())
    if state.status in ("closed", "missing") and trade.status == TradeStatus.CREATED:
        trade.status = TradeStatus.CLOSED
        trade.save(update_fields=["status", "updated_at"])
        if order.status == OrderStatus.PAYING and not order.trades.filter(status=TradeStatus.CREATED).exists():
            order.status = OrderStatus.UNPAID
            order.save(update_fields=["status", "updated_at"])
    return NotificationResult.IGNORED


def query(actor, order: PaymentOrder) -> PaymentOrder:
    """Ask the channel about the order's open trades (no notification came yet); answers the fresh order."""
    if order.payer_id != actor.pk:
        require(actor, "payment.view", order.department)
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        for trade in list(order.trades.filter(status=TradeStatus.CREATED)):
            _sync_trade(order, trade, channels.get(trade.channel))
            order.refresh_from_db()
    return order


def _close(actor, order: PaymentOrder, reason: str) -> bool:
    """Close ``order`` (caller holds its lock). False when the channel says it was paid meanwhile: the payment
    is settled instead (and kept: callers raise only after their transaction, never inside it)."""
    for trade in order.trades.filter(status=TradeStatus.CREATED):
        ch = channels.get(trade.channel)
        if not ch.close(trade.out_trade_no):
            _sync_trade(order, trade, ch)
            order.refresh_from_db()
            if order.status not in OPEN_STATUSES:
                return False
        else:
            trade.status = TradeStatus.CLOSED
            trade.save(update_fields=["status", "updated_at"])
    before = snapshot(order, ["status"])
    order.status, order.closed_at = OrderStatus.CLOSED, timezone.now()
    order.save(update_fields=["status", "closed_at", "updated_at"])
    record(actor, "payment.order.close", order, before=before, after={"status": order.status, "reason": reason})
    return True


def close(actor, order: PaymentOrder, reason: str = "") -> PaymentOrder:
    """Close an unpaid order (the payer, staff with ``payment.manage``, or the expiry job)."""
    if order.payer_id != actor.pk:
        require(actor, "payment.manage", order.department)
    else:
        require(actor, "payment.pay")
    reason = clean_text(reason, "reason", "关闭原因", 200, required=False) or "缴款人取消"
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        if order.status not in OPEN_STATUSES:
            raise Conflict(f"该缴款单{order.get_status_display()}，不能关闭", code="order_not_open")
        closed = _close(actor, order, reason)
    if not closed:
        raise Conflict("该缴款单已缴费，不能关闭", code="already_paid")
    return order


def close_expired(actor, now=None) -> int:
    """The expiry job: open orders past their time are closed (a trade paid meanwhile is settled instead)."""
    require(actor, "payment.manage", WHOLE_CITY)
    now = now or timezone.now()
    n = 0
    for pk in list(PaymentOrder.objects.filter(status__in=OPEN_STATUSES, expires_at__lte=now).values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            order = PaymentOrder.objects.select_for_update().get(pk=pk)
            if order.status in OPEN_STATUSES and _close(actor, order, "缴费期限已过"):
                n += 1
    return n


# --- refunds -----------------------------------------------------------------------------------------
def _refund_trade(actor, order: PaymentOrder, trade: ChannelTrade, amount_cents: int, reason: str, *, automatic: bool = False) -> Refund:
    ch = channels.get(trade.channel)
    out_refund_no = codes.refund_number()
    result = ch.refund(out_trade_no=trade.out_trade_no, out_refund_no=out_refund_no, amount_cents=amount_cents)
    if not result.ok:
        raise Conflict(f"支付渠道拒绝退款：{result.message or '请稍后重试'}", code="refund_refused")
    refund = Refund.objects.create(order=order, trade=trade, out_refund_no=out_refund_no, amount_cents=amount_cents, reason=reason[:200],
                                   status=RefundStatus.SUCCEEDED, automatic=automatic, requested_by=actor, settled_at=timezone.now())
    record(actor, "payment.refund.auto" if automatic else "payment.refund", refund,
           after={"order": order.number, "amount_cents": amount_cents, "reason": reason[:200]})
    return refund


def refund(actor, order: PaymentOrder, amount_cents, reason: str) -> Refund:
    """Refund part or all of a paid order (``payment.manage`` over its department); never more than was paid."""
    require(actor, "payment.manage", order.department)
    amount_cents = _amount(amount_cents, "amount_cents", "退款金额")
    reason = clean_text(reason, "reason", "退款原因", 200)
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        if order.status not in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED):
            raise Conflict(f"该缴款单{order.get_status_display()}，不能退款", code="not_refundable")
        left = order.amount_cents - order.refunded_cents
        if amount_cents > left:
            raise ValidationFailed(f"退款金额不能超过可退金额 {yuan(left)} 元", code="refund_too_much", detail={"field": "amount_cents"})
        trade = order.trades.filter(status=TradeStatus.PAID).order_by("paid_at").first()
        if trade is None:
            raise Conflict("没有找到该缴款单的支付交易，不能退款", code="no_trade")
        done = _refund_trade(actor, order, trade, amount_cents, reason)
        before = snapshot(order, ["status", "refunded_cents"])
        order.refunded_cents += amount_cents
        order.status = OrderStatus.REFUNDED if order.refunded_cents >= order.amount_cents else OrderStatus.PARTIALLY_REFUNDED
        order.save(update_fields=["refunded_cents", "status", "updated_at"])
        record(actor, "payment.order.refunded", order, before=before, after=snapshot(order, ["status", "refunded_cents"]))
        if order.status == OrderStatus.REFUNDED:
            bill = EBill.objects.filter(order=order, status=BillStatus.ISSUED).first()
            if bill is not None:
                bill.status, bill.reversed_at = BillStatus.REVERSED, timezone.now()
                bill.save(update_fields=["status", "reversed_at", "updated_at"])
                record(actor, "payment.bill.reverse", bill, after={"status": bill.status})
        signals.order_refunded.send(sender=PaymentOrder, order=order, refund=done, actor=actor)
    return done


# --- reconciliation ----------------------------------------------------------------------------------
def reconcile(actor, day: dt.date, channel: str = "sandbox") -> ReconciliationRun:
    """Compare our paid trades of ``day`` with the channel's statement; every difference is a ReconciliationItem."""
    require(actor, "payment.reconcile", WHOLE_CITY)
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationFailed("请选择对账日期", code="day_required", detail={"field": "day"})
    if day >= timezone.localdate():
        raise ValidationFailed("只能对已结束的日期对账", code="day_not_over", detail={"field": "day"})
    ch = channels.get(channel)
    lines = {line.out_trade_no: line for line in ch.statement(day)}
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    ours = {t.out_trade_no: t for t in ChannelTrade.objects.filter(channel=ch.code, status=TradeStatus.PAID, paid_at__gte=start,
                                                                   paid_at__lt=start + dt.timedelta(days=1)).select_related("order")
            .prefetch_related("refunds")}
    extra = ChannelTrade.objects.filter(channel=ch.code, out_trade_no__in=[k for k in lines if k not in ours]).select_related("order")
    known = {t.out_trade_no: t for t in extra}
    items = []

    def our_status(t):
        if t.order.status in (OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED):
            return t.order.status
        refunded = sum(r.amount_cents for r in t.refunds.all())
        return "paid" if not refunded else ("refunded" if refunded >= t.amount_cents else "partially_refunded")

    matched = 0
    for no, t in ours.items():
        line = lines.get(no)
        if line is None:
            items.append(ReconciliationItem(kind=MismatchKind.OURS_ONLY, out_trade_no=no, order=t.order, our_cents=t.amount_cents, our_status=our_status(t)))
        elif line.amount_cents != t.amount_cents:
            items.append(ReconciliationItem(kind=MismatchKind.AMOUNT, out_trade_no=no, order=t.order, our_cents=t.amount_cents,
                                            channel_cents=line.amount_cents, our_status=our_status(t), channel_status=line.status))
        elif line.status != our_status(t):
            items.append(ReconciliationItem(kind=MismatchKind.STATUS, out_trade_no=no, order=t.order, our_cents=t.amount_cents,
                                            channel_cents=line.amount_cents, our_status=our_status(t), channel_status=line.status))
        else:
            matched += 1
    for no, line in lines.items():
        if no in ours:
            continue
        t = known.get(no)
        if t is not None and t.status != TradeStatus.PAID:
            items.append(ReconciliationItem(kind=MismatchKind.STATUS, out_trade_no=no, order=t.order, our_cents=t.amount_cents,
                                            channel_cents=line.amount_cents, our_status=t.status, channel_status=line.status))
        elif t is None:
            items.append(ReconciliationItem(kind=MismatchKind.CHANNEL_ONLY, out_trade_no=no, channel_cents=line.amount_cents, channel_status=line.status))
        else:
            matched += 1  # paid on another day by our clock: the same trade
    with transaction.atomic():
        run = ReconciliationRun.objects.create(channel=ch.code, day=day, started_by=actor, ours_count=len(ours), channel_count=len(lines),
                                               matched_count=matched, mismatch_count=len(items),
                                               ours_cents=sum(t.amount_cents for t in ours.values()),
                                               channel_cents=sum(line.amount_cents for line in lines.values()))
        for item in items:
            item.run = run
        ReconciliationItem.objects.bulk_create(items)
        record(actor, "payment.reconcile", run, after={"day": day.isoformat(), "channel": ch.code, "matched": matched, "mismatches": len(items)})
    return run


def resolve_item(actor, item: ReconciliationItem, resolution: str) -> ReconciliationItem:
    require(actor, "payment.reconcile", WHOLE_CITY)
    resolution = clean_text(resolution, "resolution", "处理说明", 200)
    with transaction.atomic():
        item = ReconciliationItem.objects.select_for_update().get(pk=item.pk)
        if item.resolved_at:
            raise Conflict("该差异已处理", code="already_resolved")
        item.resolved_at, item.resolved_by, item.resolution = timezone.now(), actor, resolution
        item.save(update_fields=["resolved_at", "resolved_by", "resolution", "updated_at"])
        record(actor, "payment.reconcile.resolve", item, after={"resolution": resolution})
    return item


# --- e-bills -----------------------------------------------------------------------------------------
BILL_SEAL_TYPES = (2, 1)  # 业务专用章 first, else 公章


def bill_seal(department):
    from digigov.support.seal.models import Seal, SealStatus

    now = timezone.now()
    for seal_type in BILL_SEAL_TYPES:
        seal = (Seal.objects.filter(department=department, status=SealStatus.ACTIVE, seal_type=seal_type, valid_start__lte=now,
                                    valid_end__gte=now).order_by("-valid_end").first())
        if seal is not None:
            return seal
    raise ValidationFailed(f"{department.name}没有可用的公章或业务专用章，不能开具电子票据", code="no_bill_seal")


def _bill_number() -> str:
    last = EBill.objects.order_by("-number").values_list("number", flat=True).first()
    return f"{(int(last) + 1) if last else 1:010d}"


def issue_bill(order: PaymentOrder) -> EBill:
    """The 电子票据 of a paid order, issued and sealed by the platform (system account) for the collecting
    department; a second call answers the bill already issued."""
    from digigov.support.seal.documents import sign_pdf

    from . import bills

    existing = EBill.objects.filter(order=order).first()
    if existing is not None:
        return existing
    if order.status not in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED):
        raise Conflict("缴款单未缴费，不能开具票据", code="not_paid")
    system = system_account()
    with _system_step(), transaction.atomic():
        order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        existing = EBill.objects.filter(order=order).first()
        if existing is not None:
            return existing
        seal = bill_seal(order.department)
        now = timezone.now()
        bill_code = bills.bill_code(order.department, now)
        number = _bill_number()
        payer_name = bills.payer_name(order.payer)
        items = [{"name": order.payable.name if order.payable_id else order.subject, "subject": order.subject,
                  "quantity": 1, "amount_cents": order.amount_cents}]
        check_code = codes.bill_check_code(bill_code, number, order.amount_cents, now.date().isoformat())
        pdf = bills.render(bill_code=bill_code, number=number, check_code=check_code, payer_name=payer_name, items=items,
                           amount_cents=order.amount_cents, issuer=order.department.name, issued_at=now, order=order)
        signed, _ = sign_pdf(system, seal, pdf, document_name=f"电子票据-{bill_code}-{number}.pdf", reason="开具电子票据")
        bill = EBill.objects.create(order=order, bill_code=bill_code, number=number, check_code=check_code, payer_name=payer_name,
                                    items=items, amount_cents=order.amount_cents, issuer=order.department, issued_at=now, pdf=signed, seal=seal)
        record(system, "payment.bill.issue", bill, after={"order": order.number, "number": number, "amount_cents": order.amount_cents})
    return bill


def issue_missing_bills(actor, limit: int = 200) -> int:
    require(actor, "payment.manage", WHOLE_CITY)
    n = 0
    for order in PaymentOrder.objects.filter(status__in=(OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED), bill__isnull=True)[:limit]:
        try:
            issue_bill(order)
            n += 1
        except (ValidationFailed, Conflict, Forbidden) as exc:
            log.warning("bill for %s not issued: %s", order.number, exc)
    return n


# --- convenience payments ----------------------------------------------------------------------------
def convenience_order(actor, bill: ConvenienceBill) -> PaymentOrder:
    """The payer's order for one line of a payee's bill table (one open order per bill line)."""
    require(actor, "payment.pay")
    if bill.settled_order_id:
        raise Conflict("该账单已缴清", code="bill_settled")
    return create_order(actor, payer=actor, subject=f"{bill.payable.name}（{bill.period}，户号 {bill.account_no}）",
                        amount_cents=bill.amount_due_cents, department=bill.payable.department, reference_kind="payment.convenience_bill",
                        reference_id=bill.public_id, payable=bill.payable)


def can_manage(user, order) -> bool:
    return can(user, "payment.manage", order.department)
