"""Workbench pages of the base registries: 人口基础库, 法人基础库, 信用, 电子证照索引 and 基础库治理.

Every list reads through ``selectors`` (the same scoped queries as the API). Personal values are masked; a
holder of ``registries.view_clear`` sees a "查看明文" form on a record's page, states a purpose, and the
answer to that POST shows the record's values in clear (``purpose.reveal`` audits it) — nothing a reload or
the browser's history shows again.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.errors import DigiGovError, ValidationFailed
from digigov.core.org.models import Department, Division, DivisionLevel
from digigov.core.rbac.checks import can, scope_q
from digigov.core.web import charts
from digigov.core.web.decorators import requires

from . import kpis, selectors
from . import purpose as pp
from .actions import credit as credit_actions
from .models import CreditKind, LicenceStatus, RegistryKind, SubjectKind


class RevealForm(forms.Form):
    purpose = forms.ChoiceField(label=gettext_lazy("用途"), choices=[("", "—— 请选择 ——"), *pp.PURPOSES])
    purpose_note = forms.CharField(label=gettext_lazy("用途说明"), max_length=100,
                                   help_text=gettext_lazy("如办理事项名称、案件编号；将记入审计日志"))


class CreditForm(forms.Form):
    department = forms.ModelChoiceField(label=gettext_lazy("认定部门"), queryset=Department.objects.none())
    subject_kind = forms.ChoiceField(label=gettext_lazy("主体类型"), choices=SubjectKind.choices)
    subject_code = forms.CharField(label=gettext_lazy("主体代码"), max_length=32, help_text=gettext_lazy("统一社会信用代码或公民身份号码"))
    subject_name = forms.CharField(label=gettext_lazy("主体名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("信用信息类别"), choices=CreditKind.choices)
    title = forms.CharField(label=gettext_lazy("事由"), max_length=200)
    document_no = forms.CharField(label=gettext_lazy("决定文书号"), max_length=64, required=False,
                                  help_text=gettext_lazy("行政许可、行政处罚必填"))
    decided_on = forms.DateField(label=gettext_lazy("决定日期"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=gettext_lazy("有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        q = scope_q(user, credit_actions.PERM, "", None)
        self.fields["department"].queryset = Department.objects.none() if q is None else \
            Department.objects.filter(q, voided_at__isnull=True).order_by("path")


class VoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("作废原因"), max_length=200)


def _bool(value) -> bool:
    return value in ("1", "true", "on")


def _counties(user):
    """County-level divisions for the filter: those inside the user's reach."""
    q = selectors.reach_q(user)
    qs = Division.objects.filter(level__lte=DivisionLevel.COUNTY).order_by("code")
    if q is None:
        return []
    prefixes = selectors._prefixes(user, selectors.VIEW)
    if prefixes is None:
        return list(qs)
    return [d for d in qs if any(d.code.startswith(p) or d.prefix.startswith(p) for p in prefixes)]


def _next_url(request, cursor: str | None) -> str | None:
    if not cursor:
        return None
    params = request.GET.copy()
    params["after"] = cursor
    return f"{request.path}?{params.urlencode()}"


def _list(request, template: str, context: dict, run):
    """Render a search page; bad input (a malformed ID, cursor or filter) shows its Chinese message with 400."""
    try:
        rows, cursor = run()
    except ValidationFailed as exc:
        return render(request, template, {**context, "rows": [], "error": exc.message}, status=400)
    return render(request, template, {**context, "rows": rows, "next_url": _next_url(request, cursor),
                                      "first_url": request.path if request.GET.get("after") else None})


# --- 人口基础库 -------------------------------------------------------------------------------------
@requires("registries.view")
def persons(request):
    g = request.GET
    q, division, conflicts = g.get("q", "")[:64], g.get("division", "")[:12], _bool(g.get("conflicts"))
    searched = bool(q or division or conflicts)
    ctx = {"q": q, "division": division, "conflicts": conflicts, "counties": _counties(request.user), "searched": searched}

    def run():
        if not searched:
            return [], None
        query = selectors.PersonQuery.parse(q, division=division, has_conflicts=conflicts)
        rows, cursor = selectors.search_persons(request.user, query, after=g.get("after"), limit=selectors.DEFAULT_LIMIT)
        return [(p, pp.mask("person", "name", p.name), pp.mask("person", "id_number", p.id_number)) for p in rows], cursor

    return _list(request, "registries/persons.html", ctx, run)


def _subject_page(request, subject, registry: str, *, clear: bool = False, form=None, status: int = 200):
    view = selectors.subject_view(subject, registry, clear=clear)
    ctx = {"subject": subject, "registry": registry, "view": view, "clear": clear,
           "can_reveal": bool(view.personal_fields) and pp.may_reveal(request.user, subject),
           "form": form or RevealForm()}
    if registry == RegistryKind.PERSON:
        ctx["title"] = pp.display("person", "name", subject.name) if clear else pp.mask("person", "name", subject.name)
        ctx["reveal_url"] = reverse("registries:person_reveal", args=[subject.public_id])
        template = "registries/person_detail.html"
    else:
        ctx["title"] = subject.name or subject.uscc
        ctx["reveal_url"] = reverse("registries:enterprise_reveal", args=[subject.public_id])
        ctx["credit"] = list(selectors.enterprise_credit(subject)[:50])
        ctx["licences"] = list(selectors.enterprise_licences(subject)[:50])
        template = "registries/enterprise_detail.html"
    return render(request, template, ctx, status=status)


def _reveal(request, subject, registry: str):
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _subject_page(request, subject, registry, form=form, status=400)
    try:
        purpose = pp.clean_purpose(form.cleaned_data["purpose"], form.cleaned_data["purpose_note"])
        fields = selectors.subject_view(subject, registry).personal_fields
        pp.reveal(request.user, subject, fields, purpose)
    except ValidationFailed as exc:
        form.add_error("purpose_note" if (exc.detail or {}).get("field") == "purpose_note" else "purpose", exc.message)
        return _subject_page(request, subject, registry, form=form, status=400)
    # the clear values are the answer to this POST only
    return _subject_page(request, subject, registry, clear=True, form=form)


@requires("registries.view")
def person_detail(request, public_id):
    return _subject_page(request, selectors.person_for(request.user, public_id), RegistryKind.PERSON)


@requires("registries.view_clear")
@require_POST
def person_reveal(request, public_id):
    return _reveal(request, selectors.person_for(request.user, public_id), RegistryKind.PERSON)


# --- 法人基础库 -------------------------------------------------------------------------------------
@requires("registries.view")
def enterprises(request):
    g = request.GET
    q, division, conflicts = g.get("q", "")[:100], g.get("division", "")[:12], _bool(g.get("conflicts"))
    ctx = {"q": q, "division": division, "conflicts": conflicts, "counties": _counties(request.user)}
    return _list(request, "registries/enterprises.html", ctx, lambda: selectors.search_enterprises(
        request.user, q, division=division, has_conflicts=conflicts, after=g.get("after")))


@requires("registries.view")
def enterprise_detail(request, public_id):
    return _subject_page(request, selectors.enterprise_for(request.user, public_id), RegistryKind.ENTERPRISE)


@requires("registries.view_clear")
@require_POST
def enterprise_reveal(request, public_id):
    return _reveal(request, selectors.enterprise_for(request.user, public_id), RegistryKind.ENTERPRISE)


# --- 信用 ------------------------------------------------------------------------------------------
@requires("registries.view")
def credit(request):
    g = request.GET
    q, kind, subject_kind = g.get("q", "")[:100], g.get("kind", "")[:16], g.get("subject_kind", "")[:16]
    ctx = {"q": q, "kind": kind, "subject_kind": subject_kind, "kinds": CreditKind.choices, "subject_kinds": SubjectKind.choices,
           "can_record": can(request.user, credit_actions.PERM)}

    def run():
        rows, cursor = selectors.search_credit(request.user, q, kind=kind, subject_kind=subject_kind, after=g.get("after"))
        # a void form only on the rows the user's department decided (another department's would answer 403)
        voidable = (lambda c: can(request.user, credit_actions.PERM, c.department)) if ctx["can_record"] else (lambda c: False)
        return [(c, code, name, voidable(c)) for c, code, name in selectors.credit_rows(rows)], cursor

    return _list(request, "registries/credit.html", ctx, run)


@requires("registries.credit_record")
@require_http_methods(["GET", "POST"])
def credit_new(request):
    form = CreditForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            c = credit_actions.record_credit(request.user, **form.cleaned_data)
        except DigiGovError as exc:
            field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已录入信用信息：%(title)s") % {"title": c.title})
            return redirect(f"{reverse('registries:credit')}?{urlencode({'q': c.subject_name})}")
    return render(request, "web/form.html", {"form": form, "title": _("录入信用信息"), "submit_label": _("录入"),
                                             "intro": _("统一社会信用代码和公民身份号码按校验位核验；录入后记入审计日志。")},
                  status=400 if form.errors else 200)


@requires("registries.credit_record")
@require_POST
def credit_void(request, public_id):
    c = selectors.credit_for(request.user, public_id)
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写作废原因"))
    else:
        try:
            credit_actions.void_credit(request.user, c, form.cleaned_data["reason"])
        except DigiGovError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已作废该信用记录"))
    return redirect("registries:credit")


# --- 电子证照索引 -----------------------------------------------------------------------------------
@requires("registries.view")
def licences(request):
    g = request.GET
    holder, status = g.get("holder", "")[:100], g.get("status", "")[:16]
    ctx = {"holder": holder, "status": status, "statuses": LicenceStatus.choices}

    def run():
        rows, cursor = selectors.search_licences(request.user, holder, status=status, after=g.get("after"))
        shown = [(r, pp.mask("person", "id_number", r.holder_code) if r.holder_kind == SubjectKind.PERSON else r.holder_code,
                  pp.mask("person", "name", r.holder_name) if r.holder_kind == SubjectKind.PERSON else r.holder_name) for r in rows]
        return shown, cursor

    return _list(request, "registries/licences.html", ctx, run)


# --- 基础库治理 -------------------------------------------------------------------------------------
def _parts_in_reach(user, parts):
    prefixes = selectors._prefixes(user, selectors.VIEW)
    if prefixes is None:
        return list(parts)
    return [p for p in parts if any(p.key.startswith(x) for x in prefixes if len(x) <= len(p.key))]


@requires("registries.view")
def governance(request):
    person_cov = kpis.coverage(RegistryKind.PERSON)
    ent_cov = kpis.coverage(RegistryKind.ENTERPRISE)
    person_parts = _parts_in_reach(request.user, person_cov.by_division)
    ent_parts = _parts_in_reach(request.user, ent_cov.by_division)
    conflicts = kpis.conflicts_by_attribute()
    backlog = kpis.backlog()
    persons_url, ents_url = reverse("registries:persons"), reverse("registries:enterprises")
    chart_opts = {}
    if person_parts:
        chart_opts["chart-person-coverage"] = charts.percent_bar(
            person_parts, _("人口基础库覆盖率（按区划）"), color=charts.BLUE,
            link=lambda p: f"{persons_url}?{urlencode({'division': p.key.ljust(12, '0')})}")
    if ent_parts:
        chart_opts["chart-enterprise-coverage"] = charts.percent_bar(
            ent_parts, _("法人基础库覆盖率（按区划）"), color=charts.GREEN,
            link=lambda p: f"{ents_url}?{urlencode({'division': p.key.ljust(12, '0')})}")
    chart_opts["chart-conflicts"] = {
        "title": {"text": _("属性冲突（按属性）"), "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"}, "legend": {"bottom": 0},
        "grid": {"left": 50, "right": 20, "top": 50, "bottom": 100},
        "xAxis": {"type": "category", "data": [f"{c.registry_label[:2]}·{c.label}" for c in conflicts], "axisLabel": {"rotate": 40, "interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": _("待处理"), "type": "bar", "stack": "t", "itemStyle": {"color": charts.RED}, "data": [c.open for c in conflicts]},
                   {"name": _("已处理"), "type": "bar", "stack": "t", "itemStyle": {"color": charts.GREEN}, "data": [c.resolved for c in conflicts]}],
    }
    colors = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828")
    chart_opts["chart-backlog"] = {
        "title": {"text": _("数据管家待办（按类型、时长）"), "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"}, "legend": {"bottom": 0},
        "grid": {"left": 50, "right": 20, "top": 50, "bottom": 60},
        "xAxis": {"type": "category", "data": [b.label for b in backlog]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": kpis.AGE_LABELS[key], "type": "bar", "stack": "age", "itemStyle": {"color": colors[i]},
                    "data": [b.by_age[key] for b in backlog]} for i, (key, _lo, _hi) in enumerate(kpis.AGE_BUCKETS)],
    }
    ent_by_key = {p.key: p for p in ent_parts}
    keys = sorted({p.key for p in person_parts} | set(ent_by_key))
    person_by_key = {p.key: p for p in person_parts}
    coverage_table = [{"code": k.ljust(12, "0"), "label": (person_by_key.get(k) or ent_by_key.get(k)).label,
                       "person": person_by_key.get(k), "enterprise": ent_by_key.get(k)} for k in keys]
    return render(request, "registries/governance.html", {
        "person_cov": person_cov, "ent_cov": ent_cov, "coverage_table": coverage_table,
        "conflicts": conflicts, "backlog": backlog, "age_labels": [kpis.AGE_LABELS[k] for k, _lo, _hi in kpis.AGE_BUCKETS],
        "age_keys": [k for k, _lo, _hi in kpis.AGE_BUCKETS], "charts": chart_opts,
    })
