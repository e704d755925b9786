from django import forms
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from digigov.core.rbac.checks import scope_queryset
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate
from digigov.core.web.pickers import DivisionField, option_value

from .models import Department, Division, DivisionLevel


LOOKUP_LIMIT = 20


class DepartmentFilter(forms.Form):
    q = forms.CharField(label=_("名称或代码"), max_length=50, required=False)
    division = DivisionField(label=_("所在区划（含下级）"), required=False)


class DivisionFilter(forms.Form):
    within = DivisionField(label=_("上级区划"), required=False)


@requires("org.view")
def departments(request):
    qs = scope_queryset(request.user, "org.view", Department.objects.active().select_related("division", "parent"),
                        department_field="", division_field="division").annotate(staff_count=Count("staff", filter=Q(staff__voided_at__isnull=True)))
    f = DepartmentFilter(request.GET)
    if f.is_valid():
        q = f.cleaned_data["q"].strip()
        if q:
            qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
        if f.cleaned_data["division"]:
            qs = qs.filter(division__code__startswith=f.cleaned_data["division"].prefix)
    else:
        qs = qs.none()
    return render(request, "org/departments.html", {"filter": f, **paginate(request, qs.order_by("path"))})


@requires("org.view")
def divisions(request):
    level = request.GET.get("level", "")
    qs = Division.objects.select_related("parent").order_by("code")
    if level in {str(v) for v in DivisionLevel.values}:
        qs = qs.filter(level=int(level))
    f = DivisionFilter(request.GET)
    if f.is_valid() and f.cleaned_data["within"]:
        qs = qs.filter(code__startswith=f.cleaned_data["within"].prefix)
    elif not f.is_valid():
        qs = qs.none()
    counts = dict(Division.objects.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    levels = [(v, label, counts.get(v, 0)) for v, label in DivisionLevel.choices]
    return render(request, "org/divisions.html", {"levels": levels, "level": level, "filter": f, **paginate(request, qs)})


def _lookup(qs, q: str, label):
    q = q.strip()[:50]
    if not q:
        return JsonResponse({"results": []})
    qs = qs.filter(code__startswith=q) if q.isdigit() or q.isupper() else qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    rows = qs.order_by("code")[:LOOKUP_LIMIT]
    return JsonResponse({"results": [{"value": option_value(o), "label": label(o)} for o in rows]})


@requires("org.view")
def lookup_divisions(request):
    """Picker suggestions: divisions whose name contains ``q`` or whose code starts with it."""
    return _lookup(Division.objects.select_related("parent"), request.GET.get("q", ""),
                   lambda d: f"{d.get_level_display()}{'，' + d.parent.name if d.parent else ''}")


@requires("org.view")
def lookup_departments(request):
    """Picker suggestions among the departments the user may see."""
    qs = scope_queryset(request.user, "org.view", Department.objects.active().select_related("division"),
                        department_field="", division_field="division")
    return _lookup(qs, request.GET.get("q", ""), lambda d: f"{d.get_kind_display()}，{d.division.name}")
