"""Proposing, confirming, rejecting and withdrawing levels: the entry rule, the sharing/open rule, bad input
(nothing written), permissions per role, audit and history."""

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.data.catalog.models import CatalogEntry, DataItem, EntryRevision
from digigov.data.grading import actions, suggest
from digigov.data.grading.models import LevelChange, LevelProposal, ProposalStatus
from digigov.data.grading.testing import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(city):
    return make_entry(city.bureau, items=[("姓名", "xm", "", 1, 0), ("公民身份号码", "sfzh", "resident_id", 1, 0), ("备注", "bz", "", 1, 0)])


@pytest.fixture
def admin(role_user):
    return role_user("data_admin")


@pytest.fixture
def authority(role_user):
    return role_user("data_authority")


def _items(entry):
    return {i.field_name: i for i in entry.items.all()}


def _counts():
    return LevelProposal.objects.count(), LevelChange.objects.count(), AuditEntry.objects.count()


def test_propose_confirm_raises_item_and_entry(entry, admin, authority):
    items = _items(entry)
    made = actions.propose_levels(admin, entry, [{"item": items["sfzh"], "level": 1, "personal": 2}, {"item": items["xm"], "level": 1, "personal": 1}],
                                  reason="含公民身份号码", basis="个人信息保护法第二十八条")
    assert len(made) == 2 and len({p.batch for p in made}) == 1
    assert DataItem.objects.get(pk=items["sfzh"].pk).personal == 0  # nothing applied before confirmation
    actions.confirm_proposal(authority, made[0], "同意")
    entry.refresh_from_db()
    assert DataItem.objects.get(pk=items["sfzh"].pk).personal == 2
    assert (entry.level, entry.personal) == (1, 2)  # raised with its item
    changes = list(LevelChange.objects.order_by("id"))
    assert [(c.item_id, c.personal_before, c.personal_after) for c in changes] == [(items["sfzh"].pk, 0, 2), (None, 0, 2)]
    assert "随信息项提升" in changes[1].note
    audit = AuditEntry.objects.filter(action="grading.level.change").order_by("seq")
    assert [(a.before_json, a.after_json) for a in audit] == [('{"personal":0}', '{"personal":2}')] * 2
    assert AuditEntry.objects.filter(action="grading.proposal.confirm", actor_id=authority.pk).count() == 1
    rev = EntryRevision.objects.get(entry=entry)
    assert "公民身份号码：一般数据／非个人信息 → 一般数据／敏感个人信息" in rev.summary
    # the rest of the batch
    done = actions.confirm_batch(authority, made[1].batch)
    assert [p.status for p in done] == ["confirmed"]
    assert DataItem.objects.get(pk=items["xm"].pk).personal == 1


def test_entry_never_below_its_items(entry, admin, authority):
    items = _items(entry)
    DataItem.objects.filter(pk=items["sfzh"].pk).update(personal=2)
    CatalogEntry.objects.filter(pk=entry.pk).update(personal=2)
    entry.refresh_from_db()
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        actions.propose_levels(admin, entry, [{"item": None, "level": 1, "personal": 1}], reason="降低")
    assert exc.value.code == "entry_below_items" and "敏感个人信息" in exc.value.message
    assert _counts() == before
    # lowering the item in the same batch makes it acceptable; confirming the entry line first is refused
    made = actions.propose_levels(admin, entry, [{"item": None, "level": 1, "personal": 1}, {"item": items["sfzh"], "level": 1, "personal": 1}],
                                  reason="经核实仅含个人信息")
    entry_line = next(p for p in made if p.item_id is None)
    before = _counts()
    with pytest.raises(ValidationFailed):
        actions.confirm_proposal(authority, entry_line)
    assert _counts() == before
    actions.confirm_batch(authority, entry_line.batch)  # items first, then the entry
    entry.refresh_from_db()
    assert entry.personal == 1


def test_confirm_refused_when_sharing_types_forbid_the_level(city, admin, authority):
    entry = make_entry(city.bureau, sharing_type="unconditional", open_type="unconditional", items=[("公民身份号码", "sfzh", "resident_id", 1, 0)])
    p = actions.propose_levels(admin, entry, [{"item": entry.items.get(), "level": 1, "personal": 2}], reason="身份证")[0]
    before = _counts()
    with pytest.raises(Conflict) as exc:
        actions.confirm_proposal(authority, p)
    assert exc.value.code == "types_conflict"
    assert {d["field"] for d in exc.value.detail["problems"]} == {"sharing_type", "open_type"}
    assert _counts() == before and LevelProposal.objects.get(pk=p.pk).status == "pending"


@pytest.mark.parametrize("line,reason,code", [
    ({"item": None, "level": 4, "personal": 0}, "r", "invalid_level"),
    ({"item": None, "level": "2x", "personal": 0}, "r", "invalid_level"),
    ({"item": None, "level": True, "personal": 0}, "r", "invalid_level"),
    ({"item": None, "level": 2, "personal": -1}, "r", "invalid_level"),
    ({"item": None, "level": 2, "personal": None}, "r", "invalid_level"),
    ({"item": None, "level": 1, "personal": 0}, "r", "no_change"),
    ({"item": None, "level": 2, "personal": 0}, "", "reason_required"),
    ({"item": None, "level": 2, "personal": 0}, "x" * 501, "text_too_long"),
    ({"item": None, "level": 2, "personal": 0, "source": "robot"}, "r", "invalid_source"),
    ("not a dict", "r", "invalid_line"),
])
def test_bad_input_writes_nothing(entry, admin, line, reason, code):
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        actions.propose_levels(admin, entry, [line], reason=reason)
    assert exc.value.code == code and not exc.value.message.isascii()
    assert _counts() == before


def test_bad_batches(city, entry, admin):
    other = make_entry(city.bureau)
    foreign_item = other.items.first()
    item = entry.items.first()
    before = _counts()
    for lines, code in [([], "empty_batch"), ([{"item": foreign_item, "level": 2, "personal": 0}], "item_mismatch"),
                        ([{"item": item, "level": 2, "personal": 0}, {"item": item, "level": 3, "personal": 0}], "duplicate_line"),
                        ([{"item": None, "level": 2, "personal": 0}] * 501, "batch_too_large")]:
        with pytest.raises(ValidationFailed) as exc:
            actions.propose_levels(admin, entry, lines, reason="r")
        assert exc.value.code == code
    assert _counts() == before
    actions.propose_levels(admin, entry, [{"item": item, "level": 2, "personal": 0}], reason="r")
    with pytest.raises(Conflict) as exc:
        actions.propose_levels(admin, entry, [{"item": item, "level": 3, "personal": 0}], reason="r")
    assert exc.value.code == "already_pending"


@pytest.mark.parametrize("role", ["dept_admin", "data_authority", "leader", "auditor", "city_admin", "security_officer"])
def test_only_data_admin_proposes(entry, role_user, role):
    before = _counts()
    with pytest.raises(Forbidden):
        actions.propose_levels(role_user(role), entry, [{"item": None, "level": 2, "personal": 0}], reason="r")
    assert _counts() == before


def test_data_admin_of_another_department_cannot_propose(city, entry, role_user):
    with pytest.raises(Forbidden):
        actions.propose_levels(role_user("data_admin", department=city.other_bureau), entry, [{"item": None, "level": 2, "personal": 0}], reason="r")


@pytest.mark.parametrize("role", ["data_admin", "dept_admin", "leader", "city_admin"])
def test_only_authority_confirms_or_rejects(entry, admin, role_user, role):
    p = actions.propose_levels(admin, entry, [{"item": None, "level": 2, "personal": 0}], reason="r")[0]
    user = role_user(role)
    with pytest.raises(Forbidden):
        actions.confirm_proposal(user, p)
    with pytest.raises(Forbidden):
        actions.reject_proposal(user, p, "不同意")
    assert LevelProposal.objects.get(pk=p.pk).status == "pending"


def test_reject_needs_a_reason_and_decides_once(entry, admin, authority):
    p = actions.propose_levels(admin, entry, [{"item": None, "level": 2, "personal": 0}], reason="r")[0]
    with pytest.raises(ValidationFailed):
        actions.reject_proposal(authority, p, "  ")
    actions.reject_proposal(authority, p, "依据不足")
    p.refresh_from_db()
    assert p.status == ProposalStatus.REJECTED and p.decision_note == "依据不足"
    with pytest.raises(Conflict):
        actions.confirm_proposal(authority, p)
    with pytest.raises(Conflict):
        actions.withdraw_proposal(admin, p)
    entry.refresh_from_db()
    assert entry.level == 1 and not LevelChange.objects.exists()


def test_withdraw(entry, admin):
    p = actions.propose_levels(admin, entry, [{"item": None, "level": 2, "personal": 0}], reason="r")[0]
    actions.withdraw_proposal(admin, p)
    assert LevelProposal.objects.get(pk=p.pk).status == "withdrawn"
    assert AuditEntry.objects.filter(action="grading.proposal.withdraw").count() == 1


def test_suggestions_follow_pipl_28(city):
    entry = make_entry(city.bureau, items=[
        ("公民身份号码", "a", "resident_id", 1, 0), ("银行账号", "b", "", 1, 0), ("诊断结果", "c", "", 1, 0), ("宗教信仰", "d", "", 1, 0),
        ("人脸照片", "e", "", 1, 0), ("行踪轨迹", "f", "", 1, 0), ("未成年人姓名", "g", "", 1, 0), ("姓名", "h", "", 1, 0),
        ("联系电话", "i", "phone", 1, 0), ("家庭住址", "j", "", 1, 0), ("办件数量", "k", "", 1, 0), ("高精度坐标", "l", "", 1, 0),
        ("身份证号", "m", "", 1, 2),  # already sensitive: nothing to suggest
    ])
    got = {s.item.field_name: (s.level, s.personal) for s in suggest.suggest_entry(entry.items.order_by("seq"))}
    assert got == {"a": (1, 2), "b": (1, 2), "c": (1, 2), "d": (1, 2), "e": (1, 2), "f": (1, 2), "g": (1, 2),
                   "h": (1, 1), "i": (1, 1), "j": (1, 1), "l": (2, 0)}
    # a suggestion is never applied by itself
    assert set(entry.items.values_list("personal", flat=True)) == {0, 2}
