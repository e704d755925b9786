"""Test helpers of the seal registry (other apps' tests use them too): a made seal through the real actions."""

from __future__ import annotations

from digigov.core.testing import make_user

from . import actions
from .models import Seal, SealType


def made_seal(department, *, seal_type=SealType.OFFICIAL, name=None, holders=(), applicant=None, approver=None,
              valid_years=5) -> Seal:
    """A seal of ``department`` applied for by its dept admin and approved by a city admin."""
    applicant = applicant or make_user("dept_admin", department=department)
    approver = approver or make_user("city_admin")
    app, _ = actions.apply_for_seal(applicant, department=department, seal_type=seal_type,
                                    name=name or (department.name if seal_type == SealType.OFFICIAL else f"{department.name}{SealType(seal_type).label}"),
                                    holders=list(holders), valid_years=valid_years, reason="测试用章")
    return actions.approve(approver, app, "同意").seal
