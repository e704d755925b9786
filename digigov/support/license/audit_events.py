"""Chinese labels of the e-licence app's audit action codes."""

from digigov.core import registry

registry.register_audit_events({
    "license.type.create": "新建证照类型",
    "license.type.update": "修改证照类型",
    "license.licence.issue": "签发电子证照",
    "license.licence.change": "变更电子证照",
    "license.licence.reissue": "补发电子证照",
    "license.licence.supersede": "电子证照被新证替代",
    "license.licence.revoke": "注销电子证照",
    "license.licence.expire": "电子证照到期",
    "license.batch.import": "批量导入电子证照",
    "license.licence.download": "下载电子证照文件",
})
