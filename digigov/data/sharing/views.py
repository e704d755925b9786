"""Workbench pages of data sharing (``/workbench/data/sharing/``): 共享目录 and an entry's items with their
classification, the request form (field picker with each item's level and personal-information badge),
my department's requests, requests to review, a request's detail with its timeline and decision form,
subscriptions (what the gateway enforces, with usage from the meters), calling apps (the secret shown
once, on the page that creates or rotates it) and 共享交换统计 (K06 and the call/exchange charts).

Every write goes through ``actions``; controls appear only for those who may use them (``can`` with the object)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import DigiGovError
from digigov.core.org.models import Department
from digigov.core.rbac.checks import can
from digigov.core.registry import AUDIT_EVENTS
from digigov.core.web import charts
from digigov.core.web.decorators import requires
from digigov.core.web.listing import request_keyset
from digigov.data.catalog.models import DataItem, SharingType
from digigov.data.catalog.search import SearchFilters, search_entries

from . import selectors
from .actions import apps as app_actions
from .actions import requests as req_actions
from .forms import AppForm, DecisionForm, DemandForm, ReasonForm, RequestForm, departments_for
from .kpis import compute_k06
from .models import AppStatus, ConsumerApp, RequestStatus, ShareRequest, Subscription, SubscriptionStatus, UsageDaily, UsageKind

PAGE = 20
REQ_RELATED = ("requester", "provider", "entry", "app")
SUB_RELATED = ("app__department", "entry__department")


def _error_to_form(form, exc: DigiGovError) -> None:
    field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
    form.add_error(field if field in form.fields else None, exc.message)


def _keyset_page(request, qs, size: int = PAGE) -> dict:
    rows, next_cursor, after = request_keyset(request, qs, size)
    params = request.GET.copy()
    params.pop("after", None)
    base = params.urlencode()
    return {"rows": rows, "next_url": f"?{base + '&' if base else ''}after={next_cursor}" if next_cursor else "",
            "first_url": f"?{base}" if after else ""}


# --- 共享目录 ---------------------------------------------------------------------------------------------
@requires("sharing.view")
def catalog(request):
    """Published entries that may be shared; with words, the catalog's full-text search (jieba) over them."""
    q = (request.GET.get("q") or "").strip()[:100]
    sharing = request.GET.get("sharing") if request.GET.get("sharing") in (SharingType.UNCONDITIONAL, SharingType.CONDITIONAL) else ""
    after = (request.GET.get("after") or "")[:64] or None
    base_qs = selectors.shareable_entries(request.user)
    if q:
        try:
            rows, cursor = search_entries(request.user, q, SearchFilters(status="published", sharing_type=sharing or None), after=after,
                                          limit=PAGE)
        except DigiGovError:
            rows, cursor = [], None
        rows = [e for e in rows if e.sharing_type != SharingType.NONE]
    else:
        qs = base_qs.select_related("department", "category").order_by("code")
        if sharing:
            qs = qs.filter(sharing_type=sharing)
        if after:
            qs = qs.filter(code__gt=after)
        rows = list(qs[: PAGE + 1])
        cursor = rows[PAGE - 1].code if len(rows) > PAGE else None
        rows = rows[:PAGE]
    counts = dict(DataItem.objects.filter(entry_id__in=[e.pk for e in rows]).values_list("entry_id").annotate(n=Count("pk"))
                  .values_list("entry_id", "n"))
    for e in rows:
        e.item_count = counts.get(e.pk, 0)
    params = {k: v for k, v in {"q": q, "sharing": sharing}.items() if v}
    return render(request, "sharing/catalog.html", {
        "entries": rows, "q": q, "sharing": sharing, "sharings": [c for c in SharingType.choices if c[0] != SharingType.NONE],
        "next_url": f"?{urlencode(params | {'after': cursor})}" if cursor else "", "first_url": f"?{urlencode(params)}" if after else "",
        "can_request": can(request.user, "sharing.request"),
    })


@requires("sharing.view")
def entry(request, public_id):
    e = selectors.shareable_entry_for(request.user, public_id)
    items = list(DataItem.objects.filter(entry=e).order_by("seq"))
    may_request = can(request.user, "sharing.request") and departments_for(request.user, "sharing.request").exclude(pk=e.department_id).exists()
    return render(request, "sharing/entry.html", {"entry": e, "items": items, "may_request": may_request,
                                                  "mounts": e.mounts.filter(voided_at__isnull=True).count()})


@requires("sharing.request")
@require_http_methods(["GET", "POST"])
def request_new(request, public_id):
    e = selectors.shareable_entry_for(request.user, public_id)
    problem = req_actions.shareable_problem(e)
    items = list(DataItem.objects.filter(entry=e).order_by("seq"))
    form = RequestForm(request.POST or None, user=request.user, entry=e, items=items)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            req = req_actions.file_request(request.user, requester=d["requester"], entry=e, app=d["app"], fields=d["fields"],
                                           clear_fields=d["clear_fields"], purpose=d["purpose"], basis=d["basis"],
                                           period_start=d["period_start"], period_end=d["period_end"])
        except DigiGovError as exc:
            _error_to_form(form, exc)
        else:
            if req.status == RequestStatus.APPROVED:
                messages.success(request, _("无条件共享的目录条目已自动同意，授权已生成"))
            else:
                messages.success(request, _("共享申请已提交，等待提供部门审核"))
            return redirect("sharing:request", public_id=req.public_id)
    chosen = set(form["fields"].value() or []) if form.is_bound else set()
    chosen_clear = set(form["clear_fields"].value() or []) if form.is_bound else set()
    return render(request, "sharing/request_form.html", {
        "entry": e, "items": items, "form": form, "chosen": chosen, "chosen_clear": chosen_clear, "problem": problem,
    }, status=400 if form.errors else 200)


# --- requests ---------------------------------------------------------------------------------------------
def _request_list(request, qs, title: str, tab: str):
    status = request.GET.get("status") if request.GET.get("status") in RequestStatus.values else ""
    if status:
        qs = qs.filter(status=status)
    page = _keyset_page(request, qs.select_related(*REQ_RELATED))
    return render(request, "sharing/requests.html", {
        "title": title, "tab": tab, "status": status, "statuses": RequestStatus.choices, **page,
        "can_request": can(request.user, "sharing.request"),
    })


@requires("sharing.view")
def requests_mine(request):
    return _request_list(request, selectors.requests_made(request.user), _("本部门的共享申请"), "mine")


@requires("sharing.review")
def review(request):
    return _request_list(request, selectors.review_queue(request.user), _("待我审核的共享申请"), "review")


def _timeline(req: ShareRequest, sub: Subscription | None) -> list[dict]:
    """The request's own milestones (filed, decided or withdrawn) and, after approval, the subscription's
    later status changes from the audit log."""
    events = [{"at": req.created_at, "actor": req.filed_by.display_name, "label": _("提出共享申请")}]
    if req.decided_at:
        events.append({"at": req.decided_at, "actor": req.decided_by.display_name if req.decided_by else "—",
                       "label": _("审核：%(status)s") % {"status": req.get_status_display()}})
    elif req.status == RequestStatus.WITHDRAWN:
        events.append({"at": req.updated_at, "actor": req.filed_by.display_name, "label": _("撤回申请")})
    if sub is not None:
        events.append({"at": sub.created_at, "actor": _("共享交换平台"), "label": _("生成共享授权")})
        for r in (AuditEntry.objects.filter(object_type="sharing.subscription", object_id=sub.public_id,
                                            action__in=("sharing.subscription.active", "sharing.subscription.suspended",
                                                        "sharing.subscription.revoked"))
                  .order_by("seq").values("at", "actor", "action")[:50]):
            events.append({"at": r["at"], "actor": r["actor"], "label": AUDIT_EVENTS.get(r["action"], _("其他操作"))})
    return sorted(events, key=lambda e: e["at"])


@requires("sharing.view")
def request_detail(request, public_id):
    req = selectors.request_for(request.user, public_id)
    sub = Subscription.objects.filter(share_request=req).first()
    names = dict(DataItem.objects.filter(entry_id=req.entry_id).values_list("field_name", "name"))
    may_decide = req.status == RequestStatus.SUBMITTED and can(request.user, "sharing.review", req)
    may_withdraw = req.status == RequestStatus.SUBMITTED and can(request.user, "sharing.request", req.requester)
    form = DecisionForm(req=req, initial={"decision": "approve", "fields": req.fields, "clear_fields": req.clear_fields,
                                          "until": req.period_end})
    return render(request, "sharing/request.html", _request_context(req, sub, names, form, may_decide, may_withdraw))


def _request_context(req, sub, names, form, may_decide, may_withdraw) -> dict:
    def named(fields):
        return [names.get(f, f) for f in fields]
    return {"req": req, "sub": sub, "form": form, "may_decide": may_decide, "may_withdraw": may_withdraw,
            "fields": named(req.fields), "clear_fields": named(req.clear_fields), "approved_fields": named(req.approved_fields),
            "approved_clear_fields": named(req.approved_clear_fields), "timeline": _timeline(req, sub),
            "decision_rows": [(f, names.get(f, f), f in req.clear_fields) for f in req.fields],
            "decided": req.status in (RequestStatus.APPROVED, RequestStatus.NARROWED, RequestStatus.REJECTED)}


@requires("sharing.review")
@require_POST
def request_decide(request, public_id):
    req = selectors.request_for(request.user, public_id)
    form = DecisionForm(request.POST, req=req)
    if form.is_valid():
        d = form.cleaned_data
        try:
            narrow = d["decision"] == "narrow"
            req_actions.decide_request(request.user, req, d["decision"], fields=d["fields"] if narrow else None,
                                       clear_fields=d["clear_fields"] if narrow else None, until=d["until"] if narrow else None,
                                       reply=d["reply"])
        except DigiGovError as exc:
            _error_to_form(form, exc)
        else:
            messages.success(request, _("审核结论已保存"))
            return redirect("sharing:request", public_id=req.public_id)
    names = dict(DataItem.objects.filter(entry_id=req.entry_id).values_list("field_name", "name"))
    req.refresh_from_db()
    return render(request, "sharing/request.html", _request_context(req, Subscription.objects.filter(share_request=req).first(), names, form,
                                                                    req.status == RequestStatus.SUBMITTED, False), status=400)


@requires("sharing.request")
@require_POST
def request_withdraw(request, public_id):
    req = selectors.request_for(request.user, public_id)
    form = ReasonForm(request.POST)
    try:
        req_actions.withdraw_request(request.user, req, form.data.get("reason", "")[:200])
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申请已撤回"))
    return redirect("sharing:request", public_id=req.public_id)


@requires("sharing.request")
@require_http_methods(["GET", "POST"])
def demand_new(request):
    form = DemandForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            req_actions.file_unmet_demand(request.user, requester=d["requester"], provider=d["provider"], title=d["title"], items=d["items"],
                                          purpose=d["purpose"], basis=d["basis"])
        except DigiGovError as exc:
            _error_to_form(form, exc)
        else:
            messages.success(request, _("数据需求已转入需求目录，等待提供部门答复"))
            return redirect("sharing:requests")
    return render(request, "web/form.html", {
        "form": form, "title": _("提出目录外数据需求"), "submit_label": _("提交"),
        "intro": _("共享目录中没有所需数据时填写；需求进入数据资源目录的需求目录，由提供部门答复。"),
    }, status=400 if form.errors else 200)


# --- subscriptions ----------------------------------------------------------------------------------------
@requires("sharing.view")
def subscriptions(request):
    status = request.GET.get("status") if request.GET.get("status") in SubscriptionStatus.values else ""
    qs = selectors.subscriptions_visible(request.user)
    if status:
        qs = qs.filter(status=status)
    page = _keyset_page(request, qs.select_related(*SUB_RELATED))
    return render(request, "sharing/subscriptions.html", {"status": status, "statuses": SubscriptionStatus.choices, **page})


@requires("sharing.view")
def subscription_detail(request, public_id):
    sub = selectors.subscription_for(request.user, public_id)
    items = list(DataItem.objects.filter(entry_id=sub.entry_id).order_by("seq"))
    granted, clear = set(sub.fields), set(sub.clear_fields)
    rows = [{"item": i, "granted": i.field_name in granted, "clear": i.field_name in clear} for i in items if i.field_name in granted]
    may_manage = sub.status != SubscriptionStatus.REVOKED and can(request.user, "sharing.review", sub)
    return render(request, "sharing/subscription.html", {
        "sub": sub, "rows": rows, "usage": selectors.usage_of(sub), "may_manage": may_manage,
        "rate_limit": sub.rate_limit or sub.app.rate_limit, "daily_quota": sub.daily_quota or sub.app.daily_quota,
        "moves": _subscription_moves(sub.status),
    })


def _subscription_moves(status: str) -> list[tuple[str, str]]:
    labels = {SubscriptionStatus.SUSPENDED: _("暂停"), SubscriptionStatus.ACTIVE: _("恢复"), SubscriptionStatus.REVOKED: _("撤销")}
    return [(s, labels[s]) for s, allowed in req_actions.SUBSCRIPTION_MOVES.items() if status in allowed]


@requires("sharing.review")
@require_POST
def subscription_status(request, public_id):
    sub = selectors.subscription_for(request.user, public_id)
    try:
        req_actions.set_subscription_status(request.user, sub, request.POST.get("status", ""), reason=request.POST.get("reason", "")[:200])
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("授权状态已更新"))
    return redirect("sharing:subscription", public_id=sub.public_id)


# --- apps -------------------------------------------------------------------------------------------------
@requires("sharing.view")
def apps(request):
    page = _keyset_page(request, selectors.apps_visible(request.user).select_related("department"))
    return render(request, "sharing/apps.html", {**page, "can_manage": can(request.user, "sharing.manage_apps")})


def _secret_page(request, app: ConsumerApp, secret: str, title: str):
    response = render(request, "sharing/secret.html", {"app": app, "secret": secret, "title": title})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@requires("sharing.manage_apps")
@require_http_methods(["GET", "POST"])
def app_new(request):
    form = AppForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            app, secret = app_actions.create_app(request.user, kind="department", name=d["name"], department=d["department"],
                                                 description=d["description"], rate_limit=d["rate_limit"], daily_quota=d["daily_quota"])
        except DigiGovError as exc:
            _error_to_form(form, exc)
        else:
            return _secret_page(request, app, secret, _("应用已创建"))
    return render(request, "web/form.html", {"form": form, "title": _("创建调用应用"), "submit_label": _("创建"),
                                             "intro": _("创建后页面将显示一次应用密钥，请立即保存；此后不再显示，遗失只能更换。")},
                  status=400 if form.errors else 200)


@requires("sharing.view")
def app_detail(request, public_id):
    app = selectors.app_for(request.user, public_id)
    subs = list(Subscription.objects.filter(app=app).select_related("entry__department").order_by("-id")[:100])
    may_manage = app.status != AppStatus.REVOKED and can(request.user, "sharing.manage_apps", app.department)
    moves = {AppStatus.ACTIVE: [("suspended", _("暂停")), ("revoked", _("注销"))], AppStatus.SUSPENDED: [("active", _("恢复")), ("revoked", _("注销"))]}
    return render(request, "sharing/app.html", {"app": app, "subs": subs, "may_manage": may_manage, "moves": moves.get(app.status, [])})


@never_cache
@requires("sharing.manage_apps")
@require_POST
def app_rotate(request, public_id):
    app = selectors.app_for(request.user, public_id)
    try:
        secret = app_actions.rotate_secret(request.user, app)
    except DigiGovError as exc:
        messages.error(request, exc.message)
        return redirect("sharing:app", public_id=app.public_id)
    return _secret_page(request, app, secret, _("密钥已更换"))


@requires("sharing.manage_apps")
@require_POST
def app_status(request, public_id):
    app = selectors.app_for(request.user, public_id)
    try:
        app_actions.set_app_status(request.user, app, request.POST.get("status", ""), reason=request.POST.get("reason", "")[:200])
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("应用状态已更新"))
    return redirect("sharing:app", public_id=app.public_id)


# --- 共享交换统计 -----------------------------------------------------------------------------------------
STATS_DAYS = 30


@requires("sharing.view")
def stats(request):
    """K06 and the meters: calls, exchanges and 回流 by day (last 30 days) and by providing department."""
    k06 = compute_k06()
    today = timezone.localdate()
    since = today - dt.timedelta(days=STATS_DAYS - 1)
    days = [since + dt.timedelta(days=i) for i in range(STATS_DAYS)]
    meters = UsageDaily.objects.filter(day__gte=since, day__lte=today)
    per_day = {(d, k): n for d, k, n in meters.values_list("day", "kind").annotate(n=Sum("calls")).values_list("day", "kind", "n")}
    colors = {UsageKind.CALL: charts.BLUE, UsageKind.EXCHANGE: charts.GREEN, UsageKind.RETURN: charts.RED}
    by_day = charts.count_lines(_("近30天调用与交换次数"), [d.strftime("%m-%d") for d in days],
                                [(label, [per_day.get((d, kind), 0) for d in days], colors[kind]) for kind, label in UsageKind.choices],
                                unit=_("次"))
    by_dept = list(meters.values("provider_id").annotate(calls=Sum("calls")).order_by("-calls")[:15])
    names = dict(Department.objects.filter(pk__in=[r["provider_id"] for r in by_dept]).values_list("pk", "name"))
    per_kind = {(r["provider_id"], r["kind"]): r["n"] for r in meters.filter(provider_id__in=names).values("provider_id", "kind")
                .annotate(n=Sum("calls"))}
    dept_chart = {
        "title": {"text": _("近30天按提供部门的调用与交换次数"), "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"}, "legend": {"bottom": 0, "left": "center"},
        "grid": {"left": 50, "right": 20, "top": 50, "bottom": 110},
        "xAxis": {"type": "category", "data": [names.get(r["provider_id"], "—") for r in by_dept], "axisLabel": {"rotate": 40, "interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1, "name": _("次")},
        "series": [{"name": label, "type": "bar", "stack": "all", "itemStyle": {"color": colors[kind]},
                    "data": [per_kind.get((r["provider_id"], kind), 0) for r in by_dept]} for kind, label in UsageKind.choices],
    }
    totals = {k: v or 0 for k, v in meters.aggregate(calls=Sum("calls"), rows=Sum("rows"), errors=Sum("errors")).items()}
    drill = can(request.user, "kpi.view")
    share_chart = charts.percent_bar(k06.by_department, _("分提供部门数据共享率"), color=charts.BLUE,
                                     link=(lambda p: reverse("kpi:rows", args=["K06"]) + f"?department={p.key}") if drill else None)
    return render(request, "sharing/stats.html", {
        "k06": k06, "by_day": by_day, "by_dept": dept_chart, "share_chart": share_chart, "totals": totals, "has_meters": bool(by_dept),
        "days": STATS_DAYS, "parts": k06.by_department, "drill": drill,
        "counts": {"requests": ShareRequest.objects.count(), "subscriptions": Subscription.objects.filter(status=SubscriptionStatus.ACTIVE).count(),
                   "apps": ConsumerApp.objects.filter(kind="department").exclude(status=AppStatus.REVOKED).count()},
    })

