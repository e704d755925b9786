"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "cloud.pool.create": "新建资源池",
    "cloud.pool.resize": "调整资源池容量",
    "cloud.platform.create": "登记云平台",
    "cloud.platform.integrate": "云平台纳入统一管理",
    "cloud.platform.separate": "云平台移出统一管理",
    "cloud.platform.void": "作废云平台",
    "cloud.system.register": "登记上云系统",
    "cloud.system.status": "变更上云系统状态",
    "cloud.system.migrate": "系统迁移上云",
    "cloud.system.void": "作废上云系统",
    "cloud.quota.create": "设定资源配额",
    "cloud.quota.update": "调整资源配额",
    "cloud.allocation.create": "分配云资源",
    "cloud.allocation.release": "释放云资源",
    "cloud.samples.ingest": "导入资源使用率采样",
    "cloud.request.submit": "提交云资源申请",
    "cloud.request.approve": "批准云资源申请",
    "cloud.request.reject": "驳回云资源申请",
    "cloud.request.withdraw": "撤回云资源申请",
    "cloud.request.void": "作废云资源申请",
})
