"""Persons pages: scoped, masked lists with a fixed number of queries; clear values only through the audited reveal."""

import datetime as dt
import re

import pytest

from digigov.core.accounts import ids
from digigov.core.accounts.models import NaturalPerson
from digigov.core.audit.models import AuditEntry
from digigov.core.pii import blind
from digigov.core.testing import resident_id, uscc


def make_people(division, n, start=0):
    people = [
        NaturalPerson(id_number=resident_id(birth="19800101", seq=start + i), name=f"居民{start + i:03d}", gender="M",
                      birth_date=dt.date(1980, 1, 1), phone=f"1390000{start + i:04d}", address="元宝区广济街道兴东社区1号",
                      division=division)
        for i in range(n)
    ]
    NaturalPerson.objects.bulk_create(people)
    return list(NaturalPerson.objects.filter(blind(NaturalPerson, "id_number", [p.id_number for p in people])))


@pytest.fixture
def clerk(role_user, city):
    return role_user("window_clerk", division=city.county_a)


def page(client, url, **params):
    r = client.get(url, params)
    assert r.status_code == 200, r.status_code
    return r.content.decode()


def test_persons_list_is_masked(client, clerk, city):
    people = make_people(city.village_a, 3)
    client.force_login(clerk)
    body = page(client, "/workbench/people/")
    for p in people:
        assert p.id_number not in body
        assert ids.mask_resident_id(p.id_number) in body
        assert p.phone not in body
        assert p.name in body


def rows(body: str) -> int:
    """Data rows in the page's table (these registries page without a total)."""
    return len(re.findall(r"<tr><td>", body.split("<tbody>", 1)[1].split("</tbody>", 1)[0])) if "<tbody>" in body else 0


def test_persons_list_is_scoped_to_the_clerks_division(client, clerk, city):
    mine = make_people(city.village_a, 2)
    theirs = make_people(city.village_b, 2, start=100)
    client.force_login(clerk)
    body = page(client, "/workbench/people/")
    assert all(p.name in body for p in mine)
    assert not any(p.name in body for p in theirs)
    assert rows(body) == 2


def test_persons_search_by_exact_id_and_name_prefix(client, clerk, city):
    people = make_people(city.village_a, 12)
    client.force_login(clerk)
    body = page(client, "/workbench/people/", q=people[3].id_number.lower())
    assert people[3].name in body and rows(body) == 1
    body = page(client, "/workbench/people/", q="居民01")
    assert rows(body) == 2  # 居民010, 居民011
    other = make_people(city.village_b, 1, start=500)[0]
    body = page(client, "/workbench/people/", q=other.id_number)  # exists, but outside the clerk's scope
    assert other.name not in body and "暂无数据" in body


@pytest.mark.parametrize("n", [5, 30])
def test_persons_list_query_count_does_not_grow(client, clerk, city, n, django_assert_max_num_queries):
    make_people(city.village_a, n)
    client.force_login(clerk)
    with django_assert_max_num_queries(6):  # incl. the staff-TOTP check
        body = page(client, "/workbench/people/")
    assert body.count("<tr><td><a href=") == n


def test_persons_pages_need_the_permission(client, role_user, city):
    client.force_login(role_user("dept_admin"))
    assert client.get("/workbench/people/").status_code == 403
    client.logout()
    assert client.get("/workbench/people/").status_code == 302


def test_reveal_by_window_clerk_shows_clear_values_and_is_audited(client, clerk, city):
    person = make_people(city.village_a, 1)[0]
    client.force_login(clerk)
    detail = page(client, f"/workbench/people/{person.public_id}/")
    assert person.id_number not in detail and ids.mask_resident_id(person.id_number) in detail
    assert "查看明文（将记入审计日志）" in detail
    assert not AuditEntry.objects.filter(action="pii.read").exists()  # viewing the masked page is not a reveal

    r = client.post(f"/workbench/people/{person.public_id}/reveal/", {"purpose": "办理社保转移"})
    assert r.status_code == 200
    body = r.content.decode()
    assert person.id_number in body and person.phone in body and "元宝区广济街道兴东社区1号" in body
    entry = AuditEntry.objects.get(action="pii.read")
    assert (entry.actor, entry.role, entry.object_id) == (clerk.username, "window_clerk", person.public_id)
    assert entry.after["purpose"] == "办理社保转移"
    # the next plain view is masked again
    assert person.id_number not in page(client, f"/workbench/people/{person.public_id}/")


def test_reveal_needs_a_purpose(client, clerk, city):
    person = make_people(city.village_a, 1)[0]
    client.force_login(clerk)
    r = client.post(f"/workbench/people/{person.public_id}/reveal/", {"purpose": ""}, follow=True)
    assert r.redirect_chain == [(f"/workbench/people/{person.public_id}/", 302)]  # back to a page that can be reloaded
    assert "这个字段是必填项" in r.content.decode() and person.id_number not in r.content.decode()
    assert not AuditEntry.objects.filter(action="pii.read").exists()


def test_reveal_is_post_only(client, clerk, city):
    person = make_people(city.village_a, 1)[0]
    client.force_login(clerk)
    assert client.get(f"/workbench/people/{person.public_id}/reveal/").status_code == 405


def test_roles_without_pii_view_see_only_masked_values(client, role_user, city):
    person = make_people(city.village_a, 1)[0]
    client.force_login(role_user("city_admin"))
    detail = page(client, f"/workbench/people/{person.public_id}/")
    assert person.id_number not in detail and "查看明文" not in detail
    r = client.post(f"/workbench/people/{person.public_id}/reveal/", {"purpose": "好奇"})
    assert r.status_code == 403 and person.id_number not in r.content.decode()
    assert not AuditEntry.objects.filter(action="pii.read").exists()


def test_person_outside_scope_is_not_found(client, clerk, city):
    person = make_people(city.village_b, 1)[0]
    client.force_login(clerk)
    assert client.get(f"/workbench/people/{person.public_id}/").status_code == 404
    r = client.post(f"/workbench/people/{person.public_id}/reveal/", {"purpose": "越权"})
    assert r.status_code == 404 and person.id_number not in r.content.decode()
    assert not AuditEntry.objects.filter(action="pii.read").exists()
    assert client.get("/workbench/people/no-such-id/").status_code == 404


def test_register_person_form(client, clerk, city):
    client.force_login(clerk)
    assert client.get("/workbench/people/new/").status_code == 200
    idn = resident_id(birth="19770707", seq=7)
    r = client.post("/workbench/people/new/", {"id_number": idn, "name": "钱七", "division": city.village_a.code})
    person = NaturalPerson.objects.get(blind(NaturalPerson, "id_number", idn))
    assert r.status_code == 302 and r["Location"] == f"/workbench/people/{person.public_id}/"
    # invalid posts redirect back to the form (POST/redirect/GET), which shows the errors and the kept values
    bad = idn[:-1] + ("0" if idn[-1] != "0" else "1")
    r = client.post("/workbench/people/new/", {"id_number": bad, "name": "孙八", "division": city.village_a.code}, follow=True)
    page_ = r.content.decode()
    assert r.redirect_chain == [("/workbench/people/new/", 302)] and "身份证号码校验位错误" in page_
    assert 'value="孙八"' in page_ and f'value="{city.village_a.name} · {city.village_a.code}"' in page_
    assert bad not in page_  # the identity number is personal data: not parked in the session, typed again
    r = client.post("/workbench/people/new/", {"id_number": idn, "name": "重复", "division": "兴东社区"}, follow=True)  # a name also works
    assert r.redirect_chain and "该身份证号码已登记" in r.content.decode()
    r = client.post("/workbench/people/new/", {"id_number": resident_id(seq=8), "name": "越权", "division": city.village_b.code}, follow=True)
    assert r.redirect_chain and "无权执行此操作" in r.content.decode()  # shown on the form, nothing written
    assert NaturalPerson.objects.count() == 1


def test_legal_persons_list(client, clerk, city, django_assert_max_num_queries):
    from digigov.core.accounts.models import LegalPerson

    LegalPerson.objects.bulk_create([LegalPerson(uscc=uscc(seed=1000 + i), name=f"企业{i}", division=city.county_a) for i in range(30)])
    LegalPerson.objects.create(uscc=uscc(seed=2000), name="外区企业", division=city.county_b)
    client.force_login(clerk)
    with django_assert_max_num_queries(6):  # incl. the staff-TOTP check
        body = page(client, "/workbench/people/legal/")
    assert "企业29" in body and "外区企业" not in body and rows(body) == 30
