"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "registries.feed.create": "登记基础库数据源",
    "registries.authority.set": "设定权威数据源",
    "registries.build": "构建基础数据库",
    "registries.build.start": "发起基础数据库构建",
    "registries.read_clear": "查看基础库个人信息明文",
    "registries.task.decide": "处理数据管家任务",
    "registries.credit.record": "录入信用信息",
    "registries.credit.void": "作废信用信息",
    "registries.licence.index": "登记电子证照目录索引",
})
