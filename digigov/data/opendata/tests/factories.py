"""Shared by this app's tests, the browser journey and the benchmark: an openable entry with a table."""

from __future__ import annotations

from digigov.data.catalog.testing import create_dataset, make_entry

ITEMS = [
    {"name": "学校名称", "field_name": "xxmc", "data_type": "C", "length": 100},
    {"name": "所在区域", "field_name": "szqy", "data_type": "C", "length": 20},
    {"name": "学生人数", "field_name": "xsrs", "data_type": "N"},
]
DISTRICTS = ["元宝区", "振兴区", "振安区"]


def school_entry(department, *, n: int = 30, name: str = "示范市中小学校名录", open_type: str = "unconditional", user=None, **fields):
    entry = make_entry(department, ITEMS, name=name, open_type=open_type, abstract="全市中小学校的名称、所在区域和学生人数", **fields)
    rows = [{"xxmc": f"第{i}中学", "szqy": DISTRICTS[i % 3], "xsrs": str(300 + i)} for i in range(1, n + 1)]
    create_dataset(entry, rows, user=user)
    return entry


PERSON_ITEMS = [
    {"name": "姓名", "field_name": "xm", "data_type": "C", "personal": 1},
    {"name": "年龄", "field_name": "nl", "data_type": "N"},
    {"name": "居住地址", "field_name": "jzdz", "data_type": "C", "personal": 1},
    {"name": "服务类型", "field_name": "fwlx", "data_type": "C", "length": 20},
]


def person_entry(department, rows, *, user, open_type: str = "conditional", **fields):
    entry = make_entry(department, PERSON_ITEMS, name="居家养老服务对象统计", open_type=open_type, personal=1, **fields)
    create_dataset(entry, rows, user=user)
    return entry
