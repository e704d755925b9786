"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "grading.proposal.submit": "提出数据分级建议",
    "grading.proposal.confirm": "确认数据分级建议",
    "grading.proposal.reject": "驳回数据分级建议",
    "grading.proposal.withdraw": "撤回数据分级建议",
    "grading.level.change": "变更数据级别",
    "grading.preview.clear": "查看个人信息明文（数据预览）",
})
