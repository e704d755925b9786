"""Step-up gates: a view or API operation that needs a minimum real-name level in *this* session.

Views: ``@requires_realname(2)`` (under the permission decorator) sends a session below the level to
``/realname/verify/?level=2&next=<this page>``. API: ``@api_requires_realname(2)`` (under ``@permission``)
answers 403 ``{"code": "realname_level_required", "message": "此操作需要二级实名…", "detail": {...}}``.
"""

from __future__ import annotations

import functools
import inspect
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from digigov.core.errors import Forbidden

from .selectors import level_label, session_level


def verify_url(level: int, next_url: str = "") -> str:
    query = {"level": level}
    if next_url:
        query["next"] = next_url
    return f"{reverse('realname:verify')}?{urlencode(query)}"


def requires_realname(level: int):
    def deco(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if session_level(request) < level:
                # back to this page after the step-up; a form's POST target is not a page to come back to
                back = request.get_full_path() if request.method in ("GET", "HEAD") else ""
                return redirect(verify_url(level, back))
            return view(request, *args, **kwargs)

        wrapper.required_realname_level = level
        return wrapper

    return deco


class RealNameRequired(Forbidden):
    code = "realname_level_required"


def require_session_level(request, level: int) -> None:
    current = session_level(request)
    if current < level:
        raise RealNameRequired(
            f"此操作需要{level_label(level)}，本次登录为{level_label(current) if current else '未登录'}。请先完成实名认证后重试。",
            detail={"required_level": level, "session_level": current, "verify_url": verify_url(level)},
        )


def api_requires_realname(level: int):
    """For a Django Ninja operation (put it under ``@permission``)."""

    def deco(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            require_session_level(request, level)
            return func(request, *args, **kwargs)

        wrapper.__signature__ = inspect.signature(func, eval_str=True)
        wrapper.required_realname_level = level
        return wrapper

    return deco
