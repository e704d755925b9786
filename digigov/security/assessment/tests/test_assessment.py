import pytest
from django.test import override_settings
from django.utils import timezone

from digigov.core.audit.models import AuditVerification
from digigov.core.testing import logged_in_client
from digigov.security.assessment import controls, selectors
from digigov.security.keys import api as keys


def _by_code(results):
    return {r.code: r for r in results}


def test_every_control_reports_a_status_and_live_figures(city, role_user):
    results = _by_code(selectors.run_all())
    assert {"network.transport", "device.identity", "device.log_integrity", "app.identity", "mgmt.keys"} <= set(results)
    for r in results.values():
        assert r.status in controls.STATUS_LABELS and r.evidence


def test_transport_follows_the_request_and_settings(rf, settings):
    assert controls.transport(rf.get("/")).status == controls.NOT_MET
    settings.HTTPS, settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE = True, 31536000, True
    assert controls.transport(rf.get("/", secure=True)).status == controls.PARTIAL
    assert controls.transport(rf.get("/")).status == controls.NOT_MET  # this request came in clear


def test_staff_totp_coverage_is_counted(city, role_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    a, b = role_user("dept_admin"), role_user("city_admin")
    from digigov.core.accounts.actions import staff_login_accounts

    staff = staff_login_accounts()
    total = staff.count()
    assert {a.pk, b.pk} <= set(staff.values_list("pk", flat=True))
    f = controls.staff_authentication(None)
    assert f.status in (controls.NOT_MET, controls.PARTIAL) and f"工作人员账户 {total:,} 个，已绑定动态口令 0 个" in f.evidence
    for u in staff:
        TOTPDevice.objects.create(user=u, name="default", confirmed=True)
    f = controls.staff_authentication(None)
    assert f.status == controls.MET and f"已绑定动态口令 {total:,} 个" in f.evidence


def test_log_integrity_follows_the_last_verification(city, tmp_path, settings):
    system = city.system
    assert controls.audit_integrity(None).status == controls.NOT_MET  # entries exist, never verified
    (tmp_path / "cp.log").write_text("")
    settings.DIGIGOV_AUDIT_CHECKPOINT_FILE = str(tmp_path / "cp.log")
    now = timezone.now()
    AuditVerification.objects.create(started_at=now, finished_at=now, ok=False, checked=10, first_bad_seq=7, requested_by=system)
    f = controls.audit_integrity(None)
    assert f.status == controls.NOT_MET and "第一条异常记录序号 7" in f.evidence
    AuditVerification.objects.create(started_at=now, finished_at=now + timezone.timedelta(seconds=1), ok=True, checked=12,
                                     requested_by=system)
    assert controls.audit_integrity(None).status == controls.MET


def test_key_management_detects_a_foreign_master_key(db, settings, tmp_path):
    settings.DIGIGOV_MASTER_KEY, settings.DIGIGOV_MASTER_KEY_FILE = "", str(tmp_path / "master.key")
    keys.reset_caches()
    assert controls.key_management(None).status == controls.PARTIAL  # no data key yet
    keys.seal("t.pii", b"x")
    f = controls.key_management(None)
    assert f.status == controls.MET and "可解封 1 个" in f.evidence
    (tmp_path / "master.key").chmod(0o644)
    assert controls.key_management(None).status == controls.NOT_MET
    (tmp_path / "master.key").chmod(0o600)
    settings.DIGIGOV_MASTER_KEY = "11" * 16
    keys.reset_caches()
    f = controls.key_management(None)
    assert f.status == controls.NOT_MET and "无法解封" in f.evidence


def test_a_broken_check_shows_as_not_met(db, monkeypatch):
    from digigov.core import registry

    def boom(request):
        raise RuntimeError("x")

    monkeypatch.setitem(registry.ASSESSMENT_CONTROLS, "t.boom", registry.AssessmentControl("t.boom", "测试", "测试项", boom))
    r = _by_code(selectors.run_all())["t.boom"]
    assert r.status == controls.NOT_MET and "检查无法完成" in r.evidence


@pytest.mark.parametrize("role,status", [("security_officer", 200), ("auditor", 200), ("dept_admin", 403)])
def test_page_and_api_permissions(city, role_user, role, status):
    client = logged_in_client(role_user(role))
    page = client.get("/workbench/security/assessment/")
    assert page.status_code == status
    api = client.get("/api/v1/security/assessment")
    assert api.status_code == status
    if status == 200:
        assert "日志记录完整性" in page.content.decode() and any(c["code"] == "mgmt.keys" for c in api.json())


def test_non_repudiation_runs_the_sm2_service(db, monkeypatch):
    f = controls.non_repudiation(None)  # the e-seal system (support.seal) is connected since issue 11
    assert f.status == controls.MET and "自检通过" in f.evidence and "电子签章系统：已接入" in f.evidence
    from digigov.core import registry

    monkeypatch.setattr(registry, "NAV", [item for item in registry.NAV if item.key != "support.seal"])
    f = controls.non_repudiation(None)
    assert f.status == controls.PARTIAL and "电子签章系统：未接入" in f.evidence
    from digigov.security.crypto import sm2

    monkeypatch.setattr(sm2.SM2PublicKey, "verify", lambda self, sig, data, **kw: True)  # accepts a tampered message
    f = controls.non_repudiation(None)
    assert f.status == controls.NOT_MET and "自检失败" in f.evidence


def _people(city, n=3):
    from digigov.core.accounts import actions as accounts
    from digigov.core.accounts.ids import resident_id_check_char
    from digigov.core.context import acting_as

    out = []
    with acting_as(city.system):
        for i in range(n):
            first17 = f"21020419900101{i:03d}"
            out.append(accounts.register_person(city.system, id_number=first17 + resident_id_check_char(first17), name=f"测试{i}",
                                                division=city.county_a, phone=f"1380000000{i}", address=f"大连市某路{i}号"))
    return out


def test_storage_confidentiality_counts_encrypted_rows_and_catches_clear_text(city):
    from django.db import connection

    from digigov.core.accounts.models import NaturalPerson

    people = _people(city)
    total = NaturalPerson.objects.count()
    f = controls.storage_confidentiality(None)
    assert f.status == controls.MET and f"{total:,} / {total:,} 行" in f.evidence
    with connection.cursor() as cur:  # someone writes a clear value past the field
        cur.execute(f"UPDATE {NaturalPerson._meta.db_table} SET phone = %s WHERE id = %s",
                    [connection.Database.Binary(b"13800000000"), people[0].pk])
    f = controls.storage_confidentiality(None)
    assert f.status == controls.NOT_MET and f"{total - 1:,} / {total:,} 行" in f.evidence and "1 行含非密文的值" in f.evidence


def test_a_personal_field_in_clear_is_named(city, monkeypatch):
    from digigov.core.accounts.models import LegalPerson

    monkeypatch.setattr(LegalPerson, "PII_FIELDS", ("address",), raising=False)
    f = controls.storage_confidentiality(None)
    assert f.status == controls.NOT_MET and "以明文存储的个人信息字段：法人·住所" in f.evidence


def test_storage_integrity_opens_a_sample_and_catches_a_flipped_byte(city):
    from digigov.core.accounts.models import NaturalPerson

    people = _people(city)
    f = controls.storage_integrity(None)
    assert f.status == controls.MET and "完整性校验失败 0 个" in f.evidence
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"SELECT address FROM {NaturalPerson._meta.db_table} WHERE id = %s", [people[-1].pk])
        blob = bytearray(cur.fetchone()[0])
        blob[-1] ^= 1
        cur.execute(f"UPDATE {NaturalPerson._meta.db_table} SET address = %s WHERE id = %s",
                    [connection.Database.Binary(bytes(blob)), people[-1].pk])
    f = controls.storage_integrity(None)
    assert f.status == controls.NOT_MET and "完整性校验失败 1 个" in f.evidence
