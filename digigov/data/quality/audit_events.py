"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "quality.rule.derive": "生成基础质量规则",
    "quality.rule.create": "新增质量规则",
    "quality.rule.update": "修改质量规则",
    "quality.rule.void": "删除质量规则",
    "quality.run": "执行数据质量检查",
    "quality.task.create": "派发数据质量整改任务",
    "quality.task.start": "开始整改",
    "quality.task.submit": "提交整改结果",
    "quality.task.close": "整改核验通过",
    "quality.task.reopen": "整改核验未通过",
    "quality.task.due": "调整整改期限",
})
