"""Portal pages of the catalog: the first screen (``/``), 关于 (``/about/``, the architecture map that used to be
the first screen), browsing (``/services/``: by life event, enterprise stage, department, audience, 全市通办),
topic pages, 办事指南 (+ printable) and 一件事 guides. All public; lists are keyset-paginated (``after``)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from digigov.core.errors import DigiGovError
from digigov.core.web.decorators import public

from . import prefill
from .models import Audience, ItemType, OnlineDepth, TopicKind
from .selectors import catalog as sel

LARGE_TEXT_COOKIE = "dg_large_text"


def mounted(path: str) -> bool:
    """Whether another part of the portal serves ``path`` (办件查询, 在线办理 live in the application slice):
    a link to a page that is not there is not shown."""
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def portal_context(request) -> dict:
    """What every portal page's layout needs: the 适老化 switch, the compliance footer, which sibling pages exist."""
    return {
        "large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "1",
        "has_progress": mounted("/services/progress/"),
        "has_search": mounted("/services/search/"),
        "site": {"owner": settings.DIGIGOV_SITE_OWNER, "operator": settings.DIGIGOV_SITE_OPERATOR, "icp": settings.DIGIGOV_ICP,
                 "psb": settings.DIGIGOV_PSB_RECORD, "code": settings.DIGIGOV_SITE_CODE, "hotline": settings.DIGIGOV_HOTLINE},
    }


def _render(request, template: str, ctx: dict, status: int = 200):
    return render(request, template, {**portal_context(request), **ctx}, status=status)


def _days(n) -> str:
    if n is None:
        return "无"
    return "即办" if n == 0 else f"{n} 个工作日"


def _money(cents: int) -> str:
    yuan, fen = divmod(int(cents), 100)
    return f"{yuan} 元" if not fen else f"{yuan}.{fen:02d} 元"


@public
def home(request):
    from digigov.core.accounts import actions as account_actions

    rows, _ = sel.bundle_page(limit=8)
    return _render(request, "onestop/catalog/home.html", {
        "life_topics": sel.topics(TopicKind.LIFE_EVENT), "stage_topics": sel.topics(TopicKind.ENTERPRISE_STAGE),
        "hot_items": sel.high_frequency(12), "bundles": rows, "figures": sel.rating_figures(), "counts": sel.counts(),
        "agencies": account_actions.acting_for(request.user) if request.user.is_authenticated else [],
    })


@public
def about(request):
    """The plan's architecture map (what the first screen showed before the portal) and Table 1's indicators."""
    from digigov.core.kpi.actions import board
    from digigov.core.web.context import build_nav

    return _render(request, "onestop/catalog/about.html", {"arch_layers": build_nav(request.user), "kpis": board()})


@public
@require_POST
def large_text(request):
    """Switch the 适老化 large-text mode (a cookie, one year) and go back to the page the switch was on."""
    on = request.POST.get("on") == "1"
    back = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    response = HttpResponseRedirect(back)
    if on:
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 86400, samesite="Lax", secure=request.is_secure(), httponly=True)
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE, samesite="Lax")
    return response


def _filter_from(request) -> tuple[sel.ItemFilter | None, str]:
    citywide = request.GET.get("citywide")
    try:
        f = sel.clean_filter(topic=request.GET.get("topic", ""), department=request.GET.get("department", ""),
                             audience=request.GET.get("audience", ""), item_type=request.GET.get("type", ""),
                             citywide=True if citywide == "1" else None, q=request.GET.get("q", "")[:100])
    except DigiGovError as exc:
        return None, exc.message
    return f, ""


def _page(request, f, *, limit: int = sel.PAGE_SIZE):
    try:
        return sel.browse(f, after=request.GET.get("after") or None, limit=limit)
    except DigiGovError:
        return sel.browse(f, limit=limit)  # a stale or hand-made cursor starts again at the first page


def _next_url(request, cursor: str | None) -> str | None:
    if not cursor:
        return None
    params = request.GET.copy()
    params["after"] = cursor
    return f"?{params.urlencode()}"


@public
def browse(request):
    f, error = _filter_from(request)
    listing = bool(request.GET) and f is not None
    rows, cursor = _page(request, f) if listing else ([], None)
    return _render(request, "onestop/catalog/browse.html", {
        "life_topics": sel.topics(TopicKind.LIFE_EVENT), "stage_topics": sel.topics(TopicKind.ENTERPRISE_STAGE),
        "departments": sel.departments_with_items(), "error": error, "listing": listing, "items": rows,
        "next_url": _next_url(request, cursor), "filter": f, "audiences": Audience.choices, "types": ItemType.choices,
        "title": _listing_title(f) if listing else "办事服务",
    }, status=422 if error else 200)


def _listing_title(f) -> str:
    parts = []
    if f.citywide:
        parts.append("全市通办事项")
    if f.audience == Audience.PERSON:
        parts.append("个人办事")
    elif f.audience == Audience.ENTERPRISE:
        parts.append("法人办事")
    if f.department:
        from digigov.core.org.models import Department

        d = Department.objects.filter(code=f.department).only("name").first()
        if d:
            parts.append(d.name)
    if f.item_type:
        parts.append(str(ItemType(f.item_type).label))
    if f.q:
        parts.append(f"名称含“{f.q}”")
    return "·".join(parts) or "全部事项"


@public
def topic(request, code):
    t = sel.topic_by_code(code)
    f = sel.ItemFilter(topic=t.code)
    rows, cursor = _page(request, f)
    bundles = list(sel.public_bundles().filter(topic=t).order_by("-popularity", "-pk")[:12])
    return _render(request, "onestop/catalog/topic.html", {
        "topic": t, "items": rows, "next_url": _next_url(request, cursor), "bundles": bundles,
        "siblings": sel.topics(t.kind),
    })


def _guide_context(item) -> dict:
    materials = []
    for m in item.materials.all():
        replaced = []
        if m.licence_type_id:
            replaced.append(f"电子证照“{m.licence_type.name}”")
        if m.shared_source:
            replaced.append(f"共享数据“{prefill.label(m.shared_source)}”")
        materials.append({"m": m, "form": m.get_form_display(), "replaced": "、".join(replaced)})
    return {
        "item": item, "materials": materials, "replaced_count": sum(1 for m in materials if m["replaced"]),
        "fees": [{"name": f["name"], "amount": _money(f["amount_cents"]), "basis": f.get("basis", "")} for f in item.fees or []],
        "statutory": _days(item.statutory_days), "promised": _days(item.promised_days),
        "depth": OnlineDepth(item.online_depth).label,
        "online": sel.online_applicable(item) and mounted(f"/services/apply/item/{item.code}/"),
        "divisions": [d.name for d in item.divisions.all()], "topics": list(item.topics.all()),
        "type_label": ItemType(item.item_type).label, "audience_label": Audience(item.audience).label,
        "steps": item.process_steps or [],
    }


@public
def guide(request, code):
    item = sel.item_for_guide(code)
    return _render(request, "onestop/catalog/guide.html", _guide_context(item))


@public
def guide_print(request, code):
    item = sel.item_for_guide(code)
    return _render(request, "onestop/catalog/guide_print.html", _guide_context(item))


@public
def bundles(request):
    audience = request.GET.get("audience", "")
    if audience not in ("", Audience.PERSON, Audience.ENTERPRISE):
        audience = ""
    try:
        rows, cursor = sel.bundle_page(audience=audience, after=request.GET.get("after") or None)
    except DigiGovError:
        rows, cursor = sel.bundle_page(audience=audience)
    return _render(request, "onestop/catalog/bundles.html", {"bundles": rows, "next_url": _next_url(request, cursor), "audience": audience})


@public
def bundle(request, code):
    b = sel.bundle_for_guide(code)
    members = list(b.memberships.all())
    return _render(request, "onestop/catalog/bundle.html", {
        "bundle": b, "members": members, "departments": sorted({m.item.department.name for m in members}),
        "shared": sel.shared_materials(b), "online": b.modelled and b.active and mounted(f"/services/apply/bundle/{b.code}/"),
        "audience_label": Audience(b.audience).label,
    })


