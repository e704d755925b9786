"""Test helpers of 政务云 (fixtures live in ``digigov/infra/conftest.py``; general factories — the test city,
users with roles, logged-in clients — in ``digigov.core.testing``)."""

from __future__ import annotations

from decimal import Decimal


def request_kwargs(city, **overrides):
    """Valid ``actions.submit_request`` arguments for the test city's 营商局 (override any)."""
    data = {"department": city.bureau, "purpose": "new", "vcpu": 8, "memory_gb": 16, "storage_tb": Decimal("1.5"), "reason": "新系统部署"}
    data.update(overrides)
    return data
