"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "identity.client.create": "登记统一身份认证接入应用",
    "identity.key.create": "生成身份令牌签名密钥",
    "identity.key.rotate": "轮换身份令牌签名密钥",
    "identity.consent": "同意应用获取身份信息",
})
