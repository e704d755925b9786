"""Seal registry actions: apply, approve (makes the seal), reject, withdraw, life cycle, re-issue, certificates."""

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.crypto import sm3
from digigov.core.rbac.models import RoleAssignment
from digigov.support.seal import actions, ca, ses, signing, x509sm2
from digigov.support.seal.models import (ApplicationStatus, CertKind, Certificate, CertStatus, Seal, SealApplication,
                                         SealStatus, SealType, Signing)

pytestmark = pytest.mark.django_db


def _state():
    """What a failed action must leave untouched."""
    return (SealApplication.objects.count(), Seal.objects.count(), Certificate.objects.count(), AuditEntry.objects.count(),
            list(SealApplication.objects.values_list("status", flat=True).order_by("id")),
            list(Seal.objects.values_list("status", flat=True).order_by("id")))


def _kwargs(people, **over):
    kw = {"department": people.unit, "seal_type": SealType.OFFICIAL, "name": people.unit.name, "holders": [people.holder],
          "valid_years": 5, "reason": "新设单位刻制公章"}
    kw.update(over)
    return kw


def _apply(people, **over):
    app, created = actions.apply_for_seal(people.dept_admin, **_kwargs(people, **over))
    return app


def test_apply_and_approve_makes_a_verifiable_seal(people):
    app = _apply(people)
    assert app.status == ApplicationStatus.SUBMITTED
    app = actions.approve(people.city_admin, app, "同意")
    seal = app.seal
    assert app.status == ApplicationStatus.APPROVED and seal.status == SealStatus.ACTIVE
    assert len(seal.code) == 14 and seal.code == "21060001000001"  # 210600 city division, type 01, sequence 1
    assert bytes(seal.image_png).startswith(b"\x89PNG") and (seal.width_mm, seal.height_mm) == (42, 42)
    parsed = ses.parse_seal(bytes(seal.der))
    assert parsed.maker_signature_ok and parsed.es_id == seal.code and parsed.name == people.unit.name
    kinds = sorted(seal.signers.values_list("kind", flat=True))
    assert kinds == [CertKind.PERSON, CertKind.UNIT]
    for c in seal.signers.all():
        assert x509sm2.signed_by(bytes(c.der), bytes(ca.root().der))
    codes = list(AuditEntry.objects.values_list("action", flat=True))
    for code in ("seal.application.submit", "seal.make", "seal.application.approve", "seal.certificate.issue"):
        assert code in codes
    # the holder signs with it (own person certificate), the unit signs through the system account
    signed = signing.sign_digest(people.holder, seal, sm3(b"doc"), kind="detached", document_name="a.txt", reason="测试")
    assert ses.parse_signature(signed.der).signature_ok


def test_second_seal_reuses_the_unit_certificate_and_counts_the_sequence(people):
    first = actions.approve(people.city_admin, _apply(people), "").seal
    second = actions.approve(people.city_admin, _apply(people, seal_type=SealType.CONTRACT, name="示范市营商局合同专用章", holders=[]), "").seal
    assert second.code == "21060003000001" and first.code[:8] != second.code[:8]
    unit_first = first.signers.get(kind=CertKind.UNIT)
    assert list(second.signers.all()) == [unit_first]
    assert Certificate.objects.filter(kind=CertKind.UNIT).count() == 1
    assert (second.width_mm, second.height_mm) == (45, 30)


def test_double_click_returns_the_pending_twin(people):
    a, created_a = actions.apply_for_seal(people.dept_admin, **_kwargs(people))
    b, created_b = actions.apply_for_seal(people.dept_admin, **_kwargs(people))
    assert created_a and not created_b and a.pk == b.pk
    assert SealApplication.objects.count() == 1
    with pytest.raises(Conflict) as exc:
        actions.apply_for_seal(people.dept_admin, **_kwargs(people, reason="另一个事由"))
    assert exc.value.code == "duplicate_pending"


@pytest.mark.parametrize("field,value,code", [
    ("seal_type", 9, "invalid_seal_type"),
    ("seal_type", "abc", "invalid_seal_type"),
    ("seal_type", True, "invalid_seal_type"),
    ("name", "  ", "name_required"),
    ("name", "章" * 65, "text_too_long"),
    ("name", 12, "invalid_text"),
    ("valid_years", 0, "invalid_valid_years"),
    ("valid_years", 11, "invalid_valid_years"),
    ("valid_years", "五", "invalid_valid_years"),
    ("valid_years", 2.5, "invalid_valid_years"),
    ("reason", "", "reason_required"),
    ("reason", "长" * 201, "text_too_long"),
    ("department", None, "department_required"),
])
def test_apply_bad_input_is_422_and_writes_nothing(people, field, value, code):
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        actions.apply_for_seal(people.dept_admin, **_kwargs(people, **{field: value}))
    assert exc.value.status == 422 and exc.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    assert _state() == snap


def test_holders_rules(people):
    snap = _state()
    for seal_type, holders, code in [
        (SealType.LEGAL_REP, [], "one_holder_required"),
        (SealType.LEGAL_REP, lambda p: [p.holder, p.holder2], "one_holder_required"),
        (SealType.PERSONAL, [], "one_holder_required"),
        (SealType.OFFICIAL, lambda p: [p.outsider], "holder_not_staff"),
        (SealType.OFFICIAL, lambda p: [p.citizen], "holder_not_staff"),
    ]:
        hs = holders(people) if callable(holders) else holders
        with pytest.raises(ValidationFailed) as exc:
            actions.apply_for_seal(people.dept_admin, **_kwargs(people, seal_type=seal_type, name="张三", holders=hs))
        assert exc.value.code == code and exc.value.detail == {"field": "holders"}
    assert _state() == snap
    legal = actions.approve(people.city_admin, _apply(people, seal_type=SealType.LEGAL_REP, name="张三"), "").seal
    assert [c.kind for c in legal.signers.all()] == [CertKind.PERSON]
    assert (legal.width_mm, legal.height_mm) == (20, 20)


def test_permissions(people):
    snap = _state()
    with pytest.raises(Forbidden):
        actions.apply_for_seal(people.other_admin, **_kwargs(people))  # another unit's admin
    with pytest.raises(Forbidden):
        actions.apply_for_seal(people.citizen, **_kwargs(people))
    app = _apply(people)
    snap = _state()
    with pytest.raises(Forbidden):
        actions.approve(people.dept_admin, app, "")
    with pytest.raises(Forbidden):
        actions.reject(people.other_admin, app, "不行")
    with pytest.raises(Forbidden):
        actions.withdraw(people.other_admin, app)
    assert _state() == snap


def test_one_official_seal_per_unit_and_no_duplicate_names(people):
    actions.approve(people.city_admin, _apply(people), "")
    with pytest.raises(Conflict) as exc:
        _apply(people)
    assert exc.value.code == "official_exists"


def test_reject_needs_an_opinion_and_decisions_are_final(people):
    app = _apply(people)
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        actions.reject(people.city_admin, app, "  ")
    assert exc.value.code == "opinion_required" and _state() == snap
    actions.reject(people.city_admin, app, "名称与登记不符")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED and app.opinion == "名称与登记不符"
    snap = _state()
    with pytest.raises(Conflict) as exc:
        actions.approve(people.city_admin, app, "")
    assert exc.value.code == "already_decided" and _state() == snap
    with pytest.raises(Conflict):
        actions.withdraw(people.dept_admin, app)
    assert Seal.objects.count() == 0


def test_withdraw_and_self_approval(people):
    app = _apply(people)
    actions.withdraw(people.dept_admin, app)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.WITHDRAWN
    boss = people.city_admin
    RoleAssignment.objects.create(user=boss, role="dept_admin", department=people.unit)  # both hats
    own, _ = actions.apply_for_seal(boss, **_kwargs(people))
    with pytest.raises(Conflict) as exc:
        actions.approve(boss, own, "")
    assert exc.value.code == "self_approval" and Seal.objects.count() == 0


def test_life_cycle_suspend_resume_revoke(people):
    seal = actions.approve(people.city_admin, _apply(people), "").seal
    snap = _state()
    for func in (actions.suspend, actions.revoke):
        with pytest.raises(ValidationFailed) as exc:
            func(people.city_admin, seal, "")
        assert exc.value.code == "reason_required"
    with pytest.raises(Forbidden):
        actions.suspend(people.dept_admin, seal, "印章保管人离职")
    with pytest.raises(Conflict):
        actions.resume(people.city_admin, seal, "恢复")
    assert _state() == snap
    actions.suspend(people.city_admin, seal, "印章保管人离职")
    seal.refresh_from_db()
    assert seal.status == SealStatus.SUSPENDED and seal.status_reason == "印章保管人离职"
    with pytest.raises(ValidationFailed):
        signing.sign_digest(people.holder, seal, sm3(b"x"), kind="detached", document_name="a", reason="测试")
    with pytest.raises(Conflict):
        actions.suspend(people.city_admin, seal, "再次暂停")
    actions.resume(people.city_admin, seal, "已交接")
    actions.revoke(people.city_admin, seal, "单位撤销")
    seal.refresh_from_db()
    assert seal.status == SealStatus.REVOKED
    with pytest.raises(Conflict):
        actions.resume(people.city_admin, seal, "恢复")
    assert Signing.objects.count() == 0
    codes = list(AuditEntry.objects.values_list("action", flat=True))
    assert {"seal.suspend", "seal.resume", "seal.revoke"} <= set(codes)


def test_reissue_makes_a_new_seal_and_revokes_the_old(people):
    old = actions.approve(people.city_admin, _apply(people), "").seal
    app, created = actions.reissue(people.dept_admin, old, reason="密钥介质遗失")
    assert created and app.replaces == old and list(app.holders.all()) == [people.holder]
    new = actions.approve(people.city_admin, app, "同意重新制作").seal
    old.refresh_from_db()
    assert old.status == SealStatus.REVOKED and new.code in old.status_reason
    assert new.replaces == old and new.status == SealStatus.ACTIVE and new.code != old.code
    with pytest.raises(Conflict):
        actions.reissue(people.dept_admin, old, reason="再来一次")


def test_revoke_certificate(people):
    seal = actions.approve(people.city_admin, _apply(people), "").seal
    person = seal.signers.get(kind=CertKind.PERSON)
    root = ca.root()
    snap = _state()
    with pytest.raises(ValidationFailed):
        actions.revoke_certificate(people.city_admin, person, "")
    with pytest.raises(ValidationFailed) as exc:
        actions.revoke_certificate(people.city_admin, root, "测试")
    assert exc.value.code == "ca_certificate"
    with pytest.raises(Forbidden):
        actions.revoke_certificate(people.dept_admin, person, "设备遗失")
    assert _state() == snap
    actions.revoke_certificate(people.city_admin, person, "设备遗失")
    person.refresh_from_db()
    assert person.status == CertStatus.REVOKED and person.revoke_reason == "设备遗失"
    # the holder's own certificate is gone: their signatures now carry the unit certificate (their role may sign)
    signed = signing.sign_digest(people.holder, seal, sm3(b"x"), kind="detached", document_name="a", reason="测试")
    assert signed.signing.certificate.kind == CertKind.UNIT
    with pytest.raises(Conflict):
        actions.revoke_certificate(people.city_admin, person, "设备遗失")
    ok, why = signing.certificate_status(bytes(person.der), person.not_before)
    assert not ok and "吊销" in why
    # the next seal for that holder gets a fresh certificate
    contract = actions.approve(people.city_admin, _apply(people, seal_type=SealType.CONTRACT, name="合同专用章"), "").seal
    assert contract.signers.get(kind=CertKind.PERSON).status == CertStatus.VALID
