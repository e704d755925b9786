"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "notify.inbox.read": "站内消息标为已读",
    "notify.inbox.read_all": "站内消息全部标为已读",
})
