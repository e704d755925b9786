"""Who is acting, in which role, from where: set once per request, task or command.

Actions read this to fill audit entries, so a write made from a view, the API,
the admin, a task or a management command is attributed the same way.
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
    role: str = ""
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
def acting_as(user=None, role: str = "", channel: str = "command", ip: str = "", request_id: str | None = None):
    """Attribute every action inside the block to ``user`` acting in ``role``."""
    actor = Actor(
        user_id=getattr(user, "pk", None),
        username=getattr(user, "username", "system") if user is not None else "system",
        role=role,
        ip=ip,
        request_id=request_id or uuid.uuid4().hex,
        channel=channel,
    )
    token = set_actor(actor)
    try:
        yield actor
    finally:
        reset_actor(token)
