"""Chinese labels of the audit action codes of time limits and the holiday calendar (imported from
``apps_timelimits.ready``; the engine's own codes live in its own module)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "workflow.clock.suspend": "启动特别程序（暂停计时）",
    "workflow.clock.resume": "结束特别程序（恢复计时）",
    "workflow.calendar.add": "新增节假日或调休安排",
    "workflow.calendar.change": "修改节假日或调休安排",
    "workflow.calendar.remove": "删除节假日或调休安排",
    "workflow.calendar.import": "导入全年节假日安排",
})
