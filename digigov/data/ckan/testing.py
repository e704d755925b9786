"""Test factory: an open dataset (catalog entry + ``OpenDataset`` + optionally its table), written directly."""

from __future__ import annotations

from django.utils import timezone

from digigov.data.catalog.testing import category_for_tests, create_dataset, make_entry
from digigov.data.opendata import search
from digigov.data.opendata.models import OpenDataset

PEOPLE_ITEMS = [
    {"name": "姓名", "field_name": "xm", "personal": 1},
    {"name": "公民身份号码", "field_name": "sfzh", "format": "resident_id", "personal": 1},
    {"name": "所在区县", "field_name": "qx"},
    {"name": "年龄", "field_name": "nl", "data_type": "N"},
]


def open_dataset(department, user, *, name: str, title: str = "测试开放数据集", abstract: str = "", keywords=(), items=None,
                 rows=None, open_type: str = "unconditional", license: str = "odc-gov-cn", category=None, **entry_fields) -> OpenDataset:
    entry = make_entry(department, items if items is not None else PEOPLE_ITEMS, name=title, abstract=abstract or title,
                       open_type=open_type, category=category or category_for_tests(), **entry_fields)
    if rows is not None:
        create_dataset(entry, rows, user=user)
    ds = OpenDataset.objects.create(entry=entry, name=name, keywords=list(keywords), license=license, opened_at=timezone.now(),
                                    opened_by=user)
    search.reindex(OpenDataset.objects.filter(pk=ds.pk))  # what the portal's open action does
    return ds
