from django.apps import AppConfig

VIEW_ROLES = ("dept_admin", "data_admin", "city_admin", "leader", "auditor")


class SharingConfig(AppConfig):
    name = "digigov.data.sharing"
    label = "sharing"
    verbose_name = "数据共享交换"

    def ready(self):
        from digigov.core import registry

        from .models import SECRET_PURPOSE

        registry.register_key_purpose(SECRET_PURPOSE, "数据共享调用应用密钥（HMAC-SM3 签名）")
        registry.register_permission("sharing.manage_apps", "管理本部门的调用应用和密钥", ("dept_admin", "data_admin", "city_admin"))
        registry.register_permission("sharing.develop", "注册开发者应用、申请调用开放数据", ("citizen", "enterprise_agent"))
        registry.register_audit_events({
            "sharing.app.create": "创建调用应用", "sharing.app.rotate_secret": "更换应用密钥", "sharing.app.active": "恢复调用应用",
            "sharing.app.suspended": "暂停调用应用", "sharing.app.revoked": "注销调用应用",
        })
        try:
            from .apps_sharing import ready as sharing_ready  # the sharing slice registers permissions, URLs, routers, KPIs, demo
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.apps_sharing":
                raise
        else:
            sharing_ready()
