"""What the payment app needs from a payment channel (银联, 微信支付, 支付宝, a bank's 非税 gateway …).

A channel knows our transactions only by the ``out_trade_no`` we give it; everything it answers is a plain
dataclass, so the actions never see a channel's own records. Amounts are whole cents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class CreatedTrade:
    channel_trade_no: str
    redirect_url: str  # the channel's cashier the payer is sent to


@dataclass(frozen=True)
class PaymentNotice:
    """A verified notification: ``notify_id`` is the channel's id of this event (repeats carry the same id)."""

    notify_id: str
    out_trade_no: str
    channel_trade_no: str
    amount_cents: int
    status: str  # "paid" | "closed"
    paid_at: dt.datetime | None


@dataclass(frozen=True)
class TradeState:
    out_trade_no: str
    channel_trade_no: str
    amount_cents: int
    status: str  # "unpaid" | "paid" | "closed" | "missing"
    paid_at: dt.datetime | None
    refunded_cents: int = 0


@dataclass(frozen=True)
class RefundResult:
    refund_no: str
    ok: bool
    message: str = ""


@dataclass(frozen=True)
class StatementLine:
    out_trade_no: str
    channel_trade_no: str
    amount_cents: int
    status: str  # "paid" | "refunded" | "partially_refunded"
    paid_at: dt.datetime


class Channel:
    code = ""
    label = ""

    def create_trade(self, *, out_trade_no: str, amount_cents: int, subject: str, notify_path: str, return_path: str) -> CreatedTrade:
        raise NotImplementedError

    def verify_notification(self, body: bytes, headers: dict) -> PaymentNotice | None:
        """The notice if the body is well-formed and its signature verifies under the channel's key, else None."""
        raise NotImplementedError

    def acknowledgement(self, ok: bool) -> tuple[int, str]:
        """(HTTP status, body) the channel expects in answer to a notification."""
        return (200, "success") if ok else (400, "fail")

    def query(self, out_trade_no: str) -> TradeState:
        raise NotImplementedError

    def close(self, out_trade_no: str) -> bool:
        """Close an unpaid trade; False when the channel says it is already paid."""
        raise NotImplementedError

    def refund(self, *, out_trade_no: str, out_refund_no: str, amount_cents: int) -> RefundResult:
        raise NotImplementedError

    def statement(self, day: dt.date) -> list[StatementLine]:
        """The channel's statement (对账单) of the trades paid on ``day`` (local time)."""
        raise NotImplementedError
