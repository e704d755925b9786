from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.errors import DigiGovError, get_or_404
from digigov.core.kpi.actions import latest
from digigov.core.kpi.breakdown import DrillFilter
from digigov.core.kpi.selectors import drill_rows, visible_parts
from digigov.core.rbac.checks import can
from digigov.core.web import charts
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import actions, kpis, selectors
from .forms import DecisionForm, ResourceRequestForm, WithdrawForm
from .models import CloudPlatform, CloudStatus, RequestStatus, UtilisationSample

CHART_DAYS = 30


def _utilisation_chart(pool) -> dict | None:
    since = timezone.now() - dt.timedelta(days=CHART_DAYS)
    samples = list(UtilisationSample.objects.filter(pool=pool, at__gte=since).order_by("at")
                   .values_list("at", "cpu_pct", "mem_pct", "storage_pct"))
    if not samples:
        return None
    labels = [timezone.localtime(s[0]).strftime("%m-%d %H:%M") for s in samples]
    return charts.percent_lines(_("资源使用率（近%(days)s天）") % {"days": CHART_DAYS}, labels, [
        (_("CPU"), [round(s[1], 1) for s in samples], charts.RED),
        (_("内存"), [round(s[2], 1) for s in samples], charts.BLUE),
        (_("存储"), [round(s[3], 1) for s in samples], charts.GREEN),
    ])


@requires("cloud.view")
def overview(request):
    capacities = selectors.pool_capacities(selectors.active_pools())
    chart = _utilisation_chart(capacities[0].pool) if capacities else None
    platforms = CloudPlatform.objects.active()
    return render(request, "cloud/overview.html", {
        "pools": capacities,
        "chart": chart,
        "rate": kpis.cloud_rate(),
        "k01": latest("K01"),
        "platform_total": platforms.count(),
        "platform_integrated": platforms.filter(integrated=True).count(),
        "pending_count": selectors.pending_requests(request.user).count(),
        "can_request": can(request.user, "cloud.request"),
    })


@requires("cloud.view")
def adoption(request):
    """非涉密信息系统上云率: the city figure, its breakdown and the rows behind it — parts and rows only
    inside the viewer's reach (a department admin does not see other departments' systems)."""
    rate = kpis.cloud_rate()
    by_division, by_department = visible_parts(request.user, rate, "cloud.view")
    flt = DrillFilter.from_query(request.GET)
    drill = drill_rows(request.user, kpis.cloud_rate_rows, flt, perm="cloud.view")
    page = paginate(request, drill.queryset)
    rows = [(drill.counted(o), drill.cells(o)) for o in page["object_list"]]
    base = reverse("cloud:adoption")
    chart_opts = {}
    if by_division:
        chart_opts["chart-rate-div"] = charts.percent_bar(by_division, _("按区划"),
                                                          link=lambda p: f"{base}?{urlencode({'division': p.key})}")
    return render(request, "cloud/adoption.html", {
        "rate": rate, "by_division": by_division, "by_department": by_department, "charts": chart_opts,
        "columns": drill.columns, "rows": rows, "drill_filter": flt, **page,
    })


@requires("cloud.view")
def platforms(request):
    qs = selectors.platforms(request.user)
    integrated = request.GET.get("integrated", "")
    if integrated in ("1", "0"):
        qs = qs.filter(integrated=integrated == "1")
    return render(request, "cloud/platforms.html", {"integrated": integrated, **paginate(request, qs.order_by("department__path", "name", "id"))})


@requires("cloud.view")
def systems(request):
    qs = selectors.systems(request.user)
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
    qs = selectors.requests(request.user).filter(voided_at__isnull=True)
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    return render(request, "cloud/requests.html", {
        "status": status, "statuses": RequestStatus.choices, "can_request": can(request.user, "cloud.request"),
        **paginate(request, qs.order_by("-created_at", "-id")),
    })


def capacity_intro(capacity: selectors.Capacity | None) -> str:
    """The form's line on what is free: the same figures the capacity checks use."""
    if capacity is None:
        return ""
    free = capacity.free()
    text = _("资源池“%(name)s”当前剩余：vCPU %(cpu)s 核，内存 %(mem)s GB，存储 %(sto)s TB。") % {
        "name": capacity.pool.name, "cpu": max(free.vcpu, 0), "mem": max(free.memory_gb, 0), "sto": max(free.storage_tb, 0),
    }
    if capacity.quota is not None:
        q = {d.key: max(d.quota_free, 0) for d in capacity.dims}
        text += _("%(dept)s配额剩余：vCPU %(cpu)s 核，内存 %(mem)s GB，存储 %(sto)s TB。") % {
            "dept": capacity.department.name, "cpu": q["vcpu"], "mem": q["memory_gb"], "sto": q["storage_tb"]}
    return text


def _form_capacity(form: ResourceRequestForm, pool) -> selectors.Capacity | None:
    """The capacity the form's intro names: as the submitted department sees it, or — before a submission —
    as the user's only department sees it (with its quota), else the pool's alone."""
    if pool is None:
        return None
    if form.capacity is not None:
        return form.capacity
    departments = list(form.fields["department"].queryset[:2])
    return selectors.pool_capacity(pool, departments[0] if len(departments) == 1 else None)


@requires("cloud.request")
@require_http_methods(["GET", "POST"])
def request_new(request):
    pool = selectors.default_pool()
    form = ResourceRequestForm(request.POST or None, user=request.user, pool=pool)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req, created = actions.submit_request(
                request.user, department=data["department"], purpose=data["purpose"], system=data["system"], vcpu=data["vcpu"],
                memory_gb=data["memory_gb"], storage_tb=data["storage_tb"], reason=data["reason"], pool=pool,
                idempotency_key=data.get("idempotency_key") or "",
            )
        except DigiGovError as exc:
            field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
            form.add_error(field if field in form.fields and field != "idempotency_key" else None, exc.message)
        else:
            messages.success(request, _("申请已提交，等待审批") if created else _("该申请此前已提交，未重复创建"))
            return redirect("cloud:request", public_id=req.public_id)
    intro = capacity_intro(_form_capacity(form, pool))
    return render(request, "web/form.html", {"form": form, "title": _("申请政务云资源"), "intro": intro, "submit_label": _("提交申请")},
                  status=400 if form.errors else 200)


def _request_in_scope(request, public_id, perm="cloud.view"):
    return get_or_404(selectors.requests(request.user, perm), public_id=public_id)


def _detail(request, req, form=None, status=200, error="", withdraw_form=None):
    open_ = req.status == RequestStatus.SUBMITTED and req.voided_at is None
    can_decide = open_ and can(request.user, "cloud.approve", req)
    can_withdraw = open_ and can(request.user, "cloud.request", req)
    capacity = selectors.pool_capacity(req.pool, req.department) if can_decide else None
    return render(request, "cloud/request_detail.html", {
        "req": req, "form": form or (DecisionForm() if can_decide else None), "can_decide": can_decide, "can_withdraw": can_withdraw,
        "withdraw_form": withdraw_form or (WithdrawForm() if can_withdraw else None), "capacity": capacity, "error": error,
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
    form = WithdrawForm(request.POST)
    if not form.is_valid():  # a destructive step: the confirmation box must be ticked
        return _detail(request, req, status=400, withdraw_form=form)
    actions.withdraw_request(request.user, req)
    messages.success(request, _("申请已撤回"))
    return redirect("cloud:request", public_id=req.public_id)
