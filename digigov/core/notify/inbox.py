"""``notify(recipient, topic, title, body="", link="")``: one notice to one user.

The in-site message (``InboxMessage``) is always written, inside the caller's transaction (a notice about
a step that rolls back never appears). When the platform has an SMS gateway or SMTP configured
(``external_channels``) and the user has a mobile number (``User.person.phone``) or an e-mail address, the
notice also goes out — after the caller's transaction commits, so a slow or failing gateway never holds
or breaks the step that caused it. Each attempt leaves a ``Delivery`` row (recipient masked, failure
reason kept); a failure is recorded, never raised.

"Configured" means an operator chose a real channel: ``DIGIGOV_SMS_URL`` (or another
``DIGIGOV_SMS_SENDER``) for SMS, ``DIGIGOV_SMTP_URL`` (or another ``DIGIGOV_EMAIL_SENDER``) for e-mail. The
development outbox sender (``FileSender``) alone is not a channel: it would write a file for every task
notice of the demo city.
"""

from __future__ import annotations

import logging
from typing import Iterable

from django.conf import settings
from django.db import transaction

from .models import Delivery, DeliveryChannel, InboxMessage
from .senders import SendFailed, mask_recipient, send_email, send_sms

log = logging.getLogger("digigov.notify")

FILE_SENDER = "digigov.core.notify.senders.FileSender"
SMS_MAX_CHARS = 300


def external_channels() -> set[str]:
    """The channels beyond the in-site message that an operator configured."""
    channels = set()
    if settings.DIGIGOV_SMS_URL or settings.DIGIGOV_SMS_SENDER != FILE_SENDER:
        channels.add(DeliveryChannel.SMS)
    if settings.DIGIGOV_SMTP_URL or settings.DIGIGOV_EMAIL_SENDER != FILE_SENDER:
        channels.add(DeliveryChannel.EMAIL)
    return channels


def _clip(text: str, n: int) -> str:
    text = (text or "").replace("\x00", "")
    return text if len(text) <= n else text[: n - 1] + "…"


def _addresses(user, channels: set[str]) -> dict[str, str]:
    out = {}
    if DeliveryChannel.SMS in channels:
        person = getattr(user, "person", None) if getattr(user, "person_id", None) else None
        phone = (getattr(person, "phone", "") or "") if person is not None else ""
        if phone:
            out[DeliveryChannel.SMS] = phone
    if DeliveryChannel.EMAIL in channels:
        email = getattr(user, "email", "") or getattr(getattr(user, "person", None), "email", "") or ""
        if email:
            out[DeliveryChannel.EMAIL] = email
    return out


def notify(recipient, topic: str, title: str, body: str = "", link: str = "") -> InboxMessage:
    """One in-site message to ``recipient`` (and SMS/e-mail on commit when configured)."""
    return notify_many([recipient], topic, title, body, link)[0]


def notify_many(recipients: Iterable, topic: str, title: str, body: str = "", link: str = "") -> list[InboxMessage]:
    """The same notice to several users in one INSERT (task candidates); a user named twice gets it once."""
    seen, items = set(), []
    for u in recipients:
        if u is not None and u.pk not in seen:
            seen.add(u.pk)
            items.append((u, topic, title, body, link))
    return notify_batch(items)


def notify_batch(items: Iterable[tuple]) -> list[InboxMessage]:
    """Different notices ``(recipient, topic, title, body, link)`` in one INSERT (a warning run's clerks);
    inactive users are skipped."""
    items = [i for i in items if i[0] is not None and getattr(i[0], "is_active", True)]
    if not items:
        return []
    messages = InboxMessage.objects.bulk_create([
        InboxMessage(recipient=u, topic=_clip(topic, 32), title=_clip(title, 200), body=body or "", link=_clip(link or "", 300))
        for u, topic, title, body, link in items])
    channels = external_channels()
    if channels:
        plan = []
        for (user, *_rest), message in zip(items, messages):
            addresses = _addresses(user, channels)
            if addresses:
                plan.append((message, addresses))
        if plan:
            transaction.on_commit(lambda: deliver(plan))
    return messages


def deliver(plan: list) -> list[Delivery]:
    """Send each ``(message, {channel: address})`` and record the outcome; never raises."""
    rows = []
    for message, addresses in plan:
        text = _clip(f"【{message.topic}】{message.title}" + (f"：{message.body}" if message.body else ""), SMS_MAX_CHARS)
        for channel, address in addresses.items():
            ok, error = True, ""
            try:
                if channel == DeliveryChannel.SMS:
                    send_sms(address, text)
                else:
                    send_email(address, message.title, (message.body or message.title) + (f"\n\n{message.link}" if message.link else ""))
            except SendFailed as exc:
                ok, error = False, exc.message
            except Exception as exc:  # noqa: BLE001 - a broken adapter must not break the caller either
                log.warning("notice %s to %s failed: %s", channel, mask_recipient(address), type(exc).__name__)
                ok, error = False, "发送失败"
            rows.append(Delivery(message_id=message.pk, channel=channel, to_masked=mask_recipient(address)[:100], ok=ok, error=error[:200]))
    if rows:
        try:
            Delivery.objects.bulk_create(rows)
        except Exception:  # noqa: BLE001 - the record of a delivery must not fail a committed step
            log.exception("could not record %d notice deliveries", len(rows))
    return rows
