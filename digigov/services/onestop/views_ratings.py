"""好差评 pages: the rater's phone-first rating page (five big buttons, reasons as check boxes) and their list, the
staff list of ratings with filters, the rectification queue with its reply and visit forms, the national export,
and the statistics page with drill-down to the rows behind each figure. Reads go through ``selectors``, writes
through ``actions.ratings``; a refused write re-renders the form with its Chinese message, nothing written."""

from __future__ import annotations

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from digigov.core.errors import DigiGovError
from digigov.core.rbac.checks import can
from digigov.core.web import charts
from digigov.core.web.decorators import requires
from digigov.core.web.listing import request_keyset

from . import export_ratings
from . import rating_codes as codes
from .actions import ratings as actions
from .models import RatingChannel, RectificationStatus
from .selectors import ratings as sel
from .selectors import stats as st

PAGE = 20
LEVEL_BADGE = {5: "ok", 4: "ok", 3: "", 2: "warn", 1: "bad"}
RECT_BADGE = {RectificationStatus.OPEN: "warn", RectificationStatus.REPLIED: "", RectificationStatus.CLOSED: "ok"}
MOBILE_HINTS = ("Mobile", "Android", "iPhone")


def _channel(request) -> str:
    ua = request.headers.get("User-Agent", "")
    return RatingChannel.MOBILE if any(h in ua for h in MOBILE_HINTS) else RatingChannel.PC


def rating_row(r) -> dict:
    rect = getattr(r, "rectification", None) if _has_rect(r) else None
    return {"r": r, "level": codes.LEVEL_LABELS[r.level], "badge": LEVEL_BADGE[r.level], "reasons": codes.reason_labels(r.reasons),
            "channel": codes.CHANNEL_LABELS.get(r.channel, ""), "rect": rect,
            "subject": r.application.title if r.application_id else (r.item.name if r.item_id else (r.hall.name if r.hall_id else r.department.name))}


def _has_rect(r) -> bool:
    try:
        r.rectification
    except Exception:  # noqa: BLE001 — RelatedObjectDoesNotExist
        return False
    return True


# --- the rater ----------------------------------------------------------------------------------------

def _rate_page(request, *, subject: str, target: dict, existing=None, error: str = "", posted=None, status: int = 200):
    posted = posted or {}
    level = posted.get("level")
    return render(request, "onestop/ratings/rate.html", {
        "subject": subject, "target": target, "existing": existing and rating_row(existing), "error": error,
        "levels": [(v, codes.LEVEL_LABELS[v], codes.is_poor(v)) for v in (5, 4, 3, 2, 1)],
        "good": list(codes.GOOD_REASONS.items()), "poor": list(codes.POOR_REASONS.items()),
        "posted_level": str(level or ""), "posted_reasons": posted.get("reasons", []), "posted_comment": posted.get("comment", ""),
    }, status=status)


def _do_rate(request, *, subject: str, target: dict, existing, **kw):
    if request.method != "POST":
        return _rate_page(request, subject=subject, target=target, existing=existing)
    posted = {"level": request.POST.get("level", ""), "reasons": request.POST.getlist("reasons"), "comment": request.POST.get("comment", "")}
    try:
        actions.rate(request.user, level=posted["level"], reasons=posted["reasons"], comment=posted["comment"], channel=_channel(request), **kw)
    except DigiGovError as exc:
        return _rate_page(request, subject=subject, target=target, existing=existing, error=exc.message, posted=posted, status=exc.status)
    messages.success(request, "评价已提交，感谢您的反馈")
    return redirect("ratings:mine")


@requires("onestop.rate")
def rate_application(request, public_id):
    app = sel.my_application(request.user, public_id)
    existing = sel.rating_of(app)
    if existing is None and app.status not in actions.RATABLE_STATUSES:
        # per GB/T 39734 a service is rated after it was given: no form to fill in that would only be refused
        return render(request, "onestop/ratings/rate.html", {"subject": app.title, "not_ready": True, "target": {
            "kind": "application", "number": app.number or "", "status": app.get_status_display()}})
    return _do_rate(request, subject=app.title, target={"kind": "application", "number": app.number or "", "status": app.get_status_display()},
                    existing=existing, application=app)


@requires("onestop.rate")
def rate_visit(request, public_id):
    from .models import Rating

    rec = sel.my_reception(request.user, public_id)
    existing = Rating.objects.filter(reception=rec).select_related("department", "item", "hall", "application").first()
    when = timezone.localtime(rec.finished_at).strftime("%Y-%m-%d %H:%M") if rec.finished_at else ""
    return _do_rate(request, subject=f"{rec.hall.name}窗口服务", target={"kind": "visit", "number": when, "status": ""},
                    existing=existing, reception=rec)


@requires("onestop.rate")
def my_ratings(request):
    rows, next_cursor, after = request_keyset(request, sel.my_ratings(request.user), PAGE)
    return render(request, "onestop/ratings/mine.html", {"rows": [rating_row(r) for r in rows], "next_cursor": next_cursor, "after": after})


# --- staff --------------------------------------------------------------------------------------------

def _filters(request) -> dict:
    g = request.GET
    try:
        level = int(g.get("level") or 0)
    except ValueError:
        level = 0
    return {"level": level if level in codes.LEVEL_LABELS else None, "poor": g.get("poor") == "1",
            "department": (g.get("department") or "")[:32], "item": (g.get("item") or "")[:40], "hall": (g.get("hall") or "")[:32],
            "date_from": sel.parse_date(g.get("from")), "date_to": sel.parse_date(g.get("to"))}


@requires("onestop.view")
def staff_list(request):
    f = _filters(request)
    qs = sel.filter_ratings(sel.staff_ratings(request.user), **f).select_related("department", "item", "hall", "application", "rectification")
    rows, next_cursor, after = request_keyset(request, qs, PAGE)
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "onestop/ratings/staff.html", {
        "rows": [rating_row(r) for r in rows], "next_cursor": next_cursor, "after": after, "f": f, "query": query.urlencode(),
        "levels": [(v, codes.LEVEL_LABELS[v]) for v in (5, 4, 3, 2, 1)],
        "open_count": sel.staff_rectifications(request.user).filter(status=RectificationStatus.OPEN).count(),
    })


def _export_qs(request):
    return sel.filter_ratings(sel.staff_ratings(request.user), **_filters(request))


@requires("onestop.view")
def export_csv(request):
    resp = StreamingHttpResponse(export_ratings.csv_chunks(_export_qs(request)), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = "attachment; filename=ratings.csv"
    return resp


@requires("onestop.view")
def export_json(request):
    resp = StreamingHttpResponse(export_ratings.json_chunks(_export_qs(request)), content_type="application/json; charset=utf-8")
    resp["Content-Disposition"] = "attachment; filename=ratings.json"
    return resp


def rect_row(rect, today) -> dict:
    return {"t": rect, "badge": RECT_BADGE.get(rect.status, ""), "overdue": sel.is_overdue(rect, today), "level": codes.LEVEL_LABELS[rect.rating.level],
            "reasons": codes.reason_labels(rect.rating.reasons)}


@requires("onestop.view")
def rect_queue(request):
    status = request.GET.get("status", RectificationStatus.OPEN)
    status = status if status in RectificationStatus.values or status == "all" else RectificationStatus.OPEN
    overdue = request.GET.get("overdue") == "1"
    qs = sel.rectification_queue(request.user, status="" if status == "all" else status, overdue=overdue)
    rows, next_cursor, after = request_keyset(request, qs, PAGE)
    today = timezone.localdate()
    return render(request, "onestop/ratings/queue.html", {
        "rows": [rect_row(t, today) for t in rows], "next_cursor": next_cursor, "after": after,
        "status": status, "overdue": overdue, "statuses": RectificationStatus.choices,
        "overdue_count": sel.staff_rectifications(request.user).exclude(status=RectificationStatus.CLOSED).filter(sel.overdue_q(today)).count(),
    })


def _rect_page(request, rect, *, error: str = "", form: str = "", posted=None, status: int = 200):
    user = request.user
    return render(request, "onestop/ratings/rect.html", {
        "row": rect_row(rect, timezone.localdate()), "rating": rating_row(rect.rating), "error": error, "form": form, "posted": posted or {},
        "can_reply": rect.status == RectificationStatus.OPEN and can(user, "onestop.rectify", rect),
        "can_visit": rect.status == RectificationStatus.REPLIED and can(user, "onestop.visit", rect),
    }, status=status)


@requires("onestop.view")
def rect_detail(request, public_id):
    return _rect_page(request, sel.staff_rectification(request.user, public_id))


@requires("onestop.rectify")
@require_POST
def rect_reply(request, public_id):
    rect = sel.staff_rectification(request.user, public_id, perm="onestop.rectify")
    try:
        actions.reply(request.user, rect, reply=request.POST.get("reply", ""))
    except DigiGovError as exc:
        return _rect_page(request, rect, error=exc.message, form="reply", posted=request.POST, status=exc.status)
    messages.success(request, "整改情况已提交，等待回访")
    return redirect("ratings:rect", public_id=rect.public_id)


@requires("onestop.visit")
@require_POST
def rect_visit(request, public_id):
    rect = sel.staff_rectification(request.user, public_id, perm="onestop.visit")
    try:
        actions.visit(request.user, rect, satisfied=request.POST.get("satisfied", ""), note=request.POST.get("note", ""))
    except DigiGovError as exc:
        return _rect_page(request, rect, error=exc.message, form="visit", posted=request.POST, status=exc.status)
    messages.success(request, "回访已记录，整改单办结")
    return redirect("ratings:rect", public_id=rect.public_id)


# --- statistics -----------------------------------------------------------------------------------------

def _period(request) -> st.Period:
    return st.period_from(request.GET.get("from"), request.GET.get("to"))


@requires("onestop.view")
def stats(request):
    period = _period(request)
    dimension = request.GET.get("dim") if request.GET.get("dim") in st.DIMENSIONS else "department"
    result = st.compute(request.user, period, dimension)
    base = f"from={period.start.isoformat()}&to={period.end.isoformat()}&dim={dimension}"
    top = result.groups[:20]
    rows_url = reverse("ratings:stats_rows")
    chart_opts = {}
    if top:
        parts = [{"label": g.label, "value": g.satisfaction, "key": g.key} for g in top if g.ratings]
        if parts:
            chart_opts["chart-satisfaction"] = charts.percent_bar(parts, "满意率", color=charts.GREEN,
                                                                 link=lambda p: f"{rows_url}?{base}&metric=satisfaction&key={p['key']}")
        parts = [{"label": g.label, "value": g.online_rate, "key": g.key} for g in top if g.cases]
        if parts:
            chart_opts["chart-online"] = charts.percent_bar(parts, "网上受理率", color=charts.BLUE,
                                                           link=lambda p: f"{rows_url}?{base}&metric=online&key={p['key']}")
    return render(request, "onestop/ratings/stats.html", {
        "s": result, "base": base, "dimensions": st.DIMENSIONS.items(), "dimension": dimension, "dimension_label": st.DIMENSIONS[dimension],
        "charts": chart_opts,
    })


@requires("onestop.view")
def stats_rows(request):
    period = _period(request)
    dimension = request.GET.get("dim") if request.GET.get("dim") in st.DIMENSIONS else "department"
    metric = request.GET.get("metric") if request.GET.get("metric") in st.METRICS else "online"
    key = (request.GET.get("key") or "")[:40]
    try:
        page = max(1, min(int(request.GET.get("page") or 1), 10**6))
    except ValueError:
        page = 1
    ctx = {"metric": metric, "metric_label": st.METRICS[metric], "period": period, "key": key, "dimension": dimension, "page": page,
           "back": f"?from={period.start.isoformat()}&to={period.end.isoformat()}&dim={dimension}"}
    query = request.GET.copy()
    query.pop("page", None)
    ctx["query"] = query.urlencode()
    if metric == "satisfaction":
        qs = st.drill_ratings(request.user, period, dimension, key)
        rows = list(qs[(page - 1) * PAGE: page * PAGE + 1])
        ctx.update(kind="ratings", rows=[rating_row(r) for r in rows[:PAGE]], has_next=len(rows) > PAGE)
    else:
        from digigov.support.workflow.models import Case

        ids, facts = st.drill_cases(request.user, period, metric, dimension, key)
        page_ids = ids[(page - 1) * PAGE: page * PAGE]
        cases = {c.pk: c for c in Case.objects.filter(pk__in=page_ids).select_related("department")}
        counted = st.CASE_METRIC_COUNTED[metric]
        ctx.update(kind="cases", total=len(ids), counted_total=sum(1 for pk in ids if counted(facts[pk])), has_next=len(ids) > page * PAGE,
                   rows=[{"c": cases[pk], "f": facts[pk], "counted": counted(facts[pk])} for pk in page_ids if pk in cases])
    return render(request, "onestop/ratings/stats_rows.html", ctx)
