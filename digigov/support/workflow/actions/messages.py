"""Messages to a waiting case (an intermediate message catch event): an external department's reply,
a payment confirmation … ``deliver_message`` is sent by staff of the case's department (or the platform's
system account for an integration) with ``workflow.handle``; the payload lands in the case data under
the message name."""

from __future__ import annotations

import json

from django.db import transaction

from digigov.core.audit.actions import record
from digigov.core.errors import ValidationFailed
from digigov.core.rbac.checks import require

from .. import runtime
from ..idempotency import once
from ..models import Case

MAX_PAYLOAD = 20_000


@transaction.atomic
def deliver_message(actor, case: Case, name: str, payload: dict | None = None, *, idempotency_key: str = "") -> Case:
    require(actor, "workflow.handle", case)
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name or len(name) > 100:
        raise ValidationFailed("请填写消息名称（不超过 100 个字符）", code="invalid_message_name", detail={"field": "name"})
    payload = {} if payload is None else payload
    if not isinstance(payload, dict):
        raise ValidationFailed("消息内容须为键值对象", code="invalid_payload", detail={"field": "payload"})
    if len(json.dumps(payload, ensure_ascii=False, default=str)) > MAX_PAYLOAD:
        raise ValidationFailed("消息内容过大", code="invalid_payload", detail={"field": "payload"})
    with once(actor, "workflow.message_deliver", idempotency_key) as slot:
        if slot.done:
            return Case.objects.get(pk=case.pk)
        runtime.deliver_message(case, actor, name, payload)
        case = Case.objects.get(pk=case.pk)
        record(actor, "workflow.message_deliver", case, after={"message": name, "fields": sorted(payload)[:20]})
        slot.remember(case.public_id, {"message": name})
    return case
