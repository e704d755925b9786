from django.apps import AppConfig

VIEW_ROLES = ("dept_admin", "data_admin", "data_authority", "city_admin", "leader", "auditor", "security_officer")


class CatalogConfig(AppConfig):
    name = "digigov.data.catalog"
    label = "catalog"
    verbose_name = "数据资源目录"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry

        registry.register_permission("catalog.view", "查看数据资源目录", VIEW_ROLES)
        registry.register_permission("catalog.edit", "编制目录、挂载资源、维护责任清单和提出数据需求", ("data_admin",))
        registry.register_permission("catalog.dept_review", "部门审核目录", ("dept_admin",))
        registry.register_permission("catalog.authority_review", "数据主管部门审核并发布目录", ("data_authority",))

        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_nav(NavItem("data.catalog", "数据资源目录", "catalog:overview", "catalog.view", "data", order=10))
        registry.register_urls("workbench/data/catalog/", "digigov.data.catalog.urls")

        from . import api, todos  # noqa: F401  registers the to-dos

        register_router("/data/catalog/", api.router)

        from . import demo, index, kpis  # noqa: F401  search index signals, the K04 computer, the demo generator
