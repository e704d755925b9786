from django.apps import AppConfig

VIEW_ROLES = ("dept_admin", "data_admin", "data_authority", "city_admin", "leader", "auditor", "security_officer")


class RegistriesConfig(AppConfig):
    name = "digigov.data.registries"
    label = "registries"
    verbose_name = "基础数据库"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry

        registry.register_permission("registries.view", "查询基础数据库（人口、法人、信用、电子证照索引），个人信息脱敏显示", VIEW_ROLES)
        registry.register_permission("registries.view_clear", "说明用途后查看基础数据库中的个人信息明文（每次查看均留痕）", ("data_authority", "data_admin"))
        registry.register_permission("registries.steward", "数据管家：处理疑似重复和属性冲突，维护权威数据源", ("data_authority",))
        registry.register_permission("registries.build", "发起基础数据库构建（归集、比对、生成主体记录）", ("data_authority",))
        registry.register_permission("registries.govstack", "通过 GovStack 数字登记簿接口定义登记簿并读写记录", ("data_authority", "data_admin"))
        registry.register_permission("registries.credit_record", "录入和作废信用信息（双公示、红黑名单），限本部门认定的事项", ("data_admin", "data_authority"))
        registry.register_permission("registries.licence_index", "登记电子证照目录索引（证照签发时调用）", ("data_authority",))

        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_nav(NavItem("data.registries", "基础数据库", "registries:persons", "registries.view", "data", order=40))
        registry.register_nav(NavItem("data.registries_governance", "基础库治理", "registries:governance", "registries.view", "data", order=60))
        registry.register_urls("workbench/data/registries/", "digigov.data.registries.urls")

        from . import api, demo_credit, kpis  # noqa: F401  the credit demo generator, the governance figures

        register_router("/data/registries/", api.router)
        # 数据管家 (the build slice): the steward's queue under 一数一源, its to-do and the demo registries
        registry.register_nav(NavItem("data.linkage", "数据管家", "registries_steward:list", "registries.steward", "data", order=55))
        registry.register_urls("workbench/data/registries/steward/", "digigov.data.registries.urls_steward")
        from . import demo, receivers, todos  # noqa: F401  registers the demo generator, the load receiver and the steward's to-do
