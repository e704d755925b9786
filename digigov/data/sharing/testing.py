"""Test factories of data sharing, shared by this app's tests, the browser journey and the other issue-13
slices: a provider entry with a personal item, a consumer department app, and the keyword arguments of a
valid share request."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from digigov.data.catalog.testing import make_entry

from .actions import apps as app_actions

ITEMS = (
    {"name": "学生姓名", "field_name": "xm", "personal": 1, "level": 2},
    {"name": "公民身份号码", "field_name": "sfzh", "format": "resident_id", "personal": 2, "level": 3},
    {"name": "就读学校", "field_name": "xx"},
    {"name": "年级", "field_name": "nj"},
)


def provider_entry(department, *, sharing_type: str = "conditional", name: str = "学生学籍信息", **fields):
    return make_entry(department, ITEMS, name=name, sharing_type=sharing_type, sharing_condition="用于政务服务办理核验" if sharing_type == "conditional" else "",
                      sharing_basis="涉及未成年人敏感信息" if sharing_type == "none" else "", **fields)


def department_app(actor, department, name: str = "业务协同系统"):
    app, _secret = app_actions.create_app(actor, kind="department", name=name, department=department)
    return app


def request_kwargs(requester, entry, app, **over) -> dict:
    today = timezone.localdate()
    kwargs = {"requester": requester, "entry": entry, "app": app, "fields": ["xm", "sfzh", "xx"], "clear_fields": ["xm"],
              "purpose": "办理学生资助事项时核验", "basis": "《学生资助资金管理办法》", "period_start": today,
              "period_end": today + dt.timedelta(days=364)}
    kwargs.update(over)
    return kwargs
