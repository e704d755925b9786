"""Workbench pages of 批量交换与数据回流: jobs (create from a subscription, run now, pause/resume, schedule),
runs with status, dead letters with retry, return-flow tasks with their per-unit deliveries, and the
download of a delivered file (only the receiving department's own staff; each download audited)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.audit.actions import record
from digigov.core.errors import DigiGovError, Forbidden, get_or_404
from digigov.core.rbac.checks import can, scope_queryset
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate
from digigov.data.catalog.models import CatalogEntry, MountKind

from . import actions, engine, selectors
from .forms import JobForm, ReturnForm, ScheduleForm
from .models import Delivery, JobStatus, RunStatus


def _field_error(form, exc: DigiGovError) -> None:
    field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
    form.add_error(field if field in form.fields else None, exc.message)


def _tabs(request) -> dict:
    return {"can_manage": can(request.user, "exchange.manage"), "can_retry": can(request.user, "exchange.retry")}


@requires("exchange.view")
def jobs(request):
    qs = selectors.jobs(request.user).order_by("-created_at", "-id")
    return render(request, "exchange/jobs.html", {**_tabs(request), **paginate(request, qs)})


@requires("exchange.manage")
@require_http_methods(["GET", "POST"])
def job_new(request):
    form = JobForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = actions.create_job(request.user, **form.cleaned_data)
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("交换任务已创建"))
            return redirect("exchange:job", public_id=job.public_id)
    if not form.fields["subscription"].queryset.exists() and request.method == "GET":
        return render(request, "exchange/no_subscription.html", {**_tabs(request)})
    return render(request, "web/form.html", {"form": form, "title": _("新建批量交换任务"), "submit_label": _("创建"),
                                             "intro": _("把共享授权的目录条目库表同步到本部门的前置库表或交换文件。")},
                  status=400 if form.errors else 200)


@requires("exchange.view")
def job_detail(request, public_id):
    job = get_or_404(selectors.jobs(request.user), public_id=public_id)
    runs = selectors.runs(request.user).filter(job=job).order_by("-created_at", "-id")
    manage = can(request.user, "exchange.manage", job)
    return render(request, "exchange/job_detail.html", {
        "job": job, "can_run": manage and job.status == JobStatus.ACTIVE, "can_manage_job": manage,
        "schedule_form": ScheduleForm(initial={"schedule": job.schedule}) if manage else None,
        "sub": job.subscription, **_tabs(request), **paginate(request, runs)})


@requires("exchange.manage")
@require_POST
def job_run(request, public_id):
    job = get_or_404(selectors.jobs(request.user, "exchange.manage"), public_id=public_id)
    try:
        run = actions.run_job(request.user, job)
    except DigiGovError as exc:
        messages.error(request, exc.message)
        return redirect("exchange:job", public_id=job.public_id)
    return redirect("exchange:run", public_id=run.public_id)


@requires("exchange.manage")
@require_POST
def job_status(request, public_id):
    job = get_or_404(selectors.jobs(request.user, "exchange.manage"), public_id=public_id)
    status = request.POST.get("status") or None
    schedule = request.POST.get("schedule") or None
    try:
        actions.update_job(request.user, job, status=status, schedule=schedule)
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("交换任务已更新"))
    return redirect("exchange:job", public_id=job.public_id)


@requires("exchange.view")
def runs(request):
    qs = selectors.runs(request.user).order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    if status in RunStatus.values:
        qs = qs.filter(status=status)
    return render(request, "exchange/runs.html", {"statuses": RunStatus.choices, "status": status, "title": _("交换记录"),
                                                  **_tabs(request), **paginate(request, qs)})


@requires("exchange.view")
def dead_letters(request):
    qs = selectors.dead_letters(request.user).order_by("-finished_at", "-id")
    return render(request, "exchange/dead_letters.html", {**_tabs(request), **paginate(request, qs)})


@requires("exchange.view")
def run_detail(request, public_id):
    run = get_or_404(selectors.runs(request.user), public_id=public_id)
    return render(request, "exchange/run_detail.html", {
        "run": run, "may_download": run.has_file and selectors.may_download(request.user, run), "download_ext": download_ext(run),
        "may_retry": run.status == RunStatus.DEAD and can(request.user, "exchange.retry", run),
        "refresh": run.status in (RunStatus.QUEUED, RunStatus.RUNNING), **_tabs(request)})


@requires("exchange.retry")
@require_POST
def run_retry(request, public_id):
    run = get_or_404(selectors.runs(request.user), public_id=public_id)
    try:
        actions.retry_run(request.user, run)
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已重新排队执行"))
    return redirect("exchange:run", public_id=run.public_id)


@requires("exchange.download")
def run_file(request, public_id, ext):
    run = get_or_404(selectors.runs(request.user), public_id=public_id)
    if ext != download_ext(run):
        raise Http404
    if not selectors.may_download(request.user, run):
        raise Forbidden("只有接收单位可以下载交换文件", code="not_receiver")
    path = engine.file_path(run) if run.has_file else None
    if path is None or not path.exists():
        raise Http404
    with transaction.atomic():
        record(request.user, "exchange.run.download", run, after={"file": run.file_name, "rows": run.rows})
    kind = run.file_name.rsplit(".", 1)[-1]
    name = f"{run.entry.name}-{run.created_at:%Y%m%d%H%M}.{kind}"
    content_type = "text/csv; charset=utf-8" if kind == Delivery.CSV else "application/x-ndjson; charset=utf-8"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name, content_type=content_type)


def download_ext(run) -> str:
    return "csv" if run.file_name.endswith(".csv") else "json"


@requires("exchange.view")
def returns(request):
    qs = selectors.return_tasks(request.user).order_by("-created_at", "-id")
    return render(request, "exchange/returns.html", {**_tabs(request), **paginate(request, qs)})


def _return_entries(user):
    qs = CatalogEntry.objects.filter(voided_at__isnull=True, mounts__kind=MountKind.TABLE, mounts__voided_at__isnull=True).distinct()
    return scope_queryset(user, "exchange.manage", qs, department_field="department", division_field="department__division").select_related("department")


@requires("exchange.manage")
def return_entry(request):
    qs = _return_entries(request.user).order_by("code")
    return render(request, "exchange/return_entry.html", {**_tabs(request), **paginate(request, qs)})


@requires("exchange.manage")
@require_http_methods(["GET", "POST"])
def return_new(request, entry_id):
    entry = get_or_404(_return_entries(request.user), public_id=entry_id)
    form = ReturnForm(request.POST or None, entry=entry, division_items=actions.division_items(entry))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = actions.create_return_task(request.user, entry=entry, name=data["name"], division_field=data["division_field"],
                                              fields=data["fields"], clear_fields=data["clear_fields"], receivers=list(data["receivers"]))
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("回流任务已创建"))
            return redirect("exchange:return", public_id=task.public_id)
    return render(request, "web/form.html", {"form": form, "title": _("新建数据回流任务") + " · " + entry.name, "submit_label": _("创建"),
                                             "intro": _("把本部门的数据回流到区县、乡镇（街道）和村（社区），各单位只收到本辖区的数据。")},
                  status=400 if form.errors else 200)


@requires("exchange.view")
def return_detail(request, public_id):
    task = get_or_404(selectors.return_tasks(request.user), public_id=public_id)
    deliveries = selectors.runs(request.user).filter(return_task=task).select_related("receiver__division").order_by("-created_at", "receiver__code")
    items = {i.field_name: i.name for i in task.entry.items.all()}
    return render(request, "exchange/return_detail.html", {
        "task": task, "receivers": task.receivers.select_related("division").order_by("code"),
        "field_names": [items.get(f, f) for f in task.fields], "clear_names": [items.get(f, f) for f in task.clear_fields],
        "division_name": items.get(task.division_field, task.division_field),
        "can_run": can(request.user, "exchange.manage", task), **_tabs(request), **paginate(request, deliveries)})


@requires("exchange.manage")
@require_POST
def return_run(request, public_id):
    task = get_or_404(selectors.return_tasks(request.user, "exchange.manage"), public_id=public_id)
    try:
        actions.run_return_task(request.user, task)
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已开始回流，各单位的交付结果见下表"))
    return redirect("exchange:return", public_id=task.public_id)
