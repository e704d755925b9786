"""Chinese labels of the wallet slice's audit action codes (亮证, grants, uses, 事项用证设置)."""

from digigov.core import registry

registry.register_audit_events({
    "license.present": "生成亮证码",
    "license.grant": "授权使用电子证照",
    "license.grant.revoke": "撤销用证授权",
    "license.use": "使用电子证照",
    "license.policy": "设置事项用证",
})
