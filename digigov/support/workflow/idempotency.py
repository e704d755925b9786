"""Idempotency keys for workflow writes: the same request sent twice with one key is applied once and
answered the same (a double click at the window, a retried API call, a phone on a bad network).

``with once(actor, scope, key) as slot:`` — if ``slot.done`` the write ran before and ``slot.result`` is
what it answered; else run the write and call ``slot.remember(target, result)``. The key row is written in
the caller's transaction, so a write that rolls back leaves no key behind, and two concurrent requests
with the same key cannot both pass (unique constraint; the loser gets 409 and retries into the replay).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from digigov.core.errors import Conflict, ValidationFailed

from .models import IdempotentRequest

MAX_KEY = 100


def clean_key(key) -> str:
    key = (key or "").strip() if isinstance(key, str) else ""
    if len(key) > MAX_KEY:
        raise ValidationFailed(f"幂等键过长（不超过 {MAX_KEY} 个字符）", code="invalid_idempotency_key", detail={"field": "idempotency_key"})
    return key


@dataclass
class Slot:
    actor: object
    scope: str
    key: str
    done: bool = False
    result: dict = field(default_factory=dict)
    target: str = ""

    def remember(self, target: str, result: dict) -> None:
        if not self.key:
            return
        try:
            with transaction.atomic():
                IdempotentRequest.objects.create(actor=self.actor, scope=self.scope, key=self.key, target=target[:64], result=result)
        except IntegrityError:
            raise Conflict("同一请求正在处理，请稍后刷新查看结果", code="duplicate_request") from None


@contextmanager
def once(actor, scope: str, key):
    key = clean_key(key)
    slot = Slot(actor, scope, key)
    if key:
        previous = IdempotentRequest.objects.filter(actor=actor, scope=scope, key=key).first()
        if previous is not None:
            slot.done, slot.result, slot.target = True, previous.result, previous.target
    yield slot
