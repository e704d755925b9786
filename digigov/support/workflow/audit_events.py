"""Chinese labels of the workflow app's audit action codes."""

from digigov.core import registry

registry.register_audit_events({
    "workflow.case_start": "发起办件",
    "workflow.case_withdraw": "撤回办件",
    # the task engine's people side (h-tasks): claiming, assignment, decisions, correction
    "workflow.task_claim": "认领任务",
    "workflow.task_unclaim": "退回待认领",
    "workflow.task_hand_over": "转办任务",
    "workflow.task_delegate": "委托办理",
    "workflow.task_assign": "分派任务",
    "workflow.task_approve": "审批同意",
    "workflow.task_reject": "审批不同意",
    "workflow.task_complete": "办理完成",
    "workflow.task_correction": "退回补正",
    "workflow.correction_submit": "提交补正",
})
