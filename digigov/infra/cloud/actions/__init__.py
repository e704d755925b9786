"""Every write and business rule of 政务云, one module per kind of object.

Each action checks the actor's permission on the object (``require``), validates, writes inside one
transaction and appends an audit entry with before/after snapshots. Bad input raises a
``DigiGovError`` subclass with a Chinese message; nothing is half-written. Callers use the package
(``from . import actions; actions.submit_request(...)``); reads live in ``..selectors``.
"""

from ..selectors import DIMENSIONS, Usage, default_pool, department_usage, pool_totals, pool_usage
from ._common import CENT, MAX_MEMORY_GB, MAX_STORAGE_TB, MAX_VCPU
from .platforms import create_platform, set_platform_integrated, void_platform
from .pools import create_pool, resize_pool
from .quotas import allocate, check_capacity, release_allocation, set_quota
from .requests import IDEMPOTENCY_KEY, approve_request, reject_request, submit_request, void_request, withdraw_request
from .samples import record_samples
from .systems import register_system, set_system_status, void_system

__all__ = [
    "CENT", "DIMENSIONS", "IDEMPOTENCY_KEY", "MAX_MEMORY_GB", "MAX_STORAGE_TB", "MAX_VCPU", "Usage",
    "allocate", "approve_request", "check_capacity", "create_platform", "create_pool", "default_pool", "department_usage",
    "pool_totals", "pool_usage", "record_samples", "register_system", "reject_request", "release_allocation", "resize_pool",
    "set_platform_integrated", "set_quota", "set_system_status", "submit_request", "void_platform", "void_request",
    "void_system", "withdraw_request",
]
