from django.apps import AppConfig

from digigov.data.catalog.apps import VIEW_ROLES

SOURCE_URL_PURPOSE = "aggregation.source_url"


class AggregationConfig(AppConfig):
    name = "digigov.data.aggregation"
    label = "aggregation"
    verbose_name = "数据归集"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_permission("aggregation.view", "查看数据归集任务、批次与隔离报告", VIEW_ROLES)
        registry.register_permission("aggregation.run", "配置数据源、上传文件并运行数据归集", ("data_admin",))
        registry.register_key_purpose(SOURCE_URL_PURPOSE, "数据归集源数据库连接串（含口令）")
        registry.register_nav(NavItem("data.aggregation", "数据归集", "aggregation:overview", "aggregation.view", "data", order=20))
        registry.register_urls("workbench/data/aggregation/", "digigov.data.aggregation.urls")

        from . import api, demo, kpis, tasks  # noqa: F401  registers the KPI computer, the demo generator, the tasks

        register_router("/data/aggregation/", api.router)
