"""Where an action comes from: the request's (or task's) user, address, request id and channel.

Set once per request, task or command. The audit entry names the action's own ``actor`` argument
and takes the channel, IP and request id from here; ``record`` refuses an actor other than the
user this context is attributed to, so the two cannot disagree.
"""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    username: str = "system"
    ip: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    channel: str = "system"  # web | api | admin | task | command | system


_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("digigov_actor", default=Actor())


def current_actor() -> Actor:
    return _current.get()


def set_actor(actor: Actor) -> contextvars.Token:
    return _current.set(actor)


def reset_actor(token: contextvars.Token) -> None:
    _current.reset(token)


@contextmanager
def acting_as(user, channel: str = "command", ip: str = "", request_id: str | None = None):
    """Attribute the block (a command, a task) to ``user``; pass the system account for system jobs."""
    actor = Actor(
        user_id=user.pk,
        username=user.username,
        ip=ip,
        request_id=request_id or uuid.uuid4().hex,
        channel=channel,
    )
    token = set_actor(actor)
    try:
        yield actor
    finally:
        reset_actor(token)
