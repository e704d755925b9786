"""Chinese labels of the workflow app's audit action codes."""

from digigov.core import registry

registry.register_audit_events({
    "workflow.case_start": "发起办件",
    "workflow.case_withdraw": "撤回办件",
    # engine slice: processes, incidents, messages
    "workflow.process_create": "新建流程",
    "workflow.version_import": "导入流程版本",
    "workflow.version_activate": "发布流程版本",
    "workflow.version_retire": "停用流程版本",
    "workflow.incident_retry": "重试流程异常",
    "workflow.incident_cancel": "终止异常办件",
    "workflow.message_deliver": "向办件投递消息",
    "workflow.timer_fire": "定时事件触发",
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
    # --- window slice: application materials ---
    "workflow.material_add": "添加申请材料",
    "workflow.material_licence": "以电子证照替代申请材料",
})
