"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "realname.code.send": "发送实名认证验证码",
    "realname.verify": "完成实名认证",
    "realname.level.raise": "提升账户实名等级",
    "realname.code.purge": "清理过期验证码",
})
