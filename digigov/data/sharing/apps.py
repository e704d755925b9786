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
        try:
            from .apps_sharing import ready as sharing_ready  # the sharing slice registers permissions, URLs, routers, KPIs, demo
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.apps_sharing":
                raise
        else:
            sharing_ready()
