from __future__ import annotations

import pytest

from digigov.core.testing import logged_in_client, make_user
from digigov.data.catalog.models import CodeList, CodeListValue
from digigov.data.quality.testing import make_entry


@pytest.fixture
def authority(city):
    return make_user("data_authority")


@pytest.fixture
def bureau_data_admin(city):
    return make_user("data_admin", department=city.bureau)


@pytest.fixture
def edu_data_admin(city):
    return make_user("data_admin", department=city.other_bureau)


@pytest.fixture
def client_for():
    return logged_in_client


@pytest.fixture
def gender(db):
    cl = CodeList.objects.create(code="GB/T 2261.1", name="性别代码")
    for n, (v, label) in enumerate([("1", "男"), ("2", "女"), ("9", "未说明")]):
        CodeListValue.objects.create(code_list=cl, value=v, label=label, order=n)
    return cl


@pytest.fixture
def people(city, gender, authority, pii_keys):
    """营商局's 人员信息 entry: a sealed ID number (key), a name, gender on a code list, a phone, an age, a date."""
    entry = make_entry(city.bureau, [
        {"name": "公民身份号码", "field_name": "sfzh", "format": "resident_id", "required": True, "is_key": True, "personal": 2},
        {"name": "姓名", "field_name": "xm", "required": True, "personal": 1},
        {"name": "性别", "field_name": "xb", "code_list": gender},
        {"name": "联系电话", "field_name": "lxdh", "format": "phone"},
        {"name": "年龄", "field_name": "nl", "data_type": "N"},
        {"name": "登记日期", "field_name": "djrq", "data_type": "D"},
    ], name="人员基本信息")
    return entry


def good_people(n=10):
    from digigov.core.testing import resident_id

    return [{"sfzh": resident_id(seq=i + 1), "xm": f"张{i}", "xb": "1", "lxdh": f"1380000{i:04d}", "nl": 30 + i, "djrq": "2026-01-15"}
            for i in range(n)]
