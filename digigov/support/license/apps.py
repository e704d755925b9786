from django.apps import AppConfig


class LicenseConfig(AppConfig):
    name = "digigov.support.license"
    label = "license"
    verbose_name = "电子证照"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry

        registry.register_permission("license.issue", "签发、变更、注销本部门电子证照", ("dept_admin", "approver"))
        registry.register_permission("license.manage", "管理证照类型和事项用证设置", ("dept_admin", "city_admin"))
        registry.register_permission("license.verify", "核验持证人出示或授权的电子证照", ("window_clerk", "approver", "dept_admin"))
        registry.register_permission("license.view", "查看电子证照和用证记录", ("dept_admin", "city_admin", "leader", "auditor"))
        registry.register_permission("license.hold", "查看本人证照、亮证和授权用证", ("citizen", "enterprise_agent"))

        from .apps_wallet import ready as wallet_ready; wallet_ready()  # noqa: E702 — wallet, 亮证, grants, use log, K11
