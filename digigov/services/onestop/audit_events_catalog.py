"""Chinese labels of the catalog slice's own audit action codes (the shared ones are in ``audit_events.py``)."""

from digigov.core import registry

registry.register_audit_events({
    "onestop.item.deactivate": "政务服务事项下线",
    "onestop.item.activate": "政务服务事项重新上线",
    "onestop.item.materials": "修改事项申请材料",
    "onestop.topic.create": "新增办事主题",
    "onestop.topic.update": "修改办事主题",
})
