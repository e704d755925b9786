"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "aggregation.source.create": "新建归集数据源",
    "aggregation.source.update": "修改归集数据源",
    "aggregation.source.void": "作废归集数据源",
    "aggregation.job.submit": "提交归集任务",
    "aggregation.job.commit": "归集批次入库",
    "aggregation.job.quarantine": "归集任务整批隔离",
    "aggregation.job.fail": "归集任务失败",
})
