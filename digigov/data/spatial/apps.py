from django.apps import AppConfig

VIEW_ROLES = ("dept_admin", "data_admin", "data_authority", "city_admin", "leader", "auditor", "security_officer")


class SpatialConfig(AppConfig):
    name = "digigov.data.spatial"
    label = "spatial"
    verbose_name = "自然资源和空间地理基础库"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_permission("spatial.view", "查看行政区划边界、标准地址和兴趣点（地图）", VIEW_ROLES)
        registry.register_permission("spatial.edit", "维护空间地理基础库（自然资源部门数据管理员、数据主管部门）", ("data_admin", "data_authority"))
        registry.register_nav(NavItem("support.gis", "时空地理信息平台（空间地理基础库地图）", "spatial:map", "spatial.view", "support", order=90))
        registry.register_urls("workbench/data/spatial/", "digigov.data.spatial.urls")

        from . import api, demo  # noqa: F401  registers the demo generator

        register_router("/data/spatial/", api.router)
