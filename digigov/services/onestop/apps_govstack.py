"""The govstack slice of the 一网通办 app: the GovStack Registration API, the 我的 hub and 智能推荐."""

from digigov.core import registry


def ready():
    from digigov.core.api import register_router
    from digigov.core.registry import NavItem

    from . import api_govstack, audit_events_govstack  # noqa: F401 — this slice's audit labels

    registry.register_urls("govstack/registration/", "digigov.services.onestop.urls_govstack")
    registry.register_urls("my/", "digigov.services.onestop.urls_my")
    register_router("/services/recommendations", api_govstack.router)
    registry.register_nav(NavItem("my_hub", "我的", "my_hub:home", "workflow.apply", "services", area="portal", order=5))
