"""Checks every action that names a department shares (the Chinese message and code are the same everywhere)."""

from __future__ import annotations

from digigov.core.errors import ValidationFailed

from .models import Department


def active_department(department: Department | None, *, field: str = "department", required: bool = True) -> Department | None:
    """Refuse a missing (when ``required``) or voided (撤销) department; return it unchanged otherwise."""
    if department is None:
        if required:
            raise ValidationFailed("请选择单位", code="department_required", detail={"field": field})
        return None
    if department.voided_at is not None:
        raise ValidationFailed("该单位已撤销", code="department_voided", detail={"field": field})
    return department
