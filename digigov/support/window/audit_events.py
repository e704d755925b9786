"""Chinese labels of the comprehensive window's audit action codes."""

from digigov.core import registry

registry.register_audit_events({
    # --- window slice (综合窗口) ---
    "window.hall_create": "新建政务服务大厅",
    "window.hall_update": "修改政务服务大厅",
    "window.ticket_take": "取号",
    "window.ticket_call": "叫号",
    "window.ticket_serve": "开始办理（排队号）",
    "window.ticket_finish": "办结（排队号）",
    "window.ticket_absent": "过号",
    "window.ticket_recall": "重新叫号",
    "window.reception_start": "开始窗口受理",
    "window.applicant_identify": "窗口核验申请人身份",
    "window.consent_record": "记录数据使用授权",
    "window.data_pull": "经授权调取基础库数据和电子证照",
    "window.application_create": "窗口代为申请",
    "window.accept_task": "完成窗口受理环节",
    "window.reception_finish": "结束窗口受理",
    "window.delivery_create": "登记出件",
    "window.delivery_ready": "出件就绪待领取",
    "window.delivery_hand_out": "窗口领取出件",
    "window.delivery_post": "邮寄出件",
})
