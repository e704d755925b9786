"""What the time-limit slice registers, called once from ``WorkflowConfig.ready`` (one line there): the
clock's and the notices' signal receivers, the periodic warning task, the calendar and overdue pages,
the nav entry 办件时限, the KPI-style figures and the 2026 calendar demo."""

from __future__ import annotations


def ready() -> None:
    from digigov.core import registry
    from digigov.core.registry import NavItem

    from . import audit_events_timelimits  # noqa: F401 — audit labels
    from . import calendar  # noqa: F401 — CalendarDay save/delete clears the working-day cache
    from . import demo_calendar  # noqa: F401 — register_demo("calendar")
    from . import notifications, timelimit_tasks, timelimits  # noqa: F401 — timelimit_tasks registers the periodic task

    timelimits.connect()  # the clock first: the notices quote the due dates it sets
    notifications.connect()
    registry.register_urls("workbench/support/timelimits/", "digigov.support.workflow.urls_timelimits")
    registry.register_urls("workbench/support/calendar/", "digigov.support.workflow.urls_calendar")
    registry.register_nav(NavItem("support.workflow", "办件时限", "timelimits:overview", "workflow.view", "support", order=30))

    from digigov.core.api import register_router

    from . import api_timelimits

    register_router("/workflow/timelimits/", api_timelimits.router)
    register_router("/workflow/calendar/", api_timelimits.calendar_router)
