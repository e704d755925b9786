from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "digigov.data.federation"
    label = "federation"
    verbose_name = "平台级联"

    def ready(self):
        from digigov.core import registry
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem
        from digigov.data.sharing.apps import VIEW_ROLES
        from digigov.data.gateway.routes import register_route
        from digigov.data.sharing.upstream import register_upstream_signer

        from .models import REMOTE_SECRET_PURPOSE

        registry.register_permission("federation.view", "查看平台级联（级联平台、提供的目录与镜像目录）", VIEW_ROLES)
        registry.register_permission("federation.manage", "登记和管理级联平台、同步对方目录", ("data_admin", "city_admin"))
        registry.register_permission("federation.offer", "向级联平台提供本部门的目录条目", ("dept_admin", "data_admin"))
        registry.register_audit_events({
            "federation.peer.register": "登记级联平台", "federation.peer.update": "修改级联平台",
            "federation.peer.suspend": "暂停级联平台", "federation.peer.resume": "恢复级联平台",
            "federation.offer": "向级联平台提供目录", "federation.sync": "同步级联平台目录",
        })
        registry.register_key_purpose(REMOTE_SECRET_PURPOSE, "级联平台应用密钥")
        registry.register_urls("workbench/data/federation/", "digigov.data.federation.urls")
        registry.register_nav(NavItem("data.federation", "平台级联", "federation:peers", "federation.view", "data", order=47))

        from . import api, demo, gateway_routes, signer, tasks  # noqa: F401 — the demo generator and the Huey job register themselves

        register_route(gateway_routes.CATALOG_PATH, gateway_routes.catalog_endpoint, methods=("GET",))
        register_upstream_signer(signer.sign_peer_call)
        register_router("/data/federation/", api.router)
