"""Issuing a licence end to end (render, seal, store, index, audit) and its lifecycle; nothing half-written."""

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.rbac.system import system_account
from digigov.core.testing import resident_id, uscc
from digigov.data.registries.models import LicenceIndex
from digigov.support.license import identifiers, ofd_render
from digigov.support.license.actions import licences as actions
from digigov.support.license.actions.types import create_type, update_type
from digigov.support.license.models import Licence, LicenceEvent, LicenceStatus
from digigov.support.license.testing import make_type, marriage_data
from digigov.support.seal.models import Seal, SealStatus, Signing
from digigov.support.seal.testing import make_seal

pytestmark = pytest.mark.django_db


@pytest.fixture
def marriage(city):
    make_seal(city.bureau)
    return make_type(city.bureau)


@pytest.fixture
def admin(role_user):
    return role_user("dept_admin")  # scoped to city.bureau


def _issue(actor, lt, **kw):
    return actions.issue_licence(actor, lt, "person", kw.pop("code", resident_id()), kw.pop("name", "张三"), kw.pop("data", marriage_data()), **kw)


def test_issue_renders_seals_stores_indexes_and_audits(marriage, admin):
    lic = _issue(admin, marriage, code=resident_id(seq=7))
    parts = identifiers.parse(lic.identifier)
    assert parts and parts["type_code"] == "100000CA001" and parts["issuer"] == "CITYBDB" and parts["year"] == timezone.localdate().year
    assert lic.number == f"CITYBDB{parts['year']}{parts['seq']:06d}" and lic.status == LicenceStatus.VALID
    assert lic.data["name"] == "张三" and lic.data["id_number"] == lic.holder_code
    # the OFD carries the licence text and a signature inside the container; the PDF a signature dictionary
    ofd = bytes(lic.ofd)
    assert "张三" in ofd_render.read_texts(ofd) and lic.identifier in " ".join(ofd_render.read_texts(ofd))
    with zipfile.ZipFile(io.BytesIO(ofd)) as z:
        assert any("Sign" in n for n in z.namelist())
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(bytes(lic.pdf)))
    assert any(f.get("/FT") == "/Sig" for f in reader.get_fields().values())
    assert Signing.objects.filter(seal=lic.seal).count() == 2 and lic.seal.department == marriage.department
    row = LicenceIndex.objects.get(licence_type="100000CA001", licence_no=lic.number)
    assert row.source_ref == lic.public_id and row.status == "valid" and row.holder_name == "张三"
    assert list(lic.events.values_list("kind", flat=True)) == ["issue"]
    entry = AuditEntry.objects.get(action="license.licence.issue")
    assert entry.actor_id == admin.pk


def test_no_usable_seal_refuses_and_writes_nothing(city, admin):
    lt = make_type(city.bureau)
    with pytest.raises(ValidationFailed) as exc:
        _issue(admin, lt)
    assert exc.value.code == "no_issuing_seal" and "电子印章" in exc.value.message
    seal = make_seal(city.bureau)
    Seal.objects.filter(pk=seal.pk).update(status=SealStatus.SUSPENDED)
    with pytest.raises(ValidationFailed):
        _issue(admin, lt)
    make_seal(city.bureau, seal_type=3)  # a 合同专用章 does not issue licences
    with pytest.raises(ValidationFailed):
        _issue(admin, lt)
    assert not Licence.objects.exists() and not Signing.objects.exists() and not LicenceIndex.objects.exists()


def test_other_units_staff_may_not_issue(marriage, role_user):
    other = role_user("dept_admin", department=marriage.department.parent.children.exclude(pk=marriage.department_id).first())
    with pytest.raises(Forbidden):
        _issue(other, marriage)
    with pytest.raises(Forbidden):
        _issue(role_user("citizen"), marriage)
    assert not Licence.objects.exists()


@pytest.mark.parametrize("kw, field", [
    ({"code": (lambda r: r[:-1] + ("0" if r[-1] != "0" else "1"))(resident_id())}, "holder_code"),
    ({"code": uscc()}, "holder_code"),
    ({"name": ""}, "holder_name"),
    ({"name": "\u200b"}, "holder_name"),
    ({"data": {"spouse_name": "李四"}}, "spouse_id_number"),
    ({"data": marriage_data(register_date="2025-02-30")}, "register_date"),
    ({"data": marriage_data(spouse_id_number="not-an-id")}, "spouse_id_number"),
    ({"data": marriage_data(unknown="x")}, "unknown"),
    ({"data": "not a dict"}, "data"),
    ({"valid_from": "2026-13-01"}, "valid_from"),
])
def test_bad_input_is_refused_with_the_field_and_nothing_written(marriage, admin, kw, field):
    with pytest.raises(ValidationFailed) as exc:
        _issue(admin, marriage, **kw)
    detail = exc.value.detail
    assert detail["field"] == field or field in detail.get("fields", {})
    assert not Licence.objects.exists() and not Signing.objects.exists() and not LicenceIndex.objects.exists()


def test_holder_kind_must_match_the_type(marriage, admin):
    with pytest.raises(ValidationFailed) as exc:
        actions.issue_licence(admin, marriage, "enterprise", uscc(), "某公司", marriage_data())
    assert exc.value.code == "holder_kind_mismatch"


def test_change_supersedes_and_moves_the_index(marriage, admin):
    lic = _issue(admin, marriage)
    new = actions.change_licence(admin, lic, {"remark": "更正登记日期"}, "登记事项更正")
    lic.refresh_from_db()
    assert lic.status == LicenceStatus.SUPERSEDED and new.previous_id == lic.pk and new.number == lic.number
    assert new.identifier != lic.identifier and new.data["remark"] == "更正登记日期"
    row = LicenceIndex.objects.get(licence_type=marriage.code, licence_no=lic.number)
    assert row.source_ref == new.public_id and row.status == "valid"
    assert list(new.events.values_list("kind", flat=True)) == ["change"]
    with pytest.raises(Conflict):
        actions.change_licence(admin, lic, {"remark": "再改"}, "重复")
    with pytest.raises(ValidationFailed) as exc:
        actions.change_licence(admin, new, {}, "无变化")
    assert exc.value.code == "nothing_changed"


def test_reissue_and_revoke(marriage, admin):
    lic = _issue(admin, marriage)
    again = actions.reissue_licence(admin, lic, "遗失补发")
    assert again.data == Licence.objects.get(pk=lic.pk).data and again.previous_id == lic.pk
    revoked = actions.revoke_licence(admin, again, "当事人离婚")
    assert revoked.status == LicenceStatus.REVOKED and revoked.status_reason == "当事人离婚"
    assert LicenceIndex.objects.get(licence_type=marriage.code, licence_no=lic.number).status == "revoked"
    with pytest.raises(Conflict):
        actions.revoke_licence(admin, again, "再次注销")
    with pytest.raises(Conflict):
        actions.reissue_licence(admin, revoked, "注销后补发")
    with pytest.raises(ValidationFailed):
        actions.reissue_licence(admin, _issue(admin, marriage), "  ")


def test_expire_job_expires_and_updates_the_index(city, admin):
    make_seal(city.bureau)
    lt = make_type(city.bureau, valid_years=1)
    with pytest.raises(ValidationFailed) as exc:
        _issue(admin, lt, valid_from=dt.date(2020, 1, 1))  # ended 2020-12-31: nothing to issue
    assert exc.value.code == "already_expired"
    lic = _issue(admin, lt, valid_from=dt.date(2026, 3, 1))
    assert lic.valid_until == dt.date(2027, 2, 28)
    keep = _issue(admin, lt)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Licence.objects.filter(pk=lic.pk).update(issued_on=yesterday - dt.timedelta(days=365), valid_until=yesterday)  # a year later
    system = system_account()
    assert actions.expire_licences(system) == 1
    lic.refresh_from_db()
    keep.refresh_from_db()
    assert lic.status == LicenceStatus.EXPIRED and keep.status == LicenceStatus.VALID
    assert LicenceIndex.objects.get(licence_no=lic.number).status == "expired"
    assert LicenceEvent.objects.filter(licence=lic, kind="expire", actor=system).exists()
    assert actions.expire_licences(system) == 0
    with pytest.raises(Forbidden):
        actions.expire_licences(admin)  # a unit's admin cannot run the city-wide job


def test_migrated_paper_licence_keeps_its_number_once(marriage, admin):
    from digigov.support.license.actions.batch import migrate_paper_licence

    lic = migrate_paper_licence(admin, marriage, holder_code=resident_id(), holder_name="王五", number="辽民婚2019-00123", data=marriage_data())
    assert lic.number == "辽民婚2019-00123" and lic.source == "migration"
    with pytest.raises(Conflict):
        migrate_paper_licence(admin, marriage, holder_code=resident_id(), holder_name="王五", number="辽民婚2019-00123", data=marriage_data())
    with pytest.raises(ValidationFailed):
        migrate_paper_licence(admin, marriage, holder_code=resident_id(), holder_name="王五", number="  ", data=marriage_data())


def test_inactive_type_does_not_issue(marriage, admin):
    update_type(admin, marriage, active=False)
    marriage.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        _issue(admin, marriage)
    assert exc.value.code == "licence_type_inactive"


@pytest.mark.parametrize("kw, field", [
    ({"code": "CA001"}, "code"), ({"code": "100000ca0012345678"}, "code"), ({"name": ""}, "name"),
    ({"holder_kind": "alien"}, "holder_kind"), ({"fields": []}, "fields"),
    ({"fields": [{"key": "Bad Key", "label": "x", "type": "text"}]}, "fields"),
    ({"fields": [{"key": "a", "label": "甲", "type": "blob"}]}, "fields"),
    ({"fields": [{"key": "a", "label": "甲", "type": "choice"}]}, "fields"),
    ({"fields": [{"key": "a", "label": "甲"}, {"key": "a", "label": "乙"}]}, "fields"),
    ({"valid_years": 0.5}, "valid_years"), ({"valid_years": True}, "valid_years"),
])
def test_type_bad_input(city, admin, kw, field):
    base = {"code": "210600BDB001", "name": "测试证明", "holder_kind": "person", "department": city.bureau,
            "fields": [{"key": "name", "label": "姓名", "type": "text", "required": True}]}
    with pytest.raises(ValidationFailed) as exc:
        create_type(admin, **{**base, **kw})
    assert exc.value.detail["field"] == field


def test_type_crud_permissions(city, admin, role_user):
    lt = create_type(admin, code="210600BDB001", name="营商环境证明", holder_kind="enterprise", department=city.bureau,
                     fields=[{"key": "name", "label": "名称", "type": "text", "required": True}], page="A4 横向")
    assert lt.layout["page"] == {"width": 297, "height": 210}
    with pytest.raises(Conflict):
        create_type(admin, code="210600BDB001", name="重复", holder_kind="person", department=city.bureau, fields=lt.fields)
    with pytest.raises(Forbidden):
        create_type(admin, code="210600EDU001", name="教育证明", holder_kind="person", department=city.other_bureau, fields=lt.fields)
    with pytest.raises(Forbidden):
        update_type(role_user("approver"), lt, name="改名")
    update_type(admin, lt, name="营商环境证明书", valid_years=3)
    lt.refresh_from_db()
    assert lt.name == "营商环境证明书" and lt.valid_years == 3
    assert AuditEntry.objects.filter(action__in=["license.type.create", "license.type.update"]).count() == 2
