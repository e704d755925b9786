from django.apps import AppConfig


class KeysConfig(AppConfig):
    name = "digigov.security.keys"
    label = "keys"
    verbose_name = "密钥管理"

    def ready(self):
        from . import audit_events, checks, tasks  # noqa: F401 — audit labels; the start-up check of the master key; usage flush
        from digigov.core import registry

        registry.register_permission("keys.view", "查看密钥与使用情况", ("security_officer", "auditor"))
        registry.register_permission("keys.manage", "生成、轮换与停用密钥", ("security_officer",))

        registry.register_nav(registry.NavItem("security.crypto", "密钥管理", "keys:index", "keys.view", "security", order=20))
        registry.register_urls("workbench/security/keys/", "digigov.security.keys.urls")

        from django.core.signals import request_finished

        from . import api

        request_finished.connect(api.flush_usage_now_and_then, dispatch_uid="keys.flush_usage")

        from digigov.core.pii import BLIND_INDEX_PURPOSE, DEFAULT_PURPOSE

        from .fields import KeyStoreFieldCipher

        registry.register_field_cipher(KeyStoreFieldCipher())
        registry.register_key_purpose(DEFAULT_PURPOSE, "个人信息字段加密（身份证号码、手机号码、住址）")
        registry.register_key_purpose(BLIND_INDEX_PURPOSE, "个人信息盲索引（按身份证号码精确查找）")
