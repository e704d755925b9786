from django.db.models import Count, Q
from django.shortcuts import render

from digigov.core.rbac.checks import scope_queryset
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from .models import Department, Division, DivisionLevel


@requires("org.view")
def departments(request):
    qs = scope_queryset(request.user, "org.view", Department.objects.active().select_related("division", "parent"),
                        department_field="", division_field="division").annotate(staff_count=Count("staff", filter=Q(staff__voided_at__isnull=True)))
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return render(request, "org/departments.html", {"q": q, **paginate(request, qs.order_by("path"))})


@requires("org.view")
def divisions(request):
    level = request.GET.get("level", "")
    qs = Division.objects.select_related("parent").order_by("code")
    if level in {str(v) for v in DivisionLevel.values}:
        qs = qs.filter(level=int(level))
    counts = dict(Division.objects.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    levels = [(v, label, counts.get(v, 0)) for v, label in DivisionLevel.choices]
    return render(request, "org/divisions.html", {"levels": levels, "level": level, **paginate(request, qs)})
