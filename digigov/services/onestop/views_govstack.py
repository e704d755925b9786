"""我的 (``/my/``): one phone-first page with what a citizen or an enterprise agent has going on — applications,
licences, payments and bills, ratings, messages — and 智能推荐 with the reason for each.

An agent switches between themself and each enterprise they are currently authorised for (``?as=<企业公开编号>``);
the enterprise space shows what the enterprise holds and what was applied for in its name. Cards for pages
other parts of the portal build appear only once those pages exist (``selectors.my.page_exists``)."""

from __future__ import annotations

from django.shortcuts import render

from digigov.core.accounts.actions import acting_for
from digigov.core.errors import NotFound
from digigov.core.web.decorators import requires

from .recommend import recommend
from .selectors import my as selectors

CARDS = (
    # key, title, path, what the count means
    ("applications", "我的办件", "/my/applications/", "办理中"),
    ("licences", "我的证照", "/my/licences/", "有效证照"),
    ("payments", "我的缴费和票据", "/my/payments/", ""),
    ("ratings", "我的评价", "/my/ratings/", "已评价"),
    ("messages", "消息", "/messages/", "未读"),
)
FALLBACK_APPLICATIONS = "/my/cases/"  # the workflow's own 我的办件 until the portal's application pages exist


@requires("workflow.apply")
def hub(request):
    user = request.user
    enterprises = acting_for(user)
    chosen = request.GET.get("as", "")[:32]
    enterprise = None
    if chosen:
        enterprise = next((lp for lp in enterprises if lp.public_id == chosen), None)
        if enterprise is None:
            raise NotFound("您未获该企业授权或授权已失效", code="not_authorised_for_enterprise")
    apps = selectors.application_counts(user, enterprise)
    licences = selectors.licence_counts(user, enterprise)
    unread, messages = selectors.unread_messages(user)
    counts = {"applications": apps["open"], "licences": licences["valid"], "payments": None,
              "ratings": selectors.rating_count(user) if enterprise is None else None, "messages": unread}
    cards = []
    for key, title, path, label in CARDS:
        if key == "ratings" and enterprise is not None:
            continue
        if not selectors.page_exists(path):
            if key != "applications" or not selectors.page_exists(FALLBACK_APPLICATIONS):
                continue
            path = FALLBACK_APPLICATIONS
        cards.append({"key": key, "title": title, "url": path, "count": counts[key], "label": label})
    return render(request, "onestop/govstack/hub.html", {
        "enterprise": enterprise, "enterprises": enterprises, "cards": cards, "apps": apps, "licences": licences,
        "recent": selectors.recent_applications(user, enterprise), "messages": messages, "unread": unread,
        "recommendations": recommend(user, enterprise=enterprise, limit=6),
        "person": user.person if getattr(user, "person_id", None) else None,
    })
