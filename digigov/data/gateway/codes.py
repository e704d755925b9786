"""The Chinese words for the gateway's result codes (pages show these, never the codes)."""

RESULT_LABELS = {
    "ok": "成功",
    "signature_missing": "缺少签名",
    "bad_signature": "签名无效",
    "unknown_app": "应用不存在",
    "bad_app_key": "应用标识无效",
    "bad_timestamp": "时间戳无效",
    "stale_timestamp": "时间戳过期",
    "bad_nonce": "随机数无效",
    "replayed_nonce": "重放请求",
    "app_inactive": "应用已暂停",
    "unknown_resource": "资源不存在",
    "no_table": "无库表数据",
    "field_not_approved": "信息项未授权",
    "bad_filter": "查询条件无效",
    "filter_not_supported": "查询条件不支持",
    "bad_fields": "返回字段无效",
    "bad_limit": "每页行数无效",
    "bad_cursor": "分页游标无效",
    "rate_limited": "调用过频",
    "quota_exceeded": "超出配额",
    "body_too_large": "请求体过大",
    "upstream_error": "上游接口错误",
    "upstream_timeout": "上游接口超时",
    "upstream_unavailable": "上游接口不可用",
    "upstream_bad_response": "上游数据无法识别",
    "data_unavailable": "数据暂不可读",
    "log_unavailable": "记录暂不可写",
}


def result_label(code: str) -> str:
    return RESULT_LABELS.get(code, "其他结果")
