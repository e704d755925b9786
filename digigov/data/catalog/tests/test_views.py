import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from digigov.core.testing import logged_in_client
from digigov.data.catalog import actions
from digigov.data.catalog.models import CatalogEntry, DataDemand, EntryStatus, ResponsibilityItem

pytestmark = pytest.mark.django_db
BASE = "/workbench/data/catalog"


def test_pages_render_for_data_admin(actors, published, city):
    actions.add_responsibility(actors["data_admin"], department=city.bureau, name="企业登记信息")
    actions.file_demand(actors["other_admin"], requester=city.other_bureau, entry=published, purpose="核验")
    c = logged_in_client(actors["data_admin"])
    for url in ("/", "/entries/", "/entries/?q=企业&status=published&level=1", "/review/", "/shared/", "/open/", "/demands/",
                "/demands/?side=received", "/responsibilities/?catalogued=0", "/entries/new/", "/demands/new/",
                "/responsibilities/new/", f"/entries/{published.public_id}/"):
        r = c.get(BASE + url)
        assert r.status_code == 200, (url, r.status_code)
    body = c.get(f"{BASE}/entries/{published.public_id}/").content.decode()
    assert "第 1 版" in body and "发布" in body and "统一社会信用代码" in body and "有条件共享" in body
    assert "conditional" not in body.replace('value="conditional"', "")


def test_list_query_count_is_flat(actors, make_entry, django_assert_max_num_queries):
    for n in range(3):
        make_entry(code=f"Q-{n}")
    c = logged_in_client(actors["data_admin"])
    c.get(f"{BASE}/entries/")  # warm the session / grants
    with CaptureQueriesContext(connection) as few:
        c.get(f"{BASE}/entries/")
    for n in range(3, 15):
        make_entry(code=f"Q-{n}")
    with CaptureQueriesContext(connection) as many:
        c.get(f"{BASE}/entries/")
    assert len(many) == len(few)
    assert len(many) <= 12


def test_shared_and_open_directories_exclude_none(actors, make_entry, published):
    e = make_entry(code="X-NONE", name="不共享的资源", sharing_type="none", sharing_basis="涉及国家秘密")
    e.status = EntryStatus.PUBLISHED
    e.save()
    c = logged_in_client(actors["data_admin"])
    shared = c.get(f"{BASE}/shared/").content.decode()
    assert published.name in shared and "不共享的资源" not in shared
    opened = c.get(f"{BASE}/open/").content.decode()
    assert published.name not in opened  # open_type none


def test_editor_creates_entry_with_items_and_add_row(actors, city, category):
    c = logged_in_client(actors["data_admin"])
    data = {"department": city.bureau.pk, "code": "WEB-1", "name": "网页编目", "abstract": "摘要", "category": category.pk,
            "resource_format": "database", "sharing_type": "unconditional", "open_type": "none", "update_cycle": "daily",
            "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "500",
            "items-0-name": "姓名", "items-0-field_name": "xm", "items-0-data_type": "C", "items-0-length": "50"}
    r = c.post(f"{BASE}/entries/new/", data | {"add_row": "1"})
    assert r.status_code == 200 and 'name="items-1-name"' in r.content.decode()
    assert not CatalogEntry.objects.exists()
    bad = c.post(f"{BASE}/entries/new/", data | {"items-0-field_name": "Bad Name"})
    assert bad.status_code == 422 and "字段名须以小写字母开头" in bad.content.decode()
    assert not CatalogEntry.objects.exists()
    r = c.post(f"{BASE}/entries/new/", data)
    assert r.status_code == 302
    e = CatalogEntry.objects.get()
    assert list(e.items.values_list("field_name", flat=True)) == ["xm"]


def test_review_buttons_only_for_reviewers(actors, make_entry):
    e = make_entry()
    actions.submit_entry(actors["data_admin"], e)
    url = f"{BASE}/entries/{e.public_id}/"
    assert "提交审核结果" not in logged_in_client(actors["data_admin"]).get(url).content.decode()
    assert "提交审核结果" in logged_in_client(actors["dept_admin"]).get(url).content.decode()
    assert "提交审核结果" not in logged_in_client(actors["authority"]).get(url).content.decode()
    # the dept admin approves through the page; the authority publishes
    r = logged_in_client(actors["dept_admin"]).post(f"{url}dept_review/", {"decision": "approve"})
    assert r.status_code == 302
    r = logged_in_client(actors["authority"]).post(f"{url}authority_review/", {"decision": "return", "opinion": ""})
    assert r.status_code == 422 and "请填写审核意见" in r.content.decode()
    r = logged_in_client(actors["authority"]).post(f"{url}authority_review/", {"decision": "approve"})
    e.refresh_from_db()
    assert e.status == EntryStatus.PUBLISHED and e.version == 1
    # another department's dept admin cannot review
    e2 = make_entry(code="OTHER-2")
    actions.submit_entry(actors["data_admin"], e2)
    r = logged_in_client(actors["other_dept_admin"]).post(f"{BASE}/entries/{e2.public_id}/dept_review/", {"decision": "approve"})
    assert r.status_code in (403, 404)
    e2.refresh_from_db()
    assert e2.status == EntryStatus.DEPT_REVIEW


def test_todo_counts(actors, make_entry):
    from digigov.core.registry import TODOS

    e = make_entry()
    actions.submit_entry(actors["data_admin"], e)
    assert TODOS["catalog.dept_review"].count(actors["dept_admin"]) == 1
    assert TODOS["catalog.dept_review"].count(actors["other_dept_admin"]) == 0
    actions.dept_review(actors["dept_admin"], e, approve=True)
    assert TODOS["catalog.authority_review"].count(actors["authority"]) == 1


def test_unaggregated_table_mount_shows_message(actors, published):
    actions.mount_resource(actors["data_admin"], published, kind="table", name="库表")
    body = logged_in_client(actors["data_admin"]).get(f"{BASE}/entries/{published.public_id}/").content.decode()
    assert "尚未归集数据" in body


def test_demand_and_responsibility_pages_write(actors, city, published):
    c = logged_in_client(actors["other_admin"])
    r = c.post(f"{BASE}/demands/new/", {"requester": city.other_bureau.pk, "entry_code": published.code, "purpose": "学生资助"})
    assert r.status_code == 302
    d = DataDemand.objects.get()
    r = logged_in_client(actors["data_admin"]).post(f"{BASE}/demands/{d.public_id}/reply/", {"decision": "rejected", "reply": ""})
    d.refresh_from_db()
    assert d.status == "open"
    logged_in_client(actors["data_admin"]).post(f"{BASE}/demands/{d.public_id}/reply/", {"decision": "met", "reply": "已共享"})
    d.refresh_from_db()
    assert d.status == "met"
    a = logged_in_client(actors["data_admin"])
    r = a.post(f"{BASE}/responsibilities/new/", {"department": city.bureau.pk, "name": "企业年报", "update_cycle": "yearly"})
    assert r.status_code == 302
    line = ResponsibilityItem.objects.get()
    a.post(f"{BASE}/responsibilities/{line.public_id}/link/", {"entry_code": published.code})
    line.refresh_from_db()
    assert line.entry_id == published.pk
