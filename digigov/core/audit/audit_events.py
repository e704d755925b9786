"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "pii.read": "查看个人信息明文",
    "audit.export": "导出审计日志",
    "audit.verify": "发起审计链校验",
})
