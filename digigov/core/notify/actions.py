"""Writes of the message centre: a user marks his own messages read. ``notify``/``notify_many`` (in
``inbox``) create messages for the apps that send them, inside their own actions."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import NotFound
from digigov.core.rbac.checks import require

from .models import InboxMessage

PERMISSION = "accounts.self"


@transaction.atomic
def mark_read(actor, message: InboxMessage) -> InboxMessage:
    """Mark one of the actor's own messages read (a message already read is left as it was)."""
    require(actor, PERMISSION)
    if message.recipient_id != actor.pk:
        raise NotFound()
    if message.read_at is None:
        message.read_at = timezone.now()
        InboxMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
        record(actor, "notify.inbox.read", message, after={"read_at": message.read_at})
    return message


@transaction.atomic
def mark_all_read(actor) -> int:
    """Mark every unread message of the actor read; one audit entry with the count."""
    require(actor, PERMISSION)
    now = timezone.now()
    n = InboxMessage.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(read_at=now)
    if n:
        record(actor, "notify.inbox.read_all", None, after={"count": n, "read_at": now}, object_type="notify.inboxmessage",
               object_id=str(actor.public_id), object_repr=f"{actor} 的站内消息")
    return n
