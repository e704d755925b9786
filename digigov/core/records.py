"""Writes every app shares on its government records (``digigov.core.models.VoidableModel``)."""

from __future__ import annotations

from django.utils import timezone

from digigov.core.audit.actions import record, snapshot


def stamp_void(actor, obj, reason: str, action: str):
    """Void ``obj`` (never delete it) and audit the change.

    The calling action has checked the permission, locked the row, validated ``reason`` and
    refused an already voided or still-needed record, each with its own message.
    """
    before = snapshot(obj)
    obj.voided_at, obj.void_reason, obj.voided_by = timezone.now(), reason, actor
    obj.save(update_fields=["voided_at", "void_reason", "voided_by", "updated_at"])
    record(actor, action, obj, before=before, after=snapshot(obj))
    return obj
