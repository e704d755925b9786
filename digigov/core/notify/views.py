"""消息中心 (/messages/): every signed-in user's in-site messages, newest first, keyset pages; opening a
message marks it read and follows its link."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from digigov.core.web.decorators import requires
from digigov.core.web.listing import lenient_id

from . import actions, selectors
from .actions import PERMISSION


@requires(PERMISSION)
def message_list(request):
    unread_only = request.GET.get("unread") == "1"
    rows, next_cursor = selectors.keyset_page(selectors.inbox(request.user, unread_only=unread_only), request.GET.get("before"))
    return render(request, "notify/messages.html", {
        "rows": rows, "next_cursor": next_cursor, "unread_only": unread_only,
        "first_page": lenient_id(request.GET.get("before")) is None,
        "unread": selectors.unread_count(request.user),
    })


@requires(PERMISSION)
def badge(request):
    """The header's unread count (htmx fragment): one COUNT, in its own request."""
    n = selectors.unread_count(request.user)
    return render(request, "notify/_badge.html", {"n": n})


@requires(PERMISSION)
def message_open(request, message_id: str):
    """GET shows the message; POST marks it read and follows its link (a local path only)."""
    message = selectors.message_for(request.user, message_id)
    if request.method == "POST":
        actions.mark_read(request.user, message)
        if message.link and url_has_allowed_host_and_scheme(message.link, allowed_hosts={request.get_host()}) and message.link.startswith("/"):
            return redirect(message.link)
        return redirect("notify:messages")
    return render(request, "notify/message.html", {"m": message})


@requires(PERMISSION)
@require_POST
def read_all(request):
    n = actions.mark_all_read(request.user)
    messages.success(request, f"已将 {n} 条消息标为已读" if n else "没有未读消息")
    return redirect("notify:messages")
