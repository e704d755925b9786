"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "network.access_point.create": "新建外网接入点",
    "network.access_point.status": "变更外网接入点状态",
    "network.access_point.update": "修改外网接入点",
    "network.access_point.void": "作废外网接入点",
})
