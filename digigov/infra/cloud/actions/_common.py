"""Validation shared by the 政务云 actions: amounts (vCPU, memory, storage) and their bounds."""

from __future__ import annotations

from decimal import Decimal

from digigov.core.numbers import CENT, decimal_amount, int_amount
from digigov.core.org.checks import active_department

# sanity bounds, far above any real city (the real pool: 5844 vCPU, 20435 GB, 491 TB)
MAX_VCPU = 1_000_000
MAX_MEMORY_GB = 100_000_000
MAX_STORAGE_TB = Decimal("1000000")

__all__ = ["CENT", "MAX_MEMORY_GB", "MAX_STORAGE_TB", "MAX_VCPU", "active_department", "parse_amounts"]


def parse_amounts(vcpu, memory_gb, storage_tb) -> dict:
    """``{"vcpu", "memory_gb", "storage_tb"}`` parsed and bounded (422 naming the field otherwise)."""
    return {
        "vcpu": int_amount(vcpu, "vcpu", "vCPU 数量", MAX_VCPU),
        "memory_gb": int_amount(memory_gb, "memory_gb", "内存容量", MAX_MEMORY_GB),
        "storage_tb": decimal_amount(storage_tb, "storage_tb", "存储容量", MAX_STORAGE_TB, unit="TB"),
    }
