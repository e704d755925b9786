"""Chinese labels of the e-seal app's audit action codes."""

from digigov.core import registry

registry.register_audit_events({
    # --- foundation (signing service, CA) ---
    "seal.sign": "电子签章",
    "seal.certificate.issue": "签发数字证书",
    # --- seal registry (电子印章管理) ---
    "seal.application.submit": "提交印章申请",
    "seal.application.approve": "批准印章申请",
    "seal.application.reject": "驳回印章申请",
    "seal.application.withdraw": "撤回印章申请",
    "seal.make": "制作电子印章",
    "seal.suspend": "暂停印章",
    "seal.resume": "恢复印章",
    "seal.revoke": "注销印章",
    "seal.certificate.revoke": "吊销数字证书",
})
