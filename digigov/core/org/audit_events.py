"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "org.division.create": "新建行政区划",
    "org.department.create": "新建部门",
    "org.department.update": "修改部门信息",
    "org.post.create": "新建岗位",
    "org.staff.add": "添加工作人员",
})
