"""Chinese labels of the workflow app's audit action codes."""

from digigov.core import registry

registry.register_audit_events({
    "workflow.case_start": "发起办件",
    "workflow.case_withdraw": "撤回办件",
})
