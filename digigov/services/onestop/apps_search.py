"""The search slice's registrations (called from ``OnestopConfig.ready``): the page and the suggestion
fragment under ``/services/search/``, the public API ``/api/v1/services/search`` and ``/services/suggest``,
the catalog signals that keep the index current, and the demo step that builds the index."""


def ready() -> None:
    from digigov.core import registry
    from digigov.core.api import register_router

    from . import api_search, demo_search, search  # noqa: F401 — demo_search registers the demo step

    search.connect()
    registry.register_urls("services/search/", "digigov.services.onestop.urls_search")
    register_router("/services/search", api_search.search_router)
    register_router("/services/suggest", api_search.suggest_router)
