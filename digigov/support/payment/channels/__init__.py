"""Payment channels behind one interface (``base.Channel``). ``get(code)`` answers the channel or ``NotFound``."""

from __future__ import annotations

from digigov.core.errors import NotFound

from .base import Channel

_CHANNELS: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    _CHANNELS[channel.code] = channel


def get(code: str) -> Channel:
    if not _CHANNELS:
        from . import sandbox  # noqa: F401 — registers itself
    channel = _CHANNELS.get(code)
    if channel is None:
        raise NotFound("没有这个支付渠道", code="unknown_channel")
    return channel


def choices() -> list[tuple[str, str]]:
    get("sandbox")
    return [(c.code, c.label) for c in _CHANNELS.values()]
