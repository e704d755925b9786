"""policy: who sees what, masking, and the sharing/open rules levels imply."""

import string

import pytest
from hypothesis import given, settings, strategies as st

from digigov.core.testing import resident_id
from digigov.data.catalog.models import DataItem
from digigov.data.grading import policy
from digigov.data.grading.testing import make_entry


def _item(name="字段", fmt="", level=1, personal=0):
    return DataItem(name=name, field_name="f", format=fmt, level=level, personal=personal)


ID = _item("公民身份号码", "resident_id", personal=2)
PHONE = _item("手机号码", "phone", personal=1)


def test_mask_shapes():
    assert policy.mask_value("210602199001011234", ID) == "210602********1234"
    assert policy.mask_value("13812345678", PHONE) == "138****5678"
    assert policy.mask_value("张三", _item("姓名")) == "张*"
    assert policy.mask_value("欧阳娜娜", _item("姓名")) == "欧阳**"
    assert policy.mask_value("欧阳", _item("姓名")) == "欧*"
    assert policy.mask_value("辽宁省丹东市元宝区兴东街道兴东社区12号", _item("家庭住址")) == "辽宁省丹东市元宝区****"
    assert policy.mask_value("元宝区广济街道8号", _item("住址")) == "元宝区****"
    assert policy.mask_value("内蒙古自治区呼和浩特市新城区某路1号", _item("地址")) == "内蒙古自治区呼和浩特市新城区****"
    assert policy.mask_value("zhangsan@example.cn", _item("邮箱", "email")) == "z***@example.cn"
    assert policy.mask_value("ABCDEF", _item("备注")) == "A****F"
    assert policy.mask_value("", ID) == "" and policy.mask_value(None, ID) == ""


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.digits + "Xx", min_size=1, max_size=30))
def test_masked_id_never_contains_the_clear_value(value):
    masked = policy.mask_value(value, ID)
    assert value not in masked
    assert len(masked) == len(value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.digits + "+- ", min_size=1, max_size=20).filter(lambda v: v.strip()))
def test_masked_phone_never_contains_the_clear_value(value):
    assert value.strip() not in policy.mask_value(value, PHONE)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda v: v.strip() and "*" not in v))
def test_any_masked_text_differs_from_the_clear_text(value):
    for item in (_item("姓名"), _item("家庭住址"), _item("备注"), ID, PHONE, _item("邮箱", "email")):
        assert policy.mask_value(value, item) != value


def test_real_resident_ids_keep_only_region_and_tail():
    for seq in range(50):
        rid = resident_id(seq=seq)
        masked = policy.mask_value(rid, ID)
        assert masked[:6] == rid[:6] and masked[-4:] == rid[-4:] and rid[6:14] not in masked


@pytest.mark.django_db
def test_who_sees_what(city, role_user):
    entry = make_entry(city.bureau)
    items = {i.field_name: i for i in entry.items.all()}
    own_admin = role_user("data_admin")  # scoped to city.bureau
    other_admin = role_user("data_admin", department=city.other_bureau)
    authority = role_user("data_authority")
    leader = role_user("leader")
    dept_admin = role_user("dept_admin")  # the bureau's own department admin
    # sensitive personal: view_sensitive in scope only
    assert policy.may_see_clear(own_admin, items["sfzh"])
    assert policy.may_see_clear(authority, items["sfzh"])
    assert not policy.may_see_clear(other_admin, items["sfzh"])
    assert not policy.may_see_clear(leader, items["sfzh"])
    assert not policy.may_see_clear(dept_admin, items["sfzh"])
    # personal: the provider's staff and the authority
    assert policy.may_see_clear(dept_admin, items["xm"]) and policy.may_see_clear(authority, items["xm"])
    assert not policy.may_see_clear(other_admin, items["xm"]) and not policy.may_see_clear(leader, items["xm"])
    # not personal: everyone
    assert policy.may_see_clear(leader, items["sqmc"]) and policy.may_see_clear(other_admin, items["sqmc"])
    # core: not even the column outside the provider and the authority
    items["sqmc"].level = 3
    assert not policy.may_see_column(leader, items["sqmc"]) and not policy.may_see_column(other_admin, items["sqmc"])
    assert policy.may_see_column(dept_admin, items["sqmc"]) and policy.may_see_column(authority, items["sqmc"])
    entry.level = 3
    assert not policy.may_see_dataset(leader, entry) and policy.may_see_dataset(own_admin, entry)


@pytest.mark.django_db
def test_row_masker(city, role_user):
    entry = make_entry(city.bureau)
    row = {"xm": "张三", "sfzh": "210602199001011234", "sjhm": "13812345678", "jtzz": "元宝区广济街道8号", "sqmc": "兴东社区"}
    outside = policy.row_masker(role_user("data_admin", department=city.other_bureau), entry)
    assert outside(row) == {"xm": "张*", "sfzh": "210602********1234", "sjhm": "138****5678", "jtzz": "元宝区****", "sqmc": "兴东社区"}
    assert outside.clear_personal == []
    own = policy.row_masker(role_user("data_admin"), entry)
    assert own(row) == row and sorted(own.clear_personal) == ["jtzz", "sfzh", "sjhm", "xm"]


@pytest.mark.parametrize("level,personal,sharing,open_type,fields", [
    (1, 0, "unconditional", "unconditional", []),
    (1, 1, "unconditional", "conditional", []),
    (1, 1, "unconditional", "unconditional", ["open_type"]),
    (1, 2, "unconditional", "none", ["sharing_type"]),
    (1, 2, "conditional", "conditional", ["open_type"]),
    (2, 0, "unconditional", "unconditional", ["sharing_type", "open_type"]),
    (2, 0, "conditional", "conditional", []),
    (3, 0, "conditional", "conditional", ["open_type"]),
    (3, 0, "none", "none", []),
])
def test_check_entry_types(level, personal, sharing, open_type, fields):
    problems = policy.check_entry_types({"level": level, "personal": personal, "sharing_type": sharing, "open_type": open_type})
    assert [f for f, _ in problems] == fields
    assert all(msg and not msg.isascii() for _, msg in problems)


def test_core_and_sensitive_never_opened():
    assert policy.open_allowed({"level": 3, "personal": 0}) == {"none"}
    assert policy.open_allowed({"level": 1, "personal": 2}) == {"none"}
    assert "unconditional" not in policy.share_allowed({"level": 3, "personal": 0})
