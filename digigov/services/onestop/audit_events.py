"""Chinese labels of the 一网通办 app's audit action codes (each slice adds its own)."""

from digigov.core import registry

registry.register_audit_events({
    "onestop.item.create": "新增政务服务事项",
    "onestop.item.update": "修改政务服务事项",
    "onestop.bundle.create": "新增一件事",
    "onestop.bundle.update": "修改一件事",
    "onestop.application.draft": "保存网上申请草稿",
    "onestop.application.submit": "提交网上申请",
    "onestop.application.withdraw": "撤回网上申请",
    "onestop.material.add": "提交申请材料",
    "onestop.rating.create": "好差评评价",
    "onestop.rectification.open": "差评转整改",
    "onestop.rectification.reply": "差评整改答复",
    "onestop.rectification.visit": "差评整改回访",
})
