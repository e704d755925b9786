"""The registry query pages: search, masking, the purpose flow of clear reads and its audit, scope."""

import json

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.testing import logged_in_client, make_user
from digigov.data.registries import testing as rt

pytestmark = pytest.mark.django_db
BASE = "/workbench/data/registries"


def table(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start:html.index("</table>", start)]


def clear_reads():
    return AuditEntry.objects.filter(action="registries.read_clear")


def test_search_by_id_number_shows_masked_row(reg, authority):
    resp = logged_in_client(authority).get(f"{BASE}/", {"q": reg.person.id_number})
    assert resp.status_code == 200
    html = table(resp.content.decode(), "person-results")
    assert reg.person.public_id in html
    assert reg.other.public_id not in html
    assert reg.person.id_number not in html and "李建国" not in html
    assert reg.person.id_number[:6] + "********" + reg.person.id_number[-4:] in html and "李**" in html


def test_search_by_full_width_id_and_by_exact_name(reg, authority):
    c = logged_in_client(authority)
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in reg.person.id_number)
    assert reg.person.public_id in c.get(f"{BASE}/", {"q": full_width}).content.decode()
    html = c.get(f"{BASE}/", {"q": "王芳"}).content.decode()
    assert reg.other.public_id in html and reg.person.public_id not in html
    assert reg.other.public_id not in c.get(f"{BASE}/", {"q": "王"}).content.decode()  # exact name, not a prefix


def test_filters_division_and_conflicts(reg, authority, city):
    c = logged_in_client(authority)
    html = c.get(f"{BASE}/", {"division": city.county_b.code}).content.decode()
    assert reg.other.public_id in html and reg.person.public_id not in html
    html = c.get(f"{BASE}/", {"conflicts": "1"}).content.decode()
    assert reg.person.public_id in html and reg.other.public_id not in html


@pytest.mark.parametrize("params,message", [
    ({"q": "210602199001011230"}, "校验位"),
    ({"division": "abc"}, "区划代码"),
    ({"division": "999999000000"}, "未找到该行政区划"),
    ({"conflicts": "1", "after": "x'; drop"}, "分页游标无效"),
])
def test_bad_search_input_is_400_in_chinese(reg, authority, params, message):
    resp = logged_in_client(authority).get(f"{BASE}/", params)
    assert resp.status_code == 400
    assert message in resp.content.decode()


def test_keyset_pagination_walks_every_row_once(city, authority):
    people = [rt.make_person(city, name=f"测试{i}", values=[rt.value("address", "甲", dept=city.bureau), rt.value("address", "乙", dept=city.other_bureau)])
              for i in range(23)]
    c = logged_in_client(authority)
    seen, url, pages = [], f"{BASE}/?conflicts=1", 0
    while url:
        resp = c.get(url)
        pages += 1
        seen += [p.public_id for p in people if p.public_id in resp.content.decode()]
        url = resp.context["next_url"]
    assert pages == 2 and sorted(seen) == sorted(p.public_id for p in people)


def test_search_page_query_count_is_pinned(reg, authority, city):
    """One query of the registry per page, whatever the filters (others are the session, grants, to-dos)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = logged_in_client(authority)
    for params in ({"q": reg.person.id_number}, {"q": "李建国", "division": city.county_a.code, "conflicts": "1"}):
        with CaptureQueriesContext(connection) as ctx:
            resp = c.get(f"{BASE}/", params)
        assert resp.status_code == 200 and reg.person.public_id in resp.content.decode()
        ours = [q["sql"] for q in ctx.captured_queries if "registries_personrecord" in q["sql"]]
        assert len(ours) == 1, ours
        assert len(ctx.captured_queries) <= 12, [q["sql"][:80] for q in ctx.captured_queries]


def test_person_page_shows_sources_authority_conflicts_and_lineage_masked(reg, authority):
    resp = logged_in_client(authority).get(f"{BASE}/persons/{reg.person.public_id}/")
    assert resp.status_code == 200
    html = resp.content.decode()
    rows = {r.attribute.code: r for r in resp.context["view"].rows}
    assert rows["address"].department == "公安局" and rows["address"].authoritative
    assert [c.department for c in rows["address"].conflicts] == ["民政局"]
    assert rows["phone"].department == "人社局" and not rows["phone"].authoritative
    assert rt.ADDRESS not in html and rt.OTHER_ADDRESS not in html and rt.PHONE not in html and reg.person.id_number not in html
    assert "辽宁省示范市元宝区****" in html and "138****5678" in html
    assert "民政局人口数据" in html  # the feed of the conflicting value (lineage)
    assert 'id="reveal"' in html


def test_reveal_with_purpose_shows_clear_values_and_audits_fields_not_values(reg, authority):
    c = logged_in_client(authority)
    resp = c.post(f"{BASE}/persons/{reg.person.public_id}/reveal/", {"purpose": "verification", "purpose_note": "核对户籍地址"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert rt.ADDRESS in html and rt.OTHER_ADDRESS in html and rt.PHONE in html and reg.person.id_number in html
    entry = clear_reads().get()
    assert entry.object_id == reg.person.public_id and entry.actor == authority.username
    after = json.loads(entry.after_json)
    assert after["purpose"] == "数据核查与治理：核对户籍地址"
    assert {"address", "id_number", "name", "phone", "insured"} <= set(after["fields"])
    text = entry.before_json + entry.after_json + entry.object_repr
    for secret in (rt.ADDRESS, rt.OTHER_ADDRESS, rt.PHONE, reg.person.id_number, "李建国"):
        assert secret not in text
    # a reload (GET) is masked again: clear values are the answer to the POST only
    assert rt.ADDRESS not in c.get(f"{BASE}/persons/{reg.person.public_id}/").content.decode()


@pytest.mark.parametrize("data", [{}, {"purpose": "verification"}, {"purpose": "nonsense", "purpose_note": "x"}, {"purpose_note": "核对"}])
def test_reveal_without_a_valid_purpose_is_refused_and_not_audited(reg, authority, data):
    resp = logged_in_client(authority).post(f"{BASE}/persons/{reg.person.public_id}/reveal/", data)
    assert resp.status_code == 400
    assert rt.ADDRESS not in resp.content.decode()
    assert not clear_reads().exists()


def test_viewer_without_clear_permission_sees_no_control_and_is_refused(reg):
    leader = make_user("leader")
    c = logged_in_client(leader)
    html = c.get(f"{BASE}/persons/{reg.person.public_id}/").content.decode()
    assert 'id="reveal"' not in html and "查看明文" not in html
    resp = c.post(f"{BASE}/persons/{reg.person.public_id}/reveal/", {"purpose": "service", "purpose_note": "办事"})
    assert resp.status_code == 403
    assert not clear_reads().exists()


def test_county_data_admin_reaches_only_its_county(reg, city):
    admin = make_user("data_admin", department=city.county_bureau)  # 元宝区教育局: reaches 元宝区
    c = logged_in_client(admin)
    assert c.get(f"{BASE}/persons/{reg.person.public_id}/").status_code == 200
    assert c.get(f"{BASE}/persons/{reg.other.public_id}/").status_code == 404
    html = c.get(f"{BASE}/", {"q": reg.other.id_number}).content.decode()
    assert reg.other.public_id not in html
    # the clear read is allowed inside the reach, refused outside it
    assert c.post(f"{BASE}/persons/{reg.person.public_id}/reveal/", {"purpose": "service", "purpose_note": "办事"}).status_code == 200
    assert c.post(f"{BASE}/persons/{reg.other.public_id}/reveal/", {"purpose": "service", "purpose_note": "办事"}).status_code == 404
    assert clear_reads().count() == 1


def test_enterprise_page_lists_credit_and_licences_and_masks_legal_representative(reg, authority):
    c = logged_in_client(authority)
    html = c.get(f"{BASE}/enterprises/", {"q": reg.enterprise.uscc}).content.decode()
    assert reg.enterprise.public_id in html
    html = c.get(f"{BASE}/enterprises/{reg.enterprise.public_id}/").content.decode()
    assert "销售不合格食品" in html and "营业执照" in html and "李**" in html and "李建国" not in html
    resp = c.post(f"{BASE}/enterprises/{reg.enterprise.public_id}/reveal/", {"purpose": "enforcement", "purpose_note": "案件核查"})
    assert "李建国" in resp.content.decode()
    assert json.loads(clear_reads().get().after_json)["fields"] == ["legal_representative"]


def test_credit_and_licence_search(reg, authority):
    c = logged_in_client(authority)
    html = c.get(f"{BASE}/credit/", {"q": reg.enterprise.uscc}).content.decode()
    assert "销售不合格食品" in html
    assert "销售不合格食品" not in c.get(f"{BASE}/credit/", {"kind": "reward"}).content.decode()
    assert c.get(f"{BASE}/credit/", {"kind": "bogus"}).status_code == 400
    html = c.get(f"{BASE}/licences/", {"holder": "兴东食品"}).content.decode()
    assert reg.licence.licence_no in html
    assert c.get(f"{BASE}/licences/", {"status": "bogus"}).status_code == 400


def test_governance_page_renders_figures_and_charts(reg, authority):
    rt.make_task(reg.person, attribute="address")
    rt.make_task(reg.person, kind="pair", days_ago=10)
    resp = logged_in_client(authority).get(f"{BASE}/governance/")
    assert resp.status_code == 200
    html = resp.content.decode()
    for chart in ("chart-conflicts", "chart-backlog"):
        assert f'data-chart="{chart}"' in html and f'id="{chart}"' in html
    assert "住址" in html and "疑似同一人" in html


def test_void_control_only_on_rows_of_the_users_department(reg, city):
    other = rt.make_credit(reg.enterprise, reg.hrss, kind="punish", title="拖欠工资")
    c = logged_in_client(make_user("data_admin", department=reg.samr))
    html = c.get(f"{BASE}/credit/").content.decode()
    assert f"/credit/{reg.credit.public_id}/void/" in html and f"/credit/{other.public_id}/void/" not in html
    resp = c.post(f"{BASE}/credit/{reg.credit.public_id}/void/", {"reason": "重复录入"})
    assert resp.status_code == 302
    reg.credit.refresh_from_db()
    assert reg.credit.voided_at is not None and reg.credit.void_reason == "重复录入"
    assert "销售不合格食品" not in c.get(f"{BASE}/credit/").content.decode()
    # a leader may search but sees no void control and no record button
    html = logged_in_client(make_user("leader")).get(f"{BASE}/credit/").content.decode()
    assert "/void/" not in html and "录入信用信息</a>" not in html
