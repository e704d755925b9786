"""Chinese labels of the audit action codes this app records (imported from ``apps.ready``)."""

from digigov.core.registry import register_audit_events

register_audit_events({
    "spatial.boundary.create": "登记行政区划边界",
    "spatial.boundary.update": "修改行政区划边界",
    "spatial.road.create": "登记道路",
    "spatial.address.create": "登记标准地址（门楼牌）",
    "spatial.poi.create": "登记兴趣点",
    "spatial.poi.move": "调整兴趣点位置",
})
