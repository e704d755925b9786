"""Extra routes other apps add to the gateway's ASGI application (e.g. the federation's peer routes).

    from digigov.data.gateway.routes import register_route
    register_route("/gw/v1/peer/catalog", endpoint, methods=("GET",))

Call it from an ``AppConfig.ready``: the routes are collected when the ASGI app is built. An endpoint is a
Starlette endpoint (``async def endpoint(request) -> Response``); ``request.app.state.gateway`` is the
running ``Gateway`` (its policy snapshot, ``authenticate`` and the access-log writer).
"""

from __future__ import annotations

from typing import Callable

_routes: list[tuple[str, Callable, tuple[str, ...]]] = []


def register_route(path: str, endpoint: Callable, methods=("GET",)) -> None:
    if not path.startswith("/"):
        raise ValueError("gateway route paths start with /")
    methods = tuple(m.upper() for m in methods)
    if any(p == path and set(m) & set(methods) for p, _, m in _routes):
        return
    _routes.append((path, endpoint, methods))


def registered_routes() -> list[tuple[str, Callable, tuple[str, ...]]]:
    return list(_routes)
