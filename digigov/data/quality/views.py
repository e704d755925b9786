"""Workbench pages of quality governance: the city overview (score, department ranking, trend), the
datasets and their reports, the rule editor, and the rectification list and detail."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import F, Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.errors import DigiGovError, get_or_404
from digigov.core.rbac.checks import can
from digigov.core.web import charts
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import actions, selectors
from .forms import ConfirmForm, DueForm, NoteForm, RuleForm
from .models import OPEN_STATUSES, FailureSample, QualityRule, RuleResult, ScoreScope, TaskStatus

TREND_DAYS = 90
LOWEST = 10


def _trend_chart(points, title) -> dict | None:
    if not points:
        return None
    opts = charts.percent_lines(title, [p.day.strftime("%m-%d") for p in points], [(_("质量得分"), [float(p.score) for p in points], charts.BLUE)])
    if len(points) < 30:  # a few daily points: show them (a lone point has no line to show it)
        for series in opts["series"]:
            series["showSymbol"] = True
    return opts


@requires("quality.view")
def overview(request):
    user = request.user
    ranking = selectors.department_ranking(user)
    base = reverse("quality:datasets")
    chart_opts = {}
    if ranking:
        parts = [{"label": r["name"], "value": r["score"], "key": r["department"]} for r in ranking]
        chart_opts["chart-dept"] = charts.percent_bar(parts, _("各部门数据质量得分"), color=charts.GREEN,
                                                      link=lambda p: f"{base}?{urlencode({'department': p['key']})}")
    trend = _trend_chart(selectors.trend(scope=ScoreScope.CITY, days=TREND_DAYS), _("全市数据质量得分趋势（近%(d)s天）") % {"d": TREND_DAYS})
    if trend:
        chart_opts["chart-trend"] = trend
    tasks = selectors.tasks(user)
    open_tasks = tasks.filter(status__in=OPEN_STATUSES)
    lowest = list(selectors.checked_entries(user).filter(latest_score__isnull=False).order_by("latest_score", "code")[:LOWEST])
    return render(request, "quality/overview.html", {
        "city": selectors.city_score(user), "ranking": ranking, "charts": chart_opts, "lowest": lowest,
        "open_count": open_tasks.count(), "overdue_count": open_tasks.filter(due_on__lt=timezone.localdate()).count(),
        "submitted_count": tasks.filter(status=TaskStatus.SUBMITTED).count(),
    })


@requires("quality.view")
def datasets(request):
    qs = selectors.checked_entries(request.user)
    department = request.GET.get("department", "")
    if department:
        qs = qs.filter(department__public_id=department)
    qs = qs.order_by(F("latest_score").asc(nulls_last=True), "code")
    return render(request, "quality/datasets.html", {"department": department, **paginate(request, qs)})


def _entry(request, public_id, perm="quality.view"):
    return get_or_404(selectors.entries(request.user, perm).select_related("department"), public_id=public_id)


def _report(run) -> list[RuleResult]:
    if run is None:
        return []
    return list(run.results.prefetch_related(Prefetch("samples", queryset=FailureSample.objects.order_by("row_no"))))


@requires("quality.view")
def dataset(request, public_id):
    entry = _entry(request, public_id)
    runs = list(entry.quality_runs.order_by("-started_at", "-id")[:10])
    latest = runs[0] if runs else None
    rules = list(selectors.rules(entry))
    chart = _trend_chart(selectors.trend(scope=ScoreScope.ENTRY, entry=entry, days=TREND_DAYS), _("得分趋势（近%(d)s天）") % {"d": TREND_DAYS})
    task = selectors.open_task_for(entry)
    return render(request, "quality/dataset.html", {
        "entry": entry, "runs": runs, "run": latest, "results": _report(latest), "rules": rules, "chart": chart, "task": task,
        "can_manage": can(request.user, "quality.manage", entry),
    })


@requires("quality.manage")
@require_POST
def run_now(request, public_id):
    entry = _entry(request, public_id, "quality.manage")
    run = actions.run_now(request.user, entry)
    if run.score is None:
        messages.warning(request, run.message or _("本次检查没有可评分的数据"))
    else:
        messages.success(request, _("检查完成，得分 %(s)s") % {"s": run.score})
    return redirect("quality:dataset", public_id=entry.public_id)


@requires("quality.view")
def run_report(request, public_id):
    run = get_or_404(selectors.runs(request.user).select_related("entry__department", "run_by"), public_id=public_id)
    return render(request, "quality/run.html", {"run": run, "entry": run.entry, "results": _report(run)})


def _rule_form_page(request, form, entry, title, status=200, rule=None):
    return render(request, "quality/rule_form.html", {"form": form, "entry": entry, "title": title, "rule": rule,
                                                      "delete_form": ConfirmForm() if rule else None}, status=status)


@requires("quality.manage")
@require_http_methods(["GET", "POST"])
def rule_new(request, public_id):
    entry = _entry(request, public_id, "quality.manage")
    form = RuleForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.create_rule(request.user, entry, item=form.item_name(), rule_type=d["rule_type"], params=form.params(),
                                severity=d["severity"], weight=d["weight"], enabled=d["enabled"], description=d["description"])
        except DigiGovError as exc:
            form.put_error(exc)
        else:
            messages.success(request, _("规则已添加"))
            return redirect("quality:dataset", public_id=entry.public_id)
    return _rule_form_page(request, form, entry, _("新增质量规则：%(n)s") % {"n": entry.name}, 400 if form.errors else 200)


def _rule(request, public_id, perm="quality.manage"):
    qs = QualityRule.objects.filter(voided_at__isnull=True, entry__in=selectors.entries(request.user, perm))
    return get_or_404(qs.select_related("entry__department", "item__code_list"), public_id=public_id)


@requires("quality.manage")
@require_http_methods(["GET", "POST"])
def rule_edit(request, public_id):
    rule = _rule(request, public_id)
    form = RuleForm(request.POST or None, entry=rule.entry, rule=rule)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.update_rule(request.user, rule, params=form.params(), severity=d["severity"], weight=d["weight"], enabled=d["enabled"],
                                description=d["description"])
        except DigiGovError as exc:
            form.put_error(exc)
        else:
            messages.success(request, _("规则已保存"))
            return redirect("quality:dataset", public_id=rule.entry.public_id)
    return _rule_form_page(request, form, rule.entry, _("修改质量规则：%(r)s") % {"r": rule}, 400 if form.errors else 200, rule=rule)


@requires("quality.manage")
@require_POST
def rule_delete(request, public_id):
    rule = _rule(request, public_id)
    if not ConfirmForm(request.POST).is_valid():
        messages.error(request, _("请勾选确认后再删除"))
        return redirect("quality:rule_edit", public_id=rule.public_id)
    actions.void_rule(request.user, rule)
    messages.success(request, _("规则已删除"))
    return redirect("quality:dataset", public_id=rule.entry.public_id)


@requires("quality.view")
def tasks_list(request):
    qs = selectors.tasks(request.user).select_related("entry", "department")
    status = request.GET.get("status", "")
    todo = request.GET.get("todo", "")
    if todo == "rectify":
        qs = selectors.waiting_rectification(request.user).select_related("entry", "department")
    elif status in TaskStatus.values:
        qs = qs.filter(status=status)
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
    return render(request, "quality/tasks.html", {
        "status": status, "todo": todo, "overdue": overdue, "statuses": TaskStatus.choices, "today": timezone.localdate(),
        **paginate(request, qs.order_by("-created_at", "-id")),
    })


def _task_page(request, task, status=200, note_form=None, due_form=None, error=""):
    user = request.user
    can_rectify = task.is_open and task.status != TaskStatus.SUBMITTED and can(user, "quality.rectify", task)
    can_verify = task.is_open and can(user, "quality.verify", task)
    return render(request, "quality/task.html", {
        "task": task, "events": list(task.events.select_related("actor", "run")), "error": error, "today": timezone.localdate(),
        "can_start": can_rectify and task.status in (TaskStatus.OPEN, TaskStatus.REOPENED), "can_submit": can_rectify,
        "can_verify": can_verify and task.status == TaskStatus.SUBMITTED, "can_due": can_verify,
        "note_form": note_form or (NoteForm() if can_rectify else None),
        "due_form": due_form or (DueForm(initial={"due_on": task.due_on}) if can_verify else None),
    }, status=status)


def _task(request, public_id, perm="quality.view"):
    qs = selectors.tasks(request.user, perm).select_related("entry", "department", "run", "last_run")
    return get_or_404(qs, public_id=public_id)


@requires("quality.view")
def task_detail(request, public_id):
    return _task_page(request, _task(request, public_id))


STEPS = {"start": "quality.rectify", "submit": "quality.rectify", "verify": "quality.verify", "due": "quality.verify"}


@requires("quality.view")
@require_POST
def task_step(request, public_id, step):
    perm = STEPS.get(step)
    if perm is None:
        return _task_page(request, _task(request, public_id), status=404, error=_("没有这个办理步骤"))
    task = _task(request, public_id, perm)
    user = request.user
    try:
        if step == "start":
            actions.start_task(user, task)
            messages.success(request, _("已开始整改"))
        elif step == "submit":
            form = NoteForm(request.POST)
            if not form.is_valid():
                return _task_page(request, task, status=400, note_form=form)
            actions.submit_task(user, task, form.cleaned_data["note"])
            messages.success(request, _("整改结果已提交，等待核验"))
        elif step == "verify":
            task = actions.verify_task(user, task)
            if task.status == TaskStatus.CLOSED:
                messages.success(request, _("复检通过，任务已关闭"))
            else:
                messages.warning(request, _("复检仍有问题，任务已退回整改"))
        else:
            form = DueForm(request.POST)
            if not form.is_valid():
                return _task_page(request, task, status=400, due_form=form)
            actions.set_due(user, task, form.cleaned_data["due_on"])
            messages.success(request, _("整改期限已调整"))
    except DigiGovError as exc:
        return _task_page(request, _task(request, public_id), status=exc.status, error=exc.message)
    return redirect("quality:task", public_id=task.public_id)
