"""Reads behind the GovStack Registration API: which services are offered, whose applications and tasks a
caller may see (the same scoping as the portal and the workbench), and the statistics counted from rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from digigov.core.rbac.checks import can, scope_queryset

from ..models import Application, ApplicationCase, ApplicationStatus, ServiceItem, Bundle


def services(name: str = "") -> QuerySet:
    qs = ServiceItem.objects.active().filter(active=True).select_related("department", "process")
    if name:
        qs = qs.filter(name__icontains=name)
    return qs.order_by("code")


def service(service_id: str) -> ServiceItem | None:
    """By the public id the API hands out, or by the GB/T 39554.1 implementing code."""
    service_id = (service_id or "")[:40]
    if not service_id:
        return None
    return services().filter(Q(public_id=service_id) | Q(code=service_id)).first()


def eform_versions(item: ServiceItem) -> list:
    from digigov.support.forms.models import FormStatus, FormVersion

    if item.form_id is None:
        return []
    return list(FormVersion.objects.filter(form_id=item.form_id, status=FormStatus.PUBLISHED).select_related("form").order_by("-version"))


def eform(eform_id: str):
    """A published form version that an offered item or 一件事 uses (never an internal form)."""
    from digigov.support.forms.models import FormStatus, FormVersion

    version = (FormVersion.objects.filter(public_id=(eform_id or "")[:40], status=FormStatus.PUBLISHED).select_related("form").first())
    if version is None:
        return None
    used = (services().filter(form_id=version.form_id).exists()
            or Bundle.objects.active().filter(active=True, form_id=version.form_id).exists())
    return version if used else None


def latest_eform_ids(form_ids) -> dict[int, str]:
    from digigov.support.forms.models import FormStatus, FormVersion

    out: dict[int, str] = {}
    for form_id, public_id in (FormVersion.objects.filter(form_id__in=set(form_ids), status=FormStatus.PUBLISHED)
                               .order_by("form_id", "-version").values_list("form_id", "public_id")):
        out.setdefault(form_id, public_id)
    return out


def applications(user) -> QuerySet:
    """Submitted applications the caller may see: their own, and (staff with ``onestop.view``) those of the
    items' departments in their reach."""
    from digigov.support.workflow.models import WorkTask

    qs = Application.objects.exclude(status=ApplicationStatus.DRAFT).filter(item__isnull=False)
    mine = Q(applicant_id=user.pk)
    if can(user, "onestop.view"):
        scoped = scope_queryset(user, "onestop.view", Application.objects.all(), department_field="item__department",
                                division_field="division")
        qs = qs.filter(mine | Q(pk__in=scoped.values("pk")))
    else:
        qs = qs.filter(mine)
    open_tasks = WorkTask.objects.filter(status__in=("open", "claimed")).select_related("assignee").order_by("pk")
    return qs.select_related("item", "applicant").prefetch_related(
        Prefetch("cases", queryset=ApplicationCase.objects.select_related("case").prefetch_related(Prefetch("case__tasks", queryset=open_tasks)))
    )


def tasks(user) -> QuerySet:
    """Open tasks of applications' cases: those in the caller's queue or reach (the workbench's rule), and the
    tasks on the caller's own applications."""
    from digigov.support.workflow.models import WorkTask
    from digigov.support.workflow.selectors_tasks import visible_tasks

    linked = ApplicationCase.objects.filter(case_id=OuterRef("case_id"))
    staff = visible_tasks(user).values("pk")
    return (WorkTask.objects.filter(status__in=("open", "claimed")).filter(Exists(linked))
            .filter(Q(pk__in=staff) | Q(case__applicant_id=user.pk))
            .select_related("case", "case__application_link", "case__application_link__item", "assignee", "form_version"))


def statistics(*, start: dt.date | None, end: dt.date | None, items=None, operator: str = "", role: str = "") -> dict:
    """Counts over the registrations (one per application case: a 一件事 counts each member item) of
    applications submitted in ``[start, end]``: processed = decided (准予 or 不予), approved, rejected, sent back
    = at least one 补正 request. ``operator`` (the handler's name) and ``role`` (role code or its Chinese name)
    keep the cases one of whose tasks that operator / a holder of that role completed. Counted from the cases
    themselves, so the figures never wait for a status to be copied anywhere."""
    from digigov.core.rbac.models import Role
    from digigov.support.workflow.models import CaseStatus, WorkTask

    qs = ApplicationCase.objects.filter(application__submitted_at__isnull=False)
    if start:
        qs = qs.filter(application__submitted_at__date__gte=start)
    if end:
        qs = qs.filter(application__submitted_at__date__lte=end)
    if items is not None:
        qs = qs.filter(item__in=items)
    tasks = WorkTask.objects.filter(case_id=OuterRef("case_id"), status="completed")
    if operator:
        qs = qs.filter(Exists(tasks.filter(completed_by__display_name=operator[:64])))
    if role:
        codes = [r.value for r in Role if role in (r.value, str(r.label))]
        qs = qs.filter(Exists(tasks.filter(candidate_role__in=codes)))
    sent_back = Exists(WorkTask.objects.filter(case_id=OuterRef("case_id")).exclude(corrections=[]))
    return {
        "processed": qs.filter(case__status__in=(CaseStatus.APPROVED, CaseStatus.REJECTED)).count(),
        "approved": qs.filter(case__status=CaseStatus.APPROVED).count(),
        "sentBack": qs.filter(sent_back).count(),
        "rejected": qs.filter(case__status=CaseStatus.REJECTED).count(),
    }
