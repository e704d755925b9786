"""The workbench pages and the API of e-licences: scope, the issue form's field errors, downloads, batch import,
the type pages, the API's typed answers, and the license.issue component."""

import io

import pytest
from django.urls import reverse

from digigov.core.testing import logged_in_client, resident_id
from digigov.support.license.actions import licences as actions
from digigov.support.license.models import Licence, LicenceStatus
from digigov.support.license.testing import make_type, marriage_data
from digigov.support.seal.testing import make_seal

pytestmark = pytest.mark.django_db


@pytest.fixture
def marriage(city):
    make_seal(city.bureau)
    return make_type(city.bureau)


@pytest.fixture
def admin(role_user):
    return role_user("dept_admin")


def _issue(actor, lt, name="张三"):
    return actions.issue_licence(actor, lt, "person", resident_id(), name, marriage_data())


def test_list_is_scoped_filtered_and_its_queries_pinned(marriage, admin, role_user, city, django_assert_max_num_queries):
    for i in range(3):
        _issue(admin, marriage, name=f"张{'一二三'[i]}")
    other = role_user("dept_admin", department=city.other_bureau)
    client = logged_in_client(admin)
    with django_assert_max_num_queries(14):
        resp = client.get(reverse("license:home"))
    assert resp.status_code == 200 and resp.content.decode().count("结婚证") >= 3
    assert "张二" in client.get(reverse("license:home"), {"q": "张二"}).content.decode()
    assert "张一" not in client.get(reverse("license:home"), {"q": "张二"}).content.decode()
    assert "张一" not in logged_in_client(other).get(reverse("license:home")).content.decode()


def test_detail_and_downloads_are_attachments(marriage, admin, role_user, city):
    lic = _issue(admin, marriage)
    client = logged_in_client(admin)
    page = client.get(reverse("license:licence", args=[lic.public_id])).content.decode()
    assert lic.identifier in page and "签发" in page and "补发" in page
    for fmt, ctype, magic in (("ofd", "application/ofd", b"PK"), ("pdf", "application/pdf", b"%PDF")):
        resp = client.get(reverse("license:download", args=[lic.public_id, fmt]))
        assert resp.status_code == 200 and resp["Content-Type"] == ctype and resp.content.startswith(magic)
        assert resp["Content-Disposition"].startswith("attachment;")
    assert client.get(reverse("license:download", args=[lic.public_id, "exe"])).status_code == 404
    assert logged_in_client(role_user("dept_admin", department=city.other_bureau)).get(
        reverse("license:licence", args=[lic.public_id])).status_code == 404


def test_issue_form_shows_field_errors_then_issues(marriage, admin):
    client = logged_in_client(admin)
    url = reverse("license:issue") + f"?type={marriage.public_id}"
    assert "配偶姓名" in client.get(url).content.decode()
    bad = client.post(url, {"type_id": marriage.public_id, "holder_name": "张三", "holder_code": "210602199001011239",
                            "f_spouse_name": "李四", "f_spouse_id_number": "123", "f_register_date": "2025-05-20"})
    assert bad.status_code == 400 and not Licence.objects.exists()
    good = client.post(url, {"type_id": marriage.public_id, "holder_name": "张三", "holder_code": resident_id(),
                             "f_spouse_name": "李四", "f_spouse_id_number": resident_id(), "f_register_date": "2025-05-20"})
    lic = Licence.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse("license:licence", args=[lic.public_id])


def test_revoke_and_reissue_from_the_page(marriage, admin):
    lic = _issue(admin, marriage)
    client = logged_in_client(admin)
    assert client.post(reverse("license:act", args=[lic.public_id, "revoke"]), {"reason": ""}).status_code == 400
    resp = client.post(reverse("license:act", args=[lic.public_id, "reissue"]), {"reason": "遗失"})
    new = Licence.objects.get(previous=lic)
    assert resp["Location"] == reverse("license:licence", args=[new.public_id])
    client.post(reverse("license:act", args=[new.public_id, "revoke"]), {"reason": "申请注销"})
    new.refresh_from_db()
    assert new.status == LicenceStatus.REVOKED


def test_batch_import_reports_rows_and_is_idempotent(marriage, admin):
    client = logged_in_client(admin)
    a, b = resident_id(), resident_id()
    csv = ("持证主体名称,持证主体代码,证照编号,配偶姓名,配偶公民身份号码,登记日期\n"
           f"张三,{a},M-001,李四,{b},2025-05-20\n"
           f"王五,{b},M-002,赵六,{a},2025-13-01\n"
           f"钱七,{a},M-003,孙八,{b},2024-01-02\n").encode()
    resp = client.post(reverse("license:batch"), {"type": marriage.public_id, "file": _upload(csv, "m.csv")})
    page = resp.content.decode()
    assert resp.status_code == 200 and "签发 2 张" in page and "未导入 1 行" in page and "登记日期" in page
    assert set(Licence.objects.values_list("number", flat=True)) == {"M-001", "M-003"}
    again = client.post(reverse("license:batch"), {"type": marriage.public_id, "file": _upload(csv, "m.csv")}).content.decode()
    assert "签发 0 张" in again and "跳过 2 行" in again and Licence.objects.count() == 2
    bad = client.post(reverse("license:batch"), {"type": marriage.public_id, "file": _upload("姓名\n张三\n".encode(), "x.csv")})
    assert bad.status_code == 400 and "缺少列" in bad.content.decode()


def test_batch_import_reads_xlsx(marriage, admin):
    from openpyxl import Workbook

    from digigov.support.license.actions.batch import import_licences

    wb = Workbook()
    ws = wb.active
    ws.append(["持证主体名称", "持证主体代码", "证照编号", "配偶姓名", "配偶公民身份号码", "登记日期"])
    ws.append(["张三", resident_id(), "X-1", "李四", resident_id(), "2025-05-20"])
    buf = io.BytesIO()
    wb.save(buf)
    report = import_licences(admin, marriage, buf.getvalue(), "licences.xlsx")
    assert [r.outcome for r in report.rows] == ["created"] and Licence.objects.get().number == "X-1"


def _upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_type_pages(marriage, admin, role_user):
    client = logged_in_client(admin)
    assert "结婚证" in client.get(reverse("license:types")).content.decode()
    detail = client.get(reverse("license:type", args=[marriage.public_id])).content.decode()
    assert "配偶公民身份号码" in detail and "公民身份号码" in detail
    resp = client.post(reverse("license:type_new"), {"code": "210600BDB001", "name": "营商证明", "holder_kind": "enterprise",
                                                     "department": marriage.department.public_id, "page": "A4 横向",
                                                     "fields_text": "name,名称,text,是\nuscc,统一社会信用代码,uscc,是"})
    assert resp.status_code == 302
    bad = client.post(reverse("license:type_new"), {"code": "BAD", "name": "x", "holder_kind": "person", "department": marriage.department.public_id,
                                                    "page": "A4 横向", "fields_text": "name,名称,text,是"})
    assert bad.status_code == 400 and "证照类型代码" in bad.content.decode()
    assert logged_in_client(role_user("approver")).get(reverse("license:type_new")).status_code == 403


def test_api_issue_list_get_revoke(marriage, admin):
    from django.test import Client

    client = logged_in_client(admin)
    base = "/api/v1/support/licences/"
    resp = client.post(base, {"licence_type": marriage.public_id, "holder_code": resident_id(), "holder_name": "张三",
                              "data": marriage_data()}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["status"] == "valid" and any(f["label"] == "配偶姓名" and f["value"] == "李四" for f in body["fields"])
    bad = client.post(base, {"licence_type": marriage.public_id, "holder_code": resident_id(), "holder_name": "张三",
                             "data": {"spouse_name": "李四"}}, content_type="application/json")
    assert bad.status_code == 422 and "spouse_id_number" in bad.json()["detail"]["fields"]
    assert client.get(base).json()["count"] == 1
    assert client.get(f"{base}types").json()["count"] == 1
    assert client.get(f"{base}{body['public_id']}").json()["identifier"] == body["identifier"]
    revoked = client.post(f"{base}{body['public_id']}/revoke", {"reason": "注销"}, content_type="application/json")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert client.post(f"{base}{body['public_id']}/revoke", {"reason": "再次"}, content_type="application/json").status_code == 409
    assert Client().get(base).status_code in (401, 403)


def test_component_issues_once_per_case_as_the_platform(marriage, admin):
    from digigov.support.license.components import issue

    out = issue(admin, None, {"licence_type": marriage.code, "holder_code": resident_id(), "holder_name": "张三", **marriage_data()})
    lic = Licence.objects.get(public_id=out["licence_id"])
    assert lic.events.get().actor.username == "system" and out["licence_identifier"] == lic.identifier
    from digigov.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        issue(admin, None, {"licence_type": "100000XX999"})
