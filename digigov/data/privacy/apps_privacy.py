"""What the privacy slice registers, called once from ``PrivacyConfig.ready``: permissions, audit labels
and the API router ``/api/v1/privacy/`` (the aggregate query for signed apps; the policy for departments)."""

from __future__ import annotations


def ready() -> None:
    from digigov.core import registry
    from digigov.core.api import register_router

    from . import audit_events  # noqa: F401
    from . import api

    registry.register_permission("privacy.configure", "设置资源的差分隐私策略", ("data_admin", "data_authority"))
    # held by no role: the aggregate query is answered to calling apps (signed requests), never to a session
    registry.register_permission("privacy.aggregate", "差分隐私聚合查询（仅限调用应用签名请求）", ())
    register_router("/privacy/", api.router)
