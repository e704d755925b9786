"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "keys.create": "生成数据密钥",
    "keys.rotate": "轮换数据密钥",
    "keys.reencrypt": "发起重新加密",
    "keys.reencrypt.finish": "重新加密结束",
})
