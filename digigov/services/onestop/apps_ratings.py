"""What the 好差评 slice registers, called from ``OnestopConfig.ready``: its pages (rate, 我的评价, the staff
ratings, rectification queue and statistics), nav entries, API routers, the KPI K09, the to-do of open
rectifications and the demo generator ``onestop.ratings``."""

from __future__ import annotations


def ready() -> None:
    from digigov.core import registry
    from digigov.core.api import register_router
    from digigov.core.registry import NavItem

    from . import api_ratings, demo_ratings, kpis  # noqa: F401 — routers, register_demo, register_kpi("K09")

    registry.register_urls("", "digigov.services.onestop.urls_ratings")
    registry.register_nav(NavItem("my_ratings", "我的评价", "ratings:mine", "onestop.rate", "services", area="portal", order=40))
    registry.register_nav(NavItem("services.onestop_ratings", "好差评", "ratings:staff", "onestop.view", "services", order=30))
    registry.register_nav(NavItem("services.onestop_stats", "政务服务统计", "ratings:stats", "onestop.view", "services", order=31))
    register_router("/services/ratings/", api_ratings.router)
    register_router("/services/stats/", api_ratings.stats_router)

    def open_count(user):
        from .models import RectificationStatus
        from .selectors.ratings import staff_rectifications

        return staff_rectifications(user, "onestop.rectify").filter(status=RectificationStatus.OPEN).count()

    def replied_count(user):
        from .models import RectificationStatus
        from .selectors.ratings import staff_rectifications

        return staff_rectifications(user, "onestop.visit").filter(status=RectificationStatus.REPLIED).count()

    registry.register_todo("onestop.rectify", "待整改差评", open_count, lambda user: "/workbench/services/ratings/rectifications/?status=open",
                           "onestop.rectify")
    registry.register_todo("onestop.visit", "待回访差评整改", replied_count,
                           lambda user: "/workbench/services/ratings/rectifications/?status=replied", "onestop.visit")
