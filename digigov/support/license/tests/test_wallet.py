"""The holder's wallet pages and API, the staff verification pages and API, and 事项用证设置."""

import re

import pytest
from django.urls import reverse

from digigov.core.audit.models import AuditEntry
from digigov.core.testing import logged_in_client, make_user
from digigov.support.license import grants, wallet
from digigov.support.license.models import ItemLicencePolicy, LicenceStatus, LicenceUse, UseGrant
from digigov.support.license.testing import make_licence

from .conftest_wallet import *  # noqa: F401,F403
from .conftest_wallet import enterprise_licence

pytestmark = pytest.mark.django_db


def test_holder_resolution_by_blind_index(holder, licence, ltype, city):
    stranger_lic = make_licence(ltype, holder_code="210602199001010011", holder_name="别人")
    old = make_licence(ltype, holder_code=holder.person.id_number, status=LicenceStatus.SUPERSEDED)
    mine = list(wallet.holder_licences(holder))
    assert mine == [licence] and stranger_lic not in mine and old not in mine
    assert list(wallet.holder_licences(make_user("citizen"))) == []  # an account without a person holds nothing


def test_wallet_list_query_count_is_flat(holder, ltype, person, django_assert_max_num_queries):
    web = logged_in_client(holder)
    for _ in range(3):
        make_licence(ltype, holder_code=person.id_number, holder_name=person.name)
    web.get(reverse("my_licences:list"))  # warm the key caches
    with django_assert_max_num_queries(14) as few:
        r = web.get(reverse("my_licences:list"))
    assert r.status_code == 200
    for _ in range(10):
        make_licence(ltype, holder_code=person.id_number, holder_name=person.name)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = web.get(reverse("my_licences:list"))
    assert r.content.decode().count('class="lic-card"') == 13


def test_list_masks_the_number_and_speaks_chinese(holder, licence):
    page = logged_in_client(holder).get(reverse("my_licences:list")).content.decode()
    assert wallet.mask_number(licence.number) in page and licence.number not in page
    assert "有效" in page and "valid" not in page and licence.issuer.name in page


def test_detail_download_and_other_people_s_licences(holder, licence):
    web = logged_in_client(holder)
    page = web.get(reverse("my_licences:detail", args=[licence.public_id])).content.decode()
    assert licence.number in page and "预包装食品销售" in page and "经营范围" in page
    r = web.get(reverse("my_licences:download_pdf", args=[licence.public_id]))
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment") and r.content.startswith(b"%PDF")
    assert web.get(f"/my/licences/{licence.public_id}/licence.exe").status_code == 404
    other = logged_in_client(make_user("citizen"))
    assert other.get(reverse("my_licences:detail", args=[licence.public_id])).status_code == 404
    assert other.get(reverse("my_licences:download_ofd", args=[licence.public_id])).status_code == 404
    assert logged_in_client(make_user("window_clerk")).get(reverse("my_licences:list")).status_code == 403


def test_present_fragment_refreshes_itself(holder, licence):
    r = logged_in_client(holder).post(reverse("my_licences:present", args=[licence.public_id]), HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200 and "<svg" in body and 'hx-trigger="every 60s"' in body and "<html" not in body
    code = re.search(r'id="present-code">([^<]+)<', body).group(1)
    assert code.startswith("LZ1.")


def test_grant_shows_the_code_once_then_clerk_redeems_and_holder_sees_the_use(holder, licence, hall, clerk, process):
    web = logged_in_client(holder)
    r = web.post(reverse("my_licences:grant", args=[licence.public_id]),
                 {"grantee_kind": "window", "hall": hall.public_id, "purpose": "办理食品经营许可", "hours": "24"})
    body = r.content.decode()
    code = re.search(r'id="grant-code">([^<]+)<', body).group(1)
    assert r.status_code == 200 and "<svg" in body
    assert code not in web.get(reverse("my_licences:detail", args=[licence.public_id])).content.decode()  # shown once
    staff = logged_in_client(clerk)
    r = staff.post(reverse("license_use:redeem"), {"code": code, "process": process.public_id})
    page = r.content.decode()
    assert r.status_code == 200 and licence.number in page and holder.person.id_number in page
    again = staff.post(reverse("license_use:redeem"), {"code": code})
    assert again.status_code == 409 and "该授权已使用" in again.content.decode()
    log = web.get(reverse("my_licences:uses")).content.decode()
    assert "持证人授权" in log and process.name in log


def test_grant_form_errors_keep_nothing(holder, licence):
    r = logged_in_client(holder).post(reverse("my_licences:grant", args=[licence.public_id]),
                                      {"grantee_kind": "window", "hall": "", "purpose": "x", "hours": "24"})
    assert r.status_code == 422 and "请选择被授权窗口" in r.content.decode() and UseGrant.objects.count() == 0


def test_revoke_from_the_page(holder, licence, hall):
    made = grants.grant_use(holder, licence, grantee_kind="window", hall=hall, purpose="x", hours=1)
    web = logged_in_client(holder)
    r = web.post(reverse("my_licences:revoke", args=[made.grant.public_id]))
    assert r.status_code == 302
    assert UseGrant.objects.get().revoked_at is not None
    assert logged_in_client(make_user("citizen")).post(reverse("my_licences:revoke", args=[made.grant.public_id])).status_code == 404


def test_staff_scan_page_refuses_a_forged_token_in_chinese(clerk):
    r = logged_in_client(clerk).post(reverse("license_use:scan"), {"token": "LZ1.1." + "0" * 32 + "." + "0" * 32})
    assert r.status_code == 422 and "亮证码无效" in r.content.decode() and LicenceUse.objects.count() == 0


def test_staff_scan_page(holder, licence, clerk):
    made = grants.present(holder, licence)
    r = logged_in_client(clerk).post(reverse("license_use:scan"), {"token": made.code})
    assert r.status_code == 200 and "核验通过" in r.content.decode()
    again = logged_in_client(clerk).post(reverse("license_use:scan"), {"token": made.code})
    assert again.status_code == 409 and "亮证码已使用" in again.content.decode()


# --- 事项用证设置 ----------------------------------------------------------------------------------------

def test_policy_page_sets_licensing_and_types(city, process, ltype):
    admin = make_user("dept_admin", department=city.bureau)
    web = logged_in_client(admin)
    page = web.get(reverse("license_use:items")).content.decode()
    assert process.name in page
    r = web.post(reverse("license_use:item_set", args=[process.public_id]), {"is_licensing": "1", "types": [ltype.public_id]})
    assert r.status_code == 302
    policy = ItemLicencePolicy.objects.get(process=process)
    assert policy.is_licensing and list(policy.accepted_types.all()) == [ltype]
    assert AuditEntry.objects.filter(action="license.policy", actor=admin).exists()
    assert "可用电子证照免交纸质材料" in web.get(reverse("license_use:items")).content.decode()
    other = logged_in_client(make_user("dept_admin", department=city.other_bureau))
    assert other.post(reverse("license_use:item_set", args=[process.public_id]), {"is_licensing": "1"}).status_code == 404
    assert logged_in_client(make_user("window_clerk")).get(reverse("license_use:items")).status_code == 403


# --- API ----------------------------------------------------------------------------------------------

def _api(user):
    c = logged_in_client(user)
    c.defaults["HTTP_X_CSRFTOKEN"] = "x"
    return c


def test_api_holder_and_staff(holder, licence, hall, clerk, process):
    api = _api(holder)
    r = api.get("/api/v1/my/licences/")
    assert r.status_code == 200 and r.json()["items"][0]["number_masked"] == wallet.mask_number(licence.number)
    d = api.get(f"/api/v1/my/licences/{licence.public_id}").json()
    assert d["number"] == licence.number and d["fields"] == [{"label": "经营范围", "value": "预包装食品销售"}]
    token = api.post(f"/api/v1/my/licences/{licence.public_id}/present").json()["token"]
    g = api.post(f"/api/v1/my/licences/{licence.public_id}/grants",
                 {"grantee_kind": "window", "hall": hall.public_id, "purpose": "办理", "hours": 24}, content_type="application/json")
    assert g.status_code == 201 and g.json()["state"] == "open"
    staff = _api(clerk)
    s = staff.post("/api/v1/support/licence-use/scan", {"token": token}, content_type="application/json")
    assert s.status_code == 200 and s.json()["holder_code"] == holder.person.id_number and s.json()["use"]["channel"] == "present"
    again = staff.post("/api/v1/support/licence-use/scan", {"token": token}, content_type="application/json")
    assert again.status_code == 409 and again.json()["message"] == "亮证码已使用"
    rd = staff.post("/api/v1/support/licence-use/redeem", {"code": g.json()["code"], "process": process.public_id}, content_type="application/json")
    assert rd.status_code == 200 and rd.json()["use"]["item"] == process.name
    uses = api.get("/api/v1/my/licences/uses").json()
    assert uses["count"] == 2
    assert api.get("/api/v1/my/licences/grants").json()["items"][0]["state"] == "used"
    forged = staff.post("/api/v1/support/licence-use/redeem", {"code": "ABCD-EFGH-JKMN-PQRS"}, content_type="application/json")
    assert forged.status_code == 422 and "授权码无效" in forged.json()["message"]
    assert _api(make_user("citizen")).get(f"/api/v1/my/licences/{licence.public_id}").status_code == 404


def test_api_agent_lists_enterprise_licences(city):
    import datetime as dt

    from django.utils import timezone

    from digigov.core.accounts.models import AgentAuthorization

    lp, lic = enterprise_licence(city)
    agent = make_user("enterprise_agent")
    assert _api(agent).get("/api/v1/my/licences/").json()["count"] == 0
    AgentAuthorization.objects.create(legal_person=lp, agent=agent, valid_from=timezone.localdate() - dt.timedelta(days=1))
    items = _api(agent).get("/api/v1/my/licences/").json()["items"]
    assert [i["public_id"] for i in items] == [lic.public_id]


def test_guardian_holds_the_licences_of_the_case_they_applied_for(holder, ltype, city):
    """新生儿出生一件事: the newborn's licences are issued on the parent's case and show in the parent's wallet;
    the same kind of licence of another person, issued on somebody else's case, does not."""
    from digigov.support.workflow.testing import make_version, parallel_bpmn, start_case

    version = make_version(parallel_bpmn(dept_a=city.bureau, dept_b=city.other_bureau), user=city.system, department=city.bureau)
    mine = start_case(version, actor=city.system, department=city.bureau, applicant=holder)
    theirs = start_case(version, actor=city.system, department=city.bureau, applicant=make_user("citizen"))
    baby = make_licence(ltype, holder_code="210602202611010016", holder_name="王小宝")
    baby.case = mine
    baby.save(update_fields=["case"])
    other = make_licence(ltype, holder_code="210602202611020011", holder_name="别人家的孩子")
    other.case = theirs
    other.save(update_fields=["case"])
    held = list(wallet.holder_licences(holder))
    assert baby in held and other not in held
    assert wallet.holds(holder, baby) and not wallet.holds(holder, other)
    web = logged_in_client(holder)
    assert "王小宝" in web.get(reverse("my_licences:list")).content.decode()
