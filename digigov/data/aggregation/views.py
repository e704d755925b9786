"""Workbench pages of 数据归集: overview (K05, volume by day and by department), sources, upload with
field errors, the job page (HTMX-polled progress bar, row-level quarantine report, CSV download) and
batch lineage with the first rows it put in the mounted table (personal values never shown)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.errors import DigiGovError, get_or_404
from digigov.core.kpi.actions import latest
from digigov.core.rbac.checks import can
from digigov.core.web import charts
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate
from digigov.data.catalog.models import CodeListValue

from . import actions, kpis, selectors
from .forms import SourceForm, UploadForm
from .models import Batch, JobState, SourceKind
from .pipeline import target

CHART_DAYS = 30


def _bar(title: str, labels: list[str], values: list[int]) -> dict:
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}}, "tooltip": {"trigger": "axis"},
        "grid": {"left": 60, "right": 20, "bottom": 80},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 40, "interval": 0}},
        "yAxis": {"type": "value", "name": _("行")},
        "series": [{"type": "bar", "data": values, "itemStyle": {"color": charts.BLUE}}],
    }


@requires("aggregation.view")
def overview(request):
    by_day = selectors.volume_by_day(request.user, CHART_DAYS)
    by_dept = selectors.volume_by_department(request.user)
    chart_opts = {}
    if any(r for _d, r, _n in by_day):
        chart_opts["chart-volume-day"] = charts.count_lines(_("近%(d)s天归集量（行）") % {"d": CHART_DAYS},
                                                            [d.strftime("%m-%d") for d, _r, _n in by_day],
                                                            [(_("入库行数"), [r for _d, r, _n in by_day], charts.BLUE)], unit=_("行"))
    if by_dept:
        chart_opts["chart-volume-dept"] = _bar(_("各部门累计归集量（行）"), [n for n, _r in by_dept], [r for _n, r in by_dept])
    rate = kpis.compute_k05()
    return render(request, "aggregation/overview.html", {
        "rate": rate, "k05": latest("K05"), "charts": chart_opts,
        "recent": selectors.jobs(request.user).order_by("-created_at", "-id")[:10],
        "totals": {"batches": selectors.batches(request.user).count(), "sources": selectors.sources(request.user).filter(voided_at__isnull=True).count()},
        "can_run": can(request.user, "aggregation.run"),
    })


@requires("aggregation.view")
def sources(request):
    qs = selectors.sources(request.user).filter(voided_at__isnull=True).order_by("entry__code", "name", "id")
    return render(request, "aggregation/sources.html", {"can_run": can(request.user, "aggregation.run"), **paginate(request, qs)})


def _field_error(form, exc: DigiGovError) -> None:
    field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
    form.add_error(field if field in form.fields else None, exc.message)


@requires("aggregation.run")
@require_http_methods(["GET", "POST"])
def source_new(request):
    form = SourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        entry, sql_url = data.pop("entry"), data.pop("sql_url")
        data["http_page_size"] = data.get("http_page_size") or 500
        try:
            source = actions.create_source(request.user, entry=entry, sql_url=sql_url, **data)
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("数据源已创建"))
            return redirect("aggregation:source", public_id=source.public_id)
    return render(request, "web/form.html", {"form": form, "title": _("新建归集数据源"), "submit_label": _("创建"),
                                             "intro": _("数据源把一个目录条目的数据从文件、数据库或接口归集到该条目的库表。")},
                  status=400 if form.errors else 200)


def _source_page(request, source, upload_form=None, status=200):
    can_run = can(request.user, "aggregation.run", source) and source.voided_at is None
    jobs = selectors.jobs(request.user).filter(source=source).order_by("-created_at", "-id")
    return render(request, "aggregation/source_detail.html", {
        "source": source, "items": source.entry.items.order_by("seq"), "can_run": can_run,
        "upload_form": upload_form or (UploadForm() if can_run and source.kind == SourceKind.UPLOAD else None),
        "max_size_mb": actions.max_file_bytes() // (1024 * 1024), **paginate(request, jobs),
    }, status=status)


@requires("aggregation.view")
def source_detail(request, public_id):
    return _source_page(request, get_or_404(selectors.sources(request.user), public_id=public_id))


@requires("aggregation.run")
@require_POST
def upload(request, public_id):
    source = get_or_404(selectors.sources(request.user, "aggregation.run"), public_id=public_id)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job, created = actions.submit_upload(request.user, source, form.cleaned_data["file"])
        except DigiGovError as exc:
            _field_error(form, exc)
            return _source_page(request, source, form, status=exc.status)
        if not created:
            messages.info(request, _("该文件与此前提交的文件内容相同，未重复导入"))
        return redirect("aggregation:job", public_id=job.public_id)
    return _source_page(request, source, form, status=400)


@requires("aggregation.run")
@require_POST
def run_now(request, public_id):
    source = get_or_404(selectors.sources(request.user, "aggregation.run"), public_id=public_id)
    try:
        job = actions.run_source(request.user, source)
    except DigiGovError as exc:
        messages.error(request, exc.message)
        return redirect("aggregation:source", public_id=source.public_id)
    return redirect("aggregation:job", public_id=job.public_id)


@requires("aggregation.view")
def jobs(request):
    qs = selectors.jobs(request.user)
    state = request.GET.get("state", "")
    if state in JobState.values:
        qs = qs.filter(state=state)
    return render(request, "aggregation/jobs.html", {"state": state, "states": JobState.choices,
                                                      **paginate(request, qs.order_by("-created_at", "-id"))})


def _job(request, public_id):
    return get_or_404(selectors.jobs(request.user), public_id=public_id)


def column_labels(source) -> dict[str, str]:
    """Source column → the data item's Chinese name (users read 公民身份号码, not id_number)."""
    items = {i.field_name: i.name for i in source.entry.items.all()}
    labels = {}
    for f, name in items.items():
        labels[f] = labels[name] = name
    for col, f in (source.mapping or {}).items():
        if f in items:
            labels[col] = items[f]
    return labels


@requires("aggregation.view")
def job_detail(request, public_id):
    job = _job(request, public_id)
    batch = Batch.objects.filter(job=job).first()
    page = paginate(request, selectors.quarantine(job))
    labels = column_labels(job.source)
    rows = [(q, [(labels.get(k, k), v) for k, v in q.raw.items()]) for q in page["object_list"]]
    return render(request, "aggregation/job_detail.html", {"job": job, "batch": batch, "rows": rows, **page})


@requires("aggregation.view")
def job_progress(request, public_id):
    job = _job(request, public_id)
    response = render(request, "aggregation/_progress.html", {"job": job})
    if not job.running and request.htmx:
        response["HX-Refresh"] = "true"  # the run is over: reload for the report
    return response


@requires("aggregation.view")
def quarantine_csv(request, public_id):
    job = _job(request, public_id)

    class Echo:
        def write(self, value):
            return value

    def cell(value) -> str:
        text = "" if value is None else str(value)
        return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text

    labels = column_labels(job.source)

    def rows():
        writer = csv.writer(Echo())
        yield "\ufeff" + writer.writerow(["行号", "原因", "原始值"])
        for q in selectors.quarantine(job).iterator(chunk_size=2000):
            values = "；".join(f"{labels.get(k, k)}={v}" for k, v in q.raw.items())
            yield writer.writerow([cell(q.row_no), cell(q.reason_text), cell(values)])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="quarantine-{stamp}.csv"'
    return response


def _display(item, value, labels: dict) -> str:
    """A stored value as a reader sees it: 是/否, the code list's label, dates as dates — never a raw token."""
    if value is None or value == "":
        return "—"
    if item.data_type == "B":
        return _("是") if value in (True, 1, "1") else _("否")
    if item.data_type == "N":
        text = str(value)
        return text.rstrip("0").rstrip(".") if "." in text else text
    if item.data_type == "D":
        return str(value)[:10]
    if item.data_type == "T":
        from django.utils.dateparse import parse_datetime

        at = value if not isinstance(value, str) else parse_datetime(value)
        if at is None:
            return str(value)
        if timezone.is_naive(at):
            at = timezone.make_aware(at, timezone.utc)
        return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")
    if item.code_list_id:
        return f"{labels.get((item.code_list_id, value), value)}"
    return str(value)


@requires("aggregation.view")
def batch_detail(request, public_id):
    batch = get_or_404(selectors.batches(request.user), public_id=public_id)
    items = list(batch.entry.items.order_by("seq"))
    sample, problem = [], ""
    try:
        if target.table_exists(batch.target_table):
            have = target.existing_columns(batch.target_table)
            shown = [i for i in items if i.field_name in have]
            clear = [i for i in shown if not i.personal and i.data_type != "BLOB"]
            labels = {(v.code_list_id, v.value): v.label for v in CodeListValue.objects.filter(code_list_id__in={i.code_list_id for i in clear if i.code_list_id})}
            for row in target.sample_rows(batch.target_table, [i.field_name for i in clear], batch.pk):
                values = dict(zip([i.field_name for i in clear], row[:-1]))
                sample.append((row[-1], [_display(i, values.get(i.field_name), labels) if i in clear else _("（个人信息，已加密存储）")
                                         for i in shown]))
            items = shown
        else:
            problem = _("目标库表尚未建立")
    except Exception:  # noqa: BLE001 — a damaged table shows a message, not a 500
        problem = _("目标库表暂时无法读取")
    return render(request, "aggregation/batch_detail.html", {"batch": batch, "items": items, "sample": sample, "problem": problem,
                                                              "source_url": reverse("aggregation:source", args=[batch.source.public_id])})
