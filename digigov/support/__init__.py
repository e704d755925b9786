"""Support-platform layer (“平台+大脑”应用支撑体系): identity, e-seals, workflow, ...

Not built yet; its systems appear in the navigation as 未接入.
"""
