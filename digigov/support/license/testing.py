"""Test helpers: a licence type of a unit (with a seal to issue it) and a valid data set for it."""

from __future__ import annotations

from digigov.core.testing import resident_id

from .actions.types import create_type

MARRIAGE_FIELDS = [
    {"key": "name", "label": "姓名", "type": "text", "required": True},
    {"key": "id_number", "label": "公民身份号码", "type": "id_number", "required": True},
    {"key": "spouse_name", "label": "配偶姓名", "type": "text", "required": True},
    {"key": "spouse_id_number", "label": "配偶公民身份号码", "type": "id_number", "required": True},
    {"key": "register_date", "label": "登记日期", "type": "date", "required": True},
    {"key": "remark", "label": "备注", "type": "text", "required": False},
]


def make_type(department, *, code: str = "100000CA001", name: str = "结婚证", holder_kind: str = "person", fields=None,
              valid_years=None, actor=None):
    from digigov.core.rbac.system import system_account

    return create_type(actor or system_account(), code=code, name=name, holder_kind=holder_kind, department=department,
                       fields=fields or MARRIAGE_FIELDS, valid_years=valid_years, page="A5 横向")


def marriage_data(**over) -> dict:
    return {"spouse_name": "李四", "spouse_id_number": resident_id(), "register_date": "2025-05-20", **over}
