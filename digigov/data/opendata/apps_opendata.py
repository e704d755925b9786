"""What the open-data slice registers, called once from ``OpendataConfig.ready``: permissions, audit labels,
the public portal (``open/``), the staff pages (``workbench/data/open/``), nav, to-dos and the demo."""

from __future__ import annotations

STAFF_VIEW_ROLES = ("dept_admin", "data_admin", "data_authority", "city_admin", "leader", "auditor")


def ready() -> None:
    from digigov.core import registry
    from digigov.core.registry import NavItem

    registry.register_permission("opendata.view", "查看公共数据开放平台的管理页面", STAFF_VIEW_ROLES)
    registry.register_permission("opendata.publish", "开放、下线本部门的数据集", ("data_admin",))
    registry.register_permission("opendata.review", "审核开放数据调用申请、应用展示和评论", ("dept_admin", "data_admin"))
    registry.register_permission("opendata.participate", "对开放数据集评分和评论", ("citizen", "enterprise_agent"))
    registry.register_urls("open/", "digigov.data.opendata.urls")
    registry.register_urls("workbench/data/open/", "digigov.data.opendata.urls_staff")
    registry.register_nav(NavItem("data.open", "公共数据开放平台", "opendata_staff:index", "opendata.view", "data", order=90))
    registry.register_nav(NavItem("open_developer", "开放数据", "opendata:developer", "sharing.develop", "data", area="portal", order=40))

    from . import audit_events, demo, search, todos  # noqa: F401

    search.connect()
