"""The catalog slice's registrations: the portal's first screen, /about/, the public pages under /services/,
the staff catalog pages, the public catalog API, the nav entry and the demo generator."""


def ready():
    from digigov.core import registry
    from digigov.core.api import register_router
    from digigov.core.registry import NavItem

    from . import audit_events_catalog  # noqa: F401 — the catalog's own audit labels
    from . import api_catalog, demo_catalog  # noqa: F401 — demo_catalog registers "onestop.catalog"
    from .views_catalog import home

    registry.register_portal_home(home)
    registry.register_urls("", "digigov.services.onestop.urls_catalog_about")
    registry.register_urls("services/", "digigov.services.onestop.urls_catalog")
    registry.register_urls("workbench/services/catalog/", "digigov.services.onestop.urls_catalog_staff")
    registry.register_nav(NavItem("services.onestop", "一网通办", "onestop_catalog_staff:items", "onestop.manage", "services", order=10))
    register_router("/services/items/", api_catalog.items_router)
    register_router("/services/topics/", api_catalog.topics_router)
