from django.apps import AppConfig

STAFF_VIEW = ("window_clerk", "approver", "dept_admin", "city_admin", "leader", "auditor")


class WorkflowConfig(AppConfig):
    name = "digigov.support.workflow"
    label = "workflow"
    verbose_name = "流程与办件"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry

        from .components import register_builtin

        register_builtin()

        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        from . import api

        register_router("/support/workflow/", api.router)
        registry.register_nav(NavItem("support.workflow", "流程管理", "workflow:processes", "workflow.view", "support", order=20))
        registry.register_urls("workbench/support/workflow/", "digigov.support.workflow.urls")

        registry.register_permission("workflow.apply", "在线申请办理事项（本人或本人代理的企业）", ("citizen", "enterprise_agent"))
        registry.register_permission("workflow.track", "查看办件进度（本人申请的，或职责范围内的）", ("citizen", "enterprise_agent") + STAFF_VIEW)
        registry.register_permission("workflow.view", "查看流程定义和办件", STAFF_VIEW)
        registry.register_permission("workflow.design", "导入、发布和停用流程（BPMN）", ("dept_admin", "city_admin"))
        registry.register_permission("workflow.handle", "认领和办理待办任务（受理、审批、补正、退回）", ("window_clerk", "approver"))
        registry.register_permission("workflow.assign", "分派、转办本部门的待办任务", ("dept_admin",))
        registry.register_permission("workflow.incident", "处理流程异常（重试、终止）", ("dept_admin", "city_admin"))
        registry.register_permission("workflow.calendar", "维护节假日和调休安排", ("city_admin",))
        registry.register_permission("workflow.suspend", "发起和结束特别程序（暂停计时）", ("approver", "dept_admin"))

        from .apps_timelimits import ready as timelimits_ready; timelimits_ready()  # noqa: E702 — time limits, calendar, notices
        # the task engine's people side (h-tasks): worklist, task and case pages, 我的办件, API, header to-do
        from digigov.core.api import register_router
        from digigov.core.registry import NavItem

        registry.register_urls("workbench/support/", "digigov.support.workflow.urls_tasks")
        registry.register_urls("my/cases/", "digigov.support.workflow.urls_my_cases")
        registry.register_nav(NavItem("support.workflow", "表单与流程引擎", "tasks:cases", "workflow.view", "support", order=60))
        registry.register_nav(NavItem("my_cases", "我的办件", "my_cases:list", "workflow.apply", "services", area="portal", order=20))
        from . import api_tasks, todos  # noqa: F401  registers the to-do
        from . import demo  # noqa: F401  the demo processes and cases

        register_router("/support/tasks/", api_tasks.tasks_router)
        register_router("/support/cases/", api_tasks.cases_router)
