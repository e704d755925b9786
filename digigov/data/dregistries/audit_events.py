"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "dregistries.database.create": "定义数字登记簿",
    "dregistries.database.modify": "修改数字登记簿结构",
    "dregistries.database.delete": "删除数字登记簿",
    "dregistries.record.create": "新增登记簿记录",
    "dregistries.record.update": "修改登记簿记录",
    "dregistries.record.delete": "删除登记簿记录",
    "dregistries.record.read_clear": "查看登记簿记录中的个人信息明文",
})
