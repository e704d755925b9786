from digigov.core.registry import register_audit_events

register_audit_events({
    "privacy.policy.set": "设置差分隐私策略",
    "privacy.aggregate": "差分隐私聚合查询",
})
