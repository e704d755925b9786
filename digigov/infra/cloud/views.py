from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.errors import DigiGovError, get_or_404
from digigov.core.kpi.actions import latest
from digigov.core.rbac.checks import can, scope_queryset
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import actions, kpis
from .forms import DecisionForm, ResourceRequestForm
from .models import (
    CloudPlatform,
    CloudStatus,
    HostedSystem,
    RequestStatus,
    ResourcePool,
    ResourceRequest,
    UtilisationSample,
)

SCOPE = {"department_field": "department", "division_field": "department__division"}
CHART_DAYS = 30


def _pool_rows(pools):
    rows = []
    for pool in pools:
        used = actions.pool_usage(pool)
        dims = []
        for dim, label, unit in actions.DIMENSIONS:
            total = {"vcpu": pool.vcpu_total, "memory_gb": pool.memory_gb_total, "storage_tb": pool.storage_tb_total}[dim]
            allocated = used.get(dim)
            pct = round(100 * float(allocated) / float(total), 1) if total else None
            dims.append({"label": label, "unit": unit, "total": total, "allocated": allocated, "free": total - allocated, "pct": pct})
        rows.append({"pool": pool, "dims": dims})
    return rows


def _utilisation_chart(pool) -> dict | None:
    since = timezone.now() - dt.timedelta(days=CHART_DAYS)
    samples = list(UtilisationSample.objects.filter(pool=pool, at__gte=since).order_by("at")
                   .values_list("at", "cpu_pct", "mem_pct", "storage_pct"))
    if not samples:
        return None
    labels = [timezone.localtime(s[0]).strftime("%m-%d %H:%M") for s in samples]

    def series(name, idx, color):
        return {"name": name, "type": "line", "showSymbol": False, "smooth": True, "itemStyle": {"color": color},
                "data": [round(s[idx], 1) for s in samples]}

    return {
        "title": {"text": _("资源使用率（近%(days)s天）") % {"days": CHART_DAYS}, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "right": 10},
        "grid": {"left": 50, "right": 20, "bottom": 60},
        "xAxis": {"type": "category", "data": labels, "boundaryGap": False},
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
        "dataZoom": [{"type": "inside"}, {"type": "slider"}],
        "series": [series(_("CPU"), 1, "#c62828"), series(_("内存"), 2, "#1565c0"), series(_("存储"), 3, "#2e7d32")],
    }


def _bar(parts, title):
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 20, "bottom": 80},
        "xAxis": {"type": "category", "data": [p.label for p in parts], "axisLabel": {"rotate": 40, "interval": 0}},
        "yAxis": {"type": "value", "max": 100, "name": "%"},
        "series": [{"type": "bar", "data": [p.value for p in parts], "itemStyle": {"color": "#c62828"},
                    "label": {"show": True, "position": "top"}}],
    }


@requires("cloud.view")
def overview(request):
    pools = list(ResourcePool.objects.active().select_related("platform").order_by("id"))
    chart = _utilisation_chart(pools[0]) if pools else None
    rate = kpis.cloud_rate()
    platforms = CloudPlatform.objects.active()
    pending = scope_queryset(request.user, "cloud.view", ResourceRequest.objects.active().filter(status=RequestStatus.SUBMITTED), **SCOPE)
    return render(request, "cloud/overview.html", {
        "pools": _pool_rows(pools),
        "chart": chart,
        "rate": rate,
        "k01": latest("K01"),
        "platform_total": platforms.count(),
        "platform_integrated": platforms.filter(integrated=True).count(),
        "pending_count": pending.count(),
        "can_request": can(request.user, "cloud.request"),
    })


@requires("cloud.view")
def adoption(request):
    """非涉密信息系统上云率: the figure, its breakdown and the rows behind it."""
    rate = kpis.cloud_rate()
    division = request.GET.get("division", "")[:12] or None
    department = request.GET.get("department", "")[:22] or None
    drill = kpis.cloud_rate_rows(division=division, department=department)
    page = paginate(request, drill.queryset)
    rows = [(drill.counted(o), drill.cells(o)) for o in page["object_list"]]
    charts = {}
    if rate.by_division:
        charts["chart-rate-div"] = _bar(rate.by_division, _("按区划"))
    return render(request, "cloud/adoption.html", {"rate": rate, "charts": charts, "columns": drill.columns, "rows": rows,
                                                   "division": division, "department": department, **page})


@requires("cloud.view")
def platforms(request):
    qs = scope_queryset(request.user, "cloud.view", CloudPlatform.objects.active().select_related("department__division"), **SCOPE)
    integrated = request.GET.get("integrated", "")
    if integrated in ("1", "0"):
        qs = qs.filter(integrated=integrated == "1")
    return render(request, "cloud/platforms.html", {"integrated": integrated, **paginate(request, qs.order_by("department__path", "name", "id"))})


@requires("cloud.view")
def systems(request):
    qs = scope_queryset(request.user, "cloud.view", HostedSystem.objects.active().select_related("department", "platform"), **SCOPE)
    status = request.GET.get("status", "")
    if status in CloudStatus.values:
        qs = qs.filter(cloud_status=status)
    classified = request.GET.get("classified", "")
    if classified in ("1", "0"):
        qs = qs.filter(classified=classified == "1")
    return render(request, "cloud/systems.html", {
        "status": status, "classified": classified, "statuses": CloudStatus.choices,
        **paginate(request, qs.order_by("department__path", "name", "id")),
    })


@requires("cloud.view")
def requests_list(request):
    qs = scope_queryset(request.user, "cloud.view", ResourceRequest.objects.active().select_related("department", "system"), **SCOPE)
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    return render(request, "cloud/requests.html", {
        "status": status, "statuses": RequestStatus.choices, "can_request": can(request.user, "cloud.request"),
        **paginate(request, qs.order_by("-created_at", "-id")),
    })


@requires("cloud.request")
@require_http_methods(["GET", "POST"])
def request_new(request):
    form = ResourceRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req, created = actions.submit_request(
                request.user, department=data["department"], purpose=data["purpose"], system=data["system"], vcpu=data["vcpu"],
                memory_gb=data["memory_gb"], storage_tb=data["storage_tb"], reason=data["reason"],
                idempotency_key=data.get("idempotency_key") or "",
            )
        except DigiGovError as exc:
            field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
            form.add_error(field if field in form.fields and field != "idempotency_key" else None, exc.message)
        else:
            messages.success(request, _("申请已提交，等待审批") if created else _("该申请此前已提交，未重复创建"))
            return redirect("cloud:request", public_id=req.public_id)
    pool = actions.default_pool()
    intro = ""
    if pool is not None:
        used = actions.pool_usage(pool)
        intro = _("资源池“%(name)s”当前剩余：vCPU %(cpu)s 核，内存 %(mem)s GB，存储 %(sto)s TB。") % {
            "name": pool.name, "cpu": pool.vcpu_total - used.vcpu, "mem": pool.memory_gb_total - used.memory_gb,
            "sto": pool.storage_tb_total - used.storage_tb,
        }
    return render(request, "web/form.html", {"form": form, "title": _("申请政务云资源"), "intro": intro, "submit_label": _("提交申请")},
                  status=400 if form.errors else 200)


def _request_in_scope(request, public_id, perm="cloud.view"):
    qs = scope_queryset(request.user, perm, ResourceRequest.objects.select_related(
        "department__division", "pool", "system", "submitted_by", "decided_by"), **SCOPE)
    return get_or_404(qs, public_id=public_id)


def _detail(request, req, form=None, status=200, error=""):
    can_decide = req.status == RequestStatus.SUBMITTED and req.voided_at is None and can(request.user, "cloud.approve", req)
    can_withdraw = req.status == RequestStatus.SUBMITTED and req.voided_at is None and can(request.user, "cloud.request", req)
    capacity = None
    if can_decide:
        used = actions.pool_usage(req.pool)
        capacity = {"vcpu": req.pool.vcpu_total - used.vcpu, "memory_gb": req.pool.memory_gb_total - used.memory_gb,
                    "storage_tb": req.pool.storage_tb_total - used.storage_tb}
    return render(request, "cloud/request_detail.html", {
        "req": req, "form": form or (DecisionForm() if can_decide else None), "can_decide": can_decide, "can_withdraw": can_withdraw,
        "capacity": capacity, "error": error,
    }, status=status)


@requires("cloud.view")
def request_detail(request, public_id):
    return _detail(request, _request_in_scope(request, public_id))


@requires("cloud.approve")
@require_POST
def request_decide(request, public_id):
    req = _request_in_scope(request, public_id, "cloud.approve")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, req, form, status=400)
    try:
        if form.cleaned_data["decision"] == "approve":
            actions.approve_request(request.user, req, form.cleaned_data["note"])
            messages.success(request, _("已批准，资源已分配"))
        else:
            actions.reject_request(request.user, req, form.cleaned_data["note"])
            messages.success(request, _("已驳回"))
    except DigiGovError as exc:
        form.add_error(None, exc.message)
        return _detail(request, _request_in_scope(request, public_id, "cloud.approve"), form, status=exc.status, error=exc.message)
    return redirect("cloud:request", public_id=req.public_id)


@requires("cloud.request")
@require_POST
def request_withdraw(request, public_id):
    req = _request_in_scope(request, public_id, "cloud.request")
    actions.withdraw_request(request.user, req)
    messages.success(request, _("申请已撤回"))
    return redirect("cloud:request", public_id=req.public_id)

