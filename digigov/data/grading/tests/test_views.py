"""Workbench pages: overview, queue, propose form with suggestions, confirm/reject, history; the to-do."""

import pytest
from django.urls import reverse

from digigov.core.registry import TODOS
from digigov.core.testing import logged_in_client
from digigov.data.catalog.models import DataItem
from digigov.data.grading.models import LevelChange, LevelProposal
from digigov.data.grading.testing import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(city):
    return make_entry(city.bureau, items=[("公民身份号码", "sfzh", "resident_id", 1, 0), ("办件数量", "bjsl", "", 1, 0)])


def _propose_post(entry, **extra):
    sfzh = entry.items.get(field_name="sfzh")
    data = {"reason": "含公民身份号码", "basis": "", "inc_entry": "", "level_entry": "1", "personal_entry": "0",
            f"inc_{sfzh.pk}": "on", f"level_{sfzh.pk}": "1", f"personal_{sfzh.pk}": "2", f"source_{sfzh.pk}": "suggested",
            f"basis_{sfzh.pk}": "个人信息保护法第二十八条"}
    bj = entry.items.get(field_name="bjsl")
    data.update({f"level_{bj.pk}": "1", f"personal_{bj.pk}": "0"})
    data.update(extra)
    return data


def test_propose_form_prefills_suggestions_and_submits(entry, role_user):
    client = logged_in_client(role_user("data_admin"))
    url = reverse("grading:propose", args=[entry.public_id])
    html = client.get(url).content.decode()
    sfzh = entry.items.get(field_name="sfzh")
    assert f'name="inc_{sfzh.pk}" aria-label="公民身份号码 提出建议" id="id_inc_{sfzh.pk}" checked' in html
    assert "个人信息保护法第二十八条" in html
    r = client.post(url, _propose_post(entry))
    assert r.status_code == 302
    p = LevelProposal.objects.get()
    assert (p.item_id, p.personal, p.source, p.basis) == (sfzh.pk, 2, "suggested", "个人信息保护法第二十八条")
    assert DataItem.objects.get(pk=sfzh.pk).personal == 0


@pytest.mark.parametrize("extra,message", [({"reason": ""}, "这个字段是必填项"), ({"inc_" + "X": ""}, None)])
def test_propose_form_bad_input_writes_nothing(entry, role_user, extra, message):
    client = logged_in_client(role_user("data_admin"))
    data = _propose_post(entry, **extra)
    if message is None:  # nothing ticked
        data = {k: v for k, v in data.items() if not k.startswith("inc_")}
        message = "请至少勾选一项提出分级建议"
    r = client.post(reverse("grading:propose", args=[entry.public_id]), data)
    assert r.status_code == 400 and message in r.content.decode()
    assert not LevelProposal.objects.exists()


def test_propose_form_shows_action_errors(entry, role_user):
    client = logged_in_client(role_user("data_admin"))
    bj = entry.items.get(field_name="bjsl")
    r = client.post(reverse("grading:propose", args=[entry.public_id]),
                    _propose_post(entry, **{f"inc_{bj.pk}": "on"}))  # unchanged level
    assert r.status_code == 400 and "建议与当前级别相同" in r.content.decode()
    assert not LevelProposal.objects.exists()


def test_authority_confirms_from_the_queue(entry, role_user):
    logged_in_client(role_user("data_admin")).post(reverse("grading:propose", args=[entry.public_id]), _propose_post(entry))
    p = LevelProposal.objects.get()
    authority = role_user("data_authority")
    client = logged_in_client(authority)
    queue = client.get(reverse("grading:proposals") + "?status=pending").content.decode()
    assert "公民身份号码" in queue and "待确认" in queue
    assert TODOS["grading.confirm"].count(authority) == 1
    detail = client.get(reverse("grading:proposal", args=[p.public_id])).content.decode()
    assert "确认本条" in detail and "撤回建议" not in detail
    r = client.post(reverse("grading:proposal_decide", args=[p.public_id]), {"decision": "reject", "note": ""})
    assert r.status_code == 400 and "驳回时须填写理由" in r.content.decode()
    r = client.post(reverse("grading:proposal_decide", args=[p.public_id]), {"decision": "confirm", "note": "同意"})
    assert r.status_code == 302
    assert DataItem.objects.get(field_name="sfzh").personal == 2 and LevelChange.objects.count() == 2
    history = client.get(reverse("grading:history")).content.decode()
    assert "一般数据／非个人信息 → 一般数据／敏感个人信息" in history
    assert TODOS["grading.confirm"].count(authority) == 0
    overview = client.get(reverse("grading:overview")).content.decode()
    assert entry.department.name in overview


def test_confirm_conflict_is_shown_not_500(city, role_user):
    entry = make_entry(city.bureau, open_type="unconditional", sharing_type="unconditional", items=[("公民身份号码", "sfzh", "resident_id", 1, 0)])
    logged_in_client(role_user("data_admin")).post(reverse("grading:propose", args=[entry.public_id]), {
        "reason": "r", f"inc_{entry.items.get().pk}": "on", f"level_{entry.items.get().pk}": "1", f"personal_{entry.items.get().pk}": "2",
        "level_entry": "1", "personal_entry": "0"})
    p = LevelProposal.objects.get()
    client = logged_in_client(role_user("data_authority"))
    assert "不得无条件共享" in client.get(reverse("grading:proposal", args=[p.public_id])).content.decode()
    r = client.post(reverse("grading:proposal_decide", args=[p.public_id]), {"decision": "confirm"})
    assert r.status_code == 409 and "请先修改目录的共享/开放类型" in r.content.decode()
    assert DataItem.objects.get(pk=entry.items.get().pk).personal == 0


def test_controls_not_shown_to_those_who_cannot_use_them(entry, role_user):
    leader = logged_in_client(role_user("leader"))
    html = leader.get(reverse("grading:overview")).content.decode()
    assert "提出分级建议" not in html
    assert leader.get(reverse("grading:propose", args=[entry.public_id])).status_code == 403


def test_other_departments_entries_cannot_be_proposed(city, entry, role_user):
    other = logged_in_client(role_user("data_admin", department=city.other_bureau))
    assert other.get(reverse("grading:propose", args=[entry.public_id])).status_code == 404
    assert entry.code not in other.get(reverse("grading:propose_pick")).content.decode()


def test_api_propose_and_confirm(entry, role_user):
    admin = logged_in_client(role_user("data_admin"))
    r = admin.post("/api/v1/data/grading/proposals", {"entry": entry.code, "reason": "r", "lines": [{"item": "sfzh", "level": 1, "personal": 2}]},
                   content_type="application/json")
    assert r.status_code == 201, r.content
    pid = r.json()[0]["public_id"]
    bad = admin.post("/api/v1/data/grading/proposals", {"entry": entry.code, "reason": "r", "lines": [{"item": "nope", "level": 1, "personal": 2}]},
                     content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_item"
    assert admin.post("/api/v1/data/grading/proposals", {"entry": "NOPE", "reason": "r", "lines": []},
                      content_type="application/json").status_code == 404
    sugg = admin.get(f"/api/v1/data/grading/entries/{entry.code}/suggestions").json()
    assert [s["item"] for s in sugg] == ["sfzh"]
    assert admin.post(f"/api/v1/data/grading/proposals/{pid}/confirm", {}, content_type="application/json").status_code == 403
    authority = logged_in_client(role_user("data_authority"))
    r = authority.post(f"/api/v1/data/grading/proposals/{pid}/confirm", {"note": "同意"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = authority.post(f"/api/v1/data/grading/proposals/{pid}/confirm", {}, content_type="application/json")
    assert r.status_code == 409
    hist = authority.get("/api/v1/data/grading/history").json()
    assert hist["count"] == 2 and "敏感个人信息" in hist["items"][0]["summary"]
    assert LevelProposal.objects.count() == 1
