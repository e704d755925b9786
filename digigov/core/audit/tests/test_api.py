"""The audit API carries the same Chinese labels as the page."""

from digigov.core.audit.actions import record
from digigov.core.context import acting_as


def test_entries_carry_chinese_labels(client, role_user, city):
    with acting_as(city.system, channel="task"):
        record(city.system, "kpi.recompute", city.bureau, after={"kpi": "x"})
    client.force_login(role_user("auditor"))
    items = client.get("/api/v1/audit/entries", {"action": "kpi.recompute"}).json()["items"]
    assert len(items) == 1
    item = items[0]
    assert (item["action_label"], item["role_label"], item["channel_label"], item["object_type_label"]) == (
        "重算指标", "系统作业", "后台任务", "部门/单位")
    verify = client.get("/api/v1/audit/verify").json()
    assert verify["ok"] is True and verify["checkpoints"] == 0
