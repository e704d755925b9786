"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "catalog.entry.create": "编制目录条目",
    "catalog.entry.update": "编辑目录条目",
    "catalog.entry.submit": "提交目录审核",
    "catalog.entry.dept_approve": "部门审核通过目录",
    "catalog.entry.dept_return": "部门审核退回目录",
    "catalog.entry.authority_return": "数据主管部门退回目录",
    "catalog.entry.publish": "发布目录条目",
    "catalog.entry.revise": "发起目录变更",
    "catalog.entry.withdraw_revision": "撤销目录变更",
    "catalog.entry.withdraw": "撤销已发布目录",
    "catalog.entry.void": "作废目录条目",
    "catalog.mount.create": "挂载资源",
    "catalog.mount.void": "取消挂载资源",
    "catalog.responsibility.create": "新增责任清单事项",
    "catalog.responsibility.update": "修改责任清单事项",
    "catalog.responsibility.link": "关联责任清单与目录",
    "catalog.responsibility.void": "作废责任清单事项",
    "catalog.demand.file": "提出数据需求",
    "catalog.demand.accept": "受理数据需求",
    "catalog.demand.reject": "不予满足数据需求",
    "catalog.demand.meet": "数据需求已满足",
})
