from digigov.core import registry

registry.register_audit_events({
    "opendata.dataset.open": "开放数据集", "opendata.dataset.withdraw": "下线开放数据集", "opendata.dataset.reopen": "重新上线开放数据集",
    "opendata.dataset.update": "修改开放数据集关键词或许可", "opendata.rating.create": "评分开放数据集", "opendata.rating.update": "修改数据集评分",
    "opendata.comment.create": "评论开放数据集", "opendata.comment.hide": "隐藏数据集评论", "opendata.showcase.submit": "提交数据应用展示",
    "opendata.showcase.approved": "通过数据应用展示", "opendata.showcase.rejected": "退回数据应用展示", "opendata.subscribe": "开通开放数据调用",
    "opendata.application.submit": "提交开放数据调用申请", "opendata.application.approved": "同意开放数据调用申请",
    "opendata.application.rejected": "不同意开放数据调用申请",
})
