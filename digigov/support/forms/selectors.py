"""Scoped reads of forms shared by the designer pages, the API and other slices.

A form belongs to a department: a grant scoped to a department (subtree) or a division reaches the forms
of the departments inside it; a form with no department (city-wide) is reached by unscoped grants only.
The form list is keyset-paginated by id, newest first (``after`` = the ``next`` cursor of the page before).
"""

from __future__ import annotations

from django.db.models import QuerySet

from digigov.core.errors import NotFound, ValidationFailed
from digigov.core.rbac.checks import scope_queryset
from digigov.core.web.listing import id_keyset, strict_id

from .models import FormDefinition, FormStatus, FormVersion

VIEW = "forms.view"
SCOPE = {"department_field": "department", "division_field": "department__division"}
PAGE_SIZE = 30


def forms(user, perm: str = VIEW) -> QuerySet:
    return scope_queryset(user, perm, FormDefinition.objects.filter(voided_at__isnull=True), **SCOPE)


def form_for(user, key: str, perm: str = VIEW) -> FormDefinition:
    form = forms(user, perm).select_related("department").filter(key=key).first()
    if form is None:
        raise NotFound("表单不存在或不在您的权限范围内")
    return form


def form_page(user, *, q: str = "", after=None, limit: int = PAGE_SIZE) -> tuple[list[FormDefinition], str | None]:
    """One page of forms in reach, newest first, with each form's department: one query."""
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        raise ValidationFailed("每页条数应在 1 到 100 之间", code="bad_limit", detail={"field": "limit"})
    qs = forms(user).select_related("department")
    if q:
        qs = qs.filter(name__contains=q.strip()[:100])
    rows, next_cursor = id_keyset(qs, strict_id(after), limit)
    return rows, (str(next_cursor) if next_cursor is not None else None)


def versions(form: FormDefinition) -> QuerySet:
    return form.versions.select_related("published_by").order_by("-version")


def version_for(form: FormDefinition, number) -> FormVersion:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound("表单版本不存在") from None
    version = form.versions.select_related("form").filter(version=number).first()
    if version is None:
        raise NotFound("表单版本不存在")
    return version


def current_version(form: FormDefinition) -> FormVersion | None:
    """The version new applications use: the newest published one."""
    return form.versions.select_related("form").filter(status=FormStatus.PUBLISHED).order_by("-version").first()


def published_version(key: str) -> FormVersion | None:
    """The current published version of the form ``key`` (no permission needed: applicants fill it in)."""
    return (FormVersion.objects.select_related("form").filter(form__key=key, form__voided_at__isnull=True, status=FormStatus.PUBLISHED)
            .order_by("-version").first())


def draft_version(form: FormDefinition) -> FormVersion | None:
    latest = form.versions.select_related("form").order_by("-version").first()
    return latest if latest is not None and latest.status == FormStatus.DRAFT else None
