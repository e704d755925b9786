"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "forms.form.create": "新建表单",
    "forms.version.save": "保存表单草稿",
    "forms.version.publish": "发布表单版本",
    "forms.version.retire": "停用表单版本",
    "forms.submission.submit": "提交表单",
    "forms.submission.draft": "暂存表单",
})
