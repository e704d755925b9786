from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "digigov.support.forms"
    label = "forms"
    verbose_name = "表单"

    def ready(self):
        from digigov.core import registry

        registry.register_permission("forms.view", "查看表单定义", ("dept_admin", "city_admin", "window_clerk", "approver", "leader", "auditor"))
        registry.register_permission("forms.design", "设计、发布和停用表单", ("dept_admin", "city_admin"))
