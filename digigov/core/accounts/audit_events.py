"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "accounts.login": "登录",
    "accounts.login.failed": "登录失败",
    "accounts.password.change": "修改密码",
    "accounts.password.change_failed": "修改密码时原密码错误",
    "accounts.totp.start": "开始绑定动态口令",
    "accounts.totp.enrol": "绑定动态口令",
    "accounts.user.create": "新建账户",
    "accounts.person.register": "登记自然人",
    "accounts.legal_person.register": "登记法人",
    "accounts.agent.authorize": "授权企业经办人",
    "accounts.apiclient.create": "新建接口调用方",
    # actions.void: f"{model label}.void" for each voidable model of this app
    "accounts.naturalperson.void": "作废自然人登记",
    "accounts.legalperson.void": "作废法人登记",
    "accounts.agentauthorization.void": "撤销经办人授权",
    "accounts.apiclient.void": "停用接口调用方",
})
