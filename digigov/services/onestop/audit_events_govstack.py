"""Chinese labels of the govstack slice's audit action codes."""

from digigov.core import registry

registry.register_audit_events({
    "onestop.govstack.document_upload": "GovStack 接口上传申请材料",
    "onestop.govstack.application_update": "GovStack 接口补正申请",
    "onestop.govstack.application_submit": "GovStack 接口提交申请",
})
