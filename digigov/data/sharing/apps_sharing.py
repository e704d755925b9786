"""What the sharing slice registers, called once from ``SharingConfig.ready``: permissions, audit labels,
the workbench pages (``workbench/data/sharing/``), nav, the API router (``/api/v1/data/sharing/``), the
to-do of requests to review, the K06 数据共享率 computer, the demo generator and the admin."""

from __future__ import annotations

from .apps import VIEW_ROLES


def ready() -> None:
    from digigov.core import registry
    from digigov.core.api import register_router
    from digigov.core.registry import NavItem

    registry.register_permission("sharing.view", "查看数据共享交换（共享目录、申请、授权、统计）", VIEW_ROLES)
    registry.register_permission("sharing.request", "以本部门名义提出共享申请和数据需求", ("dept_admin", "data_admin"))
    registry.register_permission("sharing.review", "审核本部门收到的共享申请，暂停或撤销授权", ("dept_admin", "data_admin"))
    registry.register_audit_events({
        "sharing.request.file": "提出共享申请", "sharing.request.auto_approve": "共享申请自动同意（无条件共享）",
        "sharing.request.approve": "同意共享申请", "sharing.request.narrow": "部分同意共享申请", "sharing.request.reject": "不予同意共享申请",
        "sharing.request.withdraw": "撤回共享申请", "sharing.subscription.create": "生成共享授权",
        "sharing.subscription.active": "恢复共享授权", "sharing.subscription.suspended": "暂停共享授权",
        "sharing.subscription.revoked": "撤销共享授权", "sharing.demand.file": "共享需求转入需求目录",
    })
    registry.register_urls("workbench/data/sharing/", "digigov.data.sharing.urls")
    registry.register_nav(NavItem("data.sharing", "数据共享交换", "sharing:catalog", "sharing.view", "data", order=30))

    from . import api, demo, kpis, todos  # noqa: F401 — the to-do, K06 and the demo generator register themselves

    register_router("/data/sharing/", api.router)
