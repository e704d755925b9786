"""The sandbox payment channel: behaves like a real one, for development, tests and the demo city.

It keeps its own tables (``SandboxTrade``, ``SandboxRefund``: the channel's database) and never reads ours;
it knows a payment only by the ``out_trade_no`` and amount it was given. Like a real channel it has:

* a cashier page (``/pay/sandbox/cashier/<trade_no>/``) with 确认支付 / 取消支付;
* an asynchronous notification after a payment: a JSON body signed with HMAC-SM3 under the merchant key the
  key store keeps for purpose ``payment.sandbox`` (the channel and the platform share it, as with a merchant
  API key), posted to our notify endpoint by the Huey task ``deliver_notification`` and retried until it is
  acknowledged. The sandbox lives in our process, so "posting" builds the HTTP request and hands it to the
  endpoint's view (``post_in_process``) — the same bytes and headers a remote channel would send. ``deliver``
  may be called again at any time: a repeated notification carries the same ``notify_id``;
* query, close, refund (never more than was paid) and the day's statement (对账单).

Signature: ``X-Sandbox-Signature: v<key version>=<hex HMAC-SM3(key, timestamp "\\n" body)>`` with
``X-Sandbox-Timestamp`` (Unix seconds, accepted within ``MAX_SKEW`` seconds).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time

from django.db import transaction
from django.utils import timezone

from digigov.core.crypto import constant_time_equals, hmac_sm3_hex

from ..models import SandboxRefund, SandboxTrade
from . import register
from .base import Channel, CreatedTrade, PaymentNotice, RefundResult, StatementLine, TradeState

KEY_PURPOSE = "payment.sandbox"
KEY_BYTES = 32
MAX_SKEW = 15 * 60
SIG_HEADER = "X-Sandbox-Signature"
TS_HEADER = "X-Sandbox-Timestamp"
WAIT, SUCCESS, CLOSED = "WAIT_PAY", "SUCCESS", "CLOSED"


def _key(version: int | None = None) -> tuple[int, bytes]:
    from digigov.security.keys import api as keys

    if version is None:
        return keys.active_key(KEY_PURPOSE, KEY_BYTES)
    return version, keys.key(KEY_PURPOSE, version)


def sign(body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers that sign ``body`` (what the channel sends with it)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    version, key = _key()
    return {TS_HEADER: ts, SIG_HEADER: f"v{version}=" + hmac_sm3_hex(key, ts.encode() + b"\n" + body)}


def _header(headers: dict, name: str) -> str:
    for k, v in (headers or {}).items():
        if k.lower().replace("_", "-") in (name.lower(), "http-" + name.lower()):
            return str(v)
    return ""


def cashier_path(trade_no: str) -> str:
    return f"/pay/sandbox/cashier/{trade_no}/"


class SandboxChannel(Channel):
    code = "sandbox"
    label = "模拟支付渠道"

    def create_trade(self, *, out_trade_no, amount_cents, subject, notify_path, return_path):
        trade = SandboxTrade.objects.filter(out_trade_no=out_trade_no).first()
        if trade is None:
            trade = SandboxTrade.objects.create(trade_no="SB" + secrets.token_hex(10).upper(), out_trade_no=out_trade_no,
                                                subject=subject[:100], amount_cents=amount_cents, notify_path=notify_path,
                                                return_path=return_path)
        return CreatedTrade(channel_trade_no=trade.trade_no, redirect_url=cashier_path(trade.trade_no))

    def verify_notification(self, body, headers):
        ts, sig = _header(headers, TS_HEADER), _header(headers, SIG_HEADER)
        if not ts.isdigit() or abs(time.time() - int(ts)) > MAX_SKEW or "=" not in sig or not sig.startswith("v"):
            return None
        version_text, _, mac = sig.partition("=")
        try:
            _version, key = _key(int(version_text[1:]))
        except Exception:  # unknown version, bad number: not ours
            return None
        if not constant_time_equals(hmac_sm3_hex(key, ts.encode() + b"\n" + bytes(body)), mac.lower()):
            return None
        try:
            data = json.loads(bytes(body).decode())
            paid_at = dt.datetime.fromisoformat(data["paid_at"]) if data.get("paid_at") else None
            amount = data["amount_cents"]
            if not isinstance(amount, int) or isinstance(amount, bool):
                return None
            return PaymentNotice(notify_id=str(data["notify_id"])[:64], out_trade_no=str(data["out_trade_no"])[:32],
                                 channel_trade_no=str(data["trade_no"])[:64], amount_cents=amount,
                                 status="paid" if data.get("status") == SUCCESS else "closed", paid_at=paid_at)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return None

    def query(self, out_trade_no):
        t = SandboxTrade.objects.filter(out_trade_no=out_trade_no).first()
        if t is None:
            return TradeState(out_trade_no, "", 0, "missing", None)
        status = {WAIT: "unpaid", SUCCESS: "paid", CLOSED: "closed"}[t.status]
        return TradeState(out_trade_no, t.trade_no, t.amount_cents, status, t.paid_at, t.refunded_cents)

    def close(self, out_trade_no):
        with transaction.atomic():
            t = SandboxTrade.objects.select_for_update().filter(out_trade_no=out_trade_no).first()
            if t is None or t.status == CLOSED:
                return True
            if t.status == SUCCESS:
                return False
            t.status = CLOSED
            t.save(update_fields=["status"])
            return True

    def refund(self, *, out_trade_no, out_refund_no, amount_cents):
        with transaction.atomic():
            t = SandboxTrade.objects.select_for_update().filter(out_trade_no=out_trade_no).first()
            done = SandboxRefund.objects.filter(out_refund_no=out_refund_no).first()
            if done is not None:  # the same refund asked twice: the first answer again
                return RefundResult(done.refund_no, True)
            if t is None or t.status != SUCCESS:
                return RefundResult("", False, "交易未支付，不能退款")
            if amount_cents <= 0 or t.refunded_cents + amount_cents > t.amount_cents:
                return RefundResult("", False, "退款金额超过可退金额")
            r = SandboxRefund.objects.create(trade=t, out_refund_no=out_refund_no, refund_no="SR" + secrets.token_hex(10).upper(),
                                             amount_cents=amount_cents)
            t.refunded_cents += amount_cents
            t.save(update_fields=["refunded_cents"])
            return RefundResult(r.refund_no, True)

    def statement(self, day):
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        lines = []
        for t in SandboxTrade.objects.filter(status=SUCCESS, paid_at__gte=start, paid_at__lt=start + dt.timedelta(days=1)).order_by("id"):
            status = "paid" if not t.refunded_cents else ("refunded" if t.refunded_cents >= t.amount_cents else "partially_refunded")
            lines.append(StatementLine(t.out_trade_no, t.trade_no, t.amount_cents, status, t.paid_at))
        return lines


CHANNEL = SandboxChannel()
register(CHANNEL)


# --- the channel's own behaviour: its cashier and its notifications ------------------------------------------
def trade(trade_no: str) -> SandboxTrade | None:
    return SandboxTrade.objects.filter(trade_no=trade_no).first()


def pay(trade_no: str, *, schedule: bool = True) -> SandboxTrade:
    """The payer confirmed at the cashier. A second click changes nothing. A closed trade cannot be paid.
    The notification goes out after the commit (Huey task, retried until acknowledged)."""
    with transaction.atomic():
        t = SandboxTrade.objects.select_for_update().get(trade_no=trade_no)
        if t.status == CLOSED:
            raise ValueError("该交易已关闭，不能支付")
        if t.status == WAIT:
            t.status, t.paid_at, t.notify_id = SUCCESS, timezone.now(), "N" + secrets.token_hex(12).upper()
            t.save(update_fields=["status", "paid_at", "notify_id"])
            if schedule:
                transaction.on_commit(lambda: schedule_delivery(t.trade_no))
    return t


def cancel(trade_no: str) -> SandboxTrade:
    with transaction.atomic():
        t = SandboxTrade.objects.select_for_update().get(trade_no=trade_no)
        if t.status == WAIT:
            t.status = CLOSED
            t.save(update_fields=["status"])
    return t


def schedule_delivery(trade_no: str) -> None:
    from ..tasks import deliver_notification

    deliver_notification(trade_no)


def notification(t: SandboxTrade) -> tuple[bytes, dict]:
    body = json.dumps({"notify_id": t.notify_id, "trade_no": t.trade_no, "out_trade_no": t.out_trade_no, "amount_cents": t.amount_cents,
                       "status": t.status, "paid_at": t.paid_at.isoformat() if t.paid_at else None}, separators=(",", ":")).encode()
    return body, sign(body)


def post_in_process(path: str, body: bytes, headers: dict) -> int:
    """POST ``body`` to ``path`` of this site through its URLconf and view, as the remote channel would."""
    from django.test import RequestFactory
    from django.urls import resolve

    request = RequestFactory().post(path, data=body, content_type="application/json", headers=headers)
    match = resolve(path)
    return match.func(request, *match.args, **match.kwargs).status_code


def deliver(trade_no: str) -> bool:
    """Send (or send again) the paid notification of ``trade_no``; True when the platform acknowledged it."""
    t = trade(trade_no)
    if t is None or t.status != SUCCESS:
        return False
    body, headers = notification(t)
    status = post_in_process(t.notify_path, body, headers)
    SandboxTrade.objects.filter(pk=t.pk).update(notify_attempts=t.notify_attempts + 1,
                                                **({"acknowledged_at": timezone.now()} if status == 200 else {}))
    return status == 200
