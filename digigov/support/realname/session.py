"""The session's real-name level (read it with ``selectors.session_level``). Not a database write: the
verification itself is recorded and audited by ``actions``; this only remembers it for the login."""

from __future__ import annotations

from .selectors import SESSION_KEY, session_level


def raise_session_level(request, level: int) -> None:
    if level > session_level(request):
        request.session[SESSION_KEY] = {"uid": request.user.pk, "level": int(level)}


def reset_on_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: a new login starts at level 1, whatever the session held before."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
