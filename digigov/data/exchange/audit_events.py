"""Chinese labels of the exchange app's audit action codes."""

from digigov.core import registry

registry.register_audit_events({
    "exchange.job.create": "新建批量交换任务",
    "exchange.job.update": "修改批量交换任务",
    "exchange.job.pause": "暂停批量交换任务",
    "exchange.job.resume": "恢复批量交换任务",
    "exchange.job.run": "执行批量交换任务",
    "exchange.run.retry": "重试失败的交换（死信）",
    "exchange.run.download": "下载交换文件",
    "exchange.return.create": "新建数据回流任务",
    "exchange.return.run": "执行数据回流",
})
