"""Staff pages at ``/workbench/data/gateway/``: the access log (scoped, filtered, keyset pages, chain
verification of the latest records) and the usage table per app and resource."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from digigov.core.web.decorators import requires
from digigov.core.web.listing import request_keyset
from digigov.data.sharing.models import AccessChainHead, UsageKind

from . import accesslog, selectors
from .codes import result_label

PAGE = 50
VERIFY_WINDOW = 10_000


def _date(value):
    try:
        return dt.date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        return None


def _filters(request) -> dict:
    outcome = request.GET.get("outcome", "")
    return {"app_key": request.GET.get("app", "")[:32].strip(), "entry_code": request.GET.get("entry", "")[:64].strip(),
            "outcome": outcome if outcome in ("ok", "refused") else "", "day_from": _date(request.GET.get("from")),
            "day_to": _date(request.GET.get("to"))}


@requires(selectors.PERM)
def access_log(request):
    f = _filters(request)
    qs = selectors.filter_records(selectors.access_records(request.user), **f)
    records, next_cursor, after = request_keyset(request, qs, PAGE)
    names = selectors.names_for(records)
    rows = [{
        "r": r, "app": names["apps"].get(r.app_id, "已删除的应用"),
        "entry": names["entries"].get(r.entry_id, ("", "—"))[1] if r.entry_id else "—",
        "provider": names["departments"].get(r.provider_id, "—"), "consumer": names["departments"].get(r.consumer_id, "—"),
        "result": result_label(r.code), "ok": r.status < 400, "ms": f"{r.duration_us / 1000:.1f}",
    } for r in records]
    query = "&".join(f"{k}={v}" for k, v in (("app", f["app_key"]), ("entry", f["entry_code"]), ("outcome", f["outcome"]),
                                              ("from", request.GET.get("from", "")[:10]), ("to", request.GET.get("to", "")[:10])) if v)
    return render(request, "gateway/access_log.html", {
        "rows": rows, "f": f, "next_cursor": next_cursor, "after": after, "query": query,
        "date_from": request.GET.get("from", "")[:10], "date_to": request.GET.get("to", "")[:10], "tab": "log",
    })


@requires(selectors.PERM)
@require_http_methods(["GET", "POST"])
def verify(request):
    report = None
    head = AccessChainHead.objects.filter(pk=1).first()
    if request.method == "POST":
        start = max(1, (head.last_seq if head else 0) - VERIFY_WINDOW + 1)
        report = accesslog.verify_access_chain(start=start)
    return render(request, "gateway/verify.html", {"report": report, "last_seq": head.last_seq if head else 0, "window": VERIFY_WINDOW,
                                                   "tab": "verify"})


@requires(selectors.PERM)
def usage(request):
    today = timezone.localdate()
    day_to = _date(request.GET.get("to")) or today
    day_from = _date(request.GET.get("from")) or day_to - dt.timedelta(days=6)
    if day_from > day_to:
        day_from, day_to = day_to, day_from
    if (day_to - day_from).days > 366:
        day_from = day_to - dt.timedelta(days=366)
    lines = selectors.usage_lines(request.user, day_from=day_from, day_to=day_to)
    names = selectors.names_for(lines)
    kinds = dict(UsageKind.choices)
    rows = [{
        "app": names["apps"].get(line.app_ref, "—") if line.app_ref else "—", "kind": kinds.get(line.kind, "其他"),
        "entry": names["entries"].get(line.entry_id, ("", "—"))[1], "provider": names["departments"].get(line.provider_id, "—"),
        "consumer": names["departments"].get(line.consumer_id, "—"), "calls": line.calls, "errors": line.errors, "rows": line.rows,
        "kb": f"{line.bytes / 1024:.1f}",
    } for line in lines]
    return render(request, "gateway/usage.html", {"rows": rows, "day_from": day_from.isoformat(), "day_to": day_to.isoformat(), "tab": "usage"})
