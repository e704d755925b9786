"""Test helpers for the infrastructure apps (fixtures live in ``digigov/infra/conftest.py``)."""

from __future__ import annotations

from decimal import Decimal


def request_kwargs(city, **overrides):
    data = {"department": city.bureau, "purpose": "new", "vcpu": 8, "memory_gb": 16, "storage_tb": Decimal("1.5"), "reason": "新系统部署"}
    data.update(overrides)
    return data
