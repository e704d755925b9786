"""Chinese labels of the workflow app's audit action codes."""

from digigov.core import registry

registry.register_audit_events({
    "workflow.case_start": "发起办件",
    "workflow.case_withdraw": "撤回办件",
    # --- window slice: application materials ---
    "workflow.material_add": "添加申请材料",
    "workflow.material_licence": "以电子证照替代申请材料",
})
