"""What the application slice registers (called from ``OnestopConfig.ready``): URLs of the application
flow, 我的申请 and 办件进度查询, the portal nav entry, the API router, the signal receivers, the audit labels
of its extra actions and the demo generator ``onestop.applications``."""

from __future__ import annotations


def ready() -> None:
    from digigov.core import registry
    from digigov.core.api import register_router
    from digigov.core.registry import NavItem

    from . import receivers_application

    registry.register_audit_events({
        "onestop.material.remove": "删除网上申请材料",
        "onestop.material.shared": "以共享数据替代申请材料",
        "onestop.application.window": "全市通办窗口受理",
        "onestop.application.decision": "出具办理结果决定书",
    })
    receivers_application.connect()
    from . import citywide

    registry.register_process_tags(citywide.process_tags)  # the 全市通办 badge on the window's and the worklist's pages
    registry.register_urls("services/", "digigov.services.onestop.urls_application")
    registry.register_urls("my/applications/", "digigov.services.onestop.urls_my_applications")
    registry.register_nav(NavItem("my_applications", "我的申请", "my_applications:list", "workflow.apply", "services", area="portal", order=20))
    from . import api_application

    register_router("/services/applications/", api_application.router)
    from . import demo_application  # noqa: F401 — register_demo("onestop.applications")
