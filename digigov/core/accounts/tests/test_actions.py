"""Registering persons and legal persons, agent authorisation, voiding, audited reveals, API clients."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.rbac.system import system_account
from digigov.core.accounts import actions
from digigov.core.accounts.models import AgentAuthorization, ApiClient, LegalPerson, NaturalPerson, User
from digigov.core.audit.actions import verify_chain
from digigov.core.audit.models import AuditEntry
from digigov.core.context import acting_as
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.rbac.checks import can, roles_of
from digigov.core.testing import make_user, resident_id, uscc


@pytest.fixture
def clerk(city):
    return make_user("window_clerk", division=city.county_a)


@pytest.fixture
def admin(role_user):
    return role_user("city_admin")


def register(actor, city, **kw):
    kw.setdefault("id_number", resident_id())
    kw.setdefault("name", "张三")
    kw.setdefault("division", city.village_a)
    with acting_as(actor):
        return actions.register_person(actor, **kw)


def nothing_written(before_audit):
    return NaturalPerson.objects.count() == 0 and AuditEntry.objects.count() == before_audit


# --- natural persons -----------------------------------------------------------------------------
def test_register_person_derives_birth_date_and_gender(clerk, city):
    male = register(clerk, city, id_number=resident_id(birth="19851203", seq=11))   # odd 17th digit
    female = register(clerk, city, id_number=resident_id(birth="20000229", seq=12))  # even 17th digit
    assert (male.birth_date, male.gender) == (dt.date(1985, 12, 3), "M")
    assert (female.birth_date, female.gender) == (dt.date(2000, 2, 29), "F")
    assert AuditEntry.objects.filter(action="accounts.person.register").count() == 2


def test_register_person_normalises_lowercase_x(clerk, city):
    person = register(clerk, city, id_number="11010519491231002x")
    assert person.id_number == "11010519491231002X"


@pytest.mark.parametrize("bad", ["110105194912310021", "11010519491231002", "110105199002300012", "abc", ""])
def test_register_person_with_invalid_id_writes_nothing(clerk, city, bad):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        register(clerk, city, id_number=bad)
    assert exc.value.code == "invalid_resident_id"
    assert exc.value.status == 422 and exc.value.detail == {"field": "id_number"}
    assert exc.value.message.startswith("身份证号码")
    assert nothing_written(before)


def test_duplicate_person_is_a_conflict(clerk, city):
    register(clerk, city, id_number="11010519491231002X")
    before = AuditEntry.objects.count()
    with pytest.raises(Conflict) as exc:
        register(clerk, city, id_number="11010519491231002x", name="李四")
    assert exc.value.code == "person_exists" and exc.value.status == 409
    assert NaturalPerson.objects.count() == 1 and AuditEntry.objects.count() == before


@pytest.mark.parametrize("field, value, code", [
    ("name", "", "invalid_name"),
    ("name", "   ", "invalid_name"),
    ("name", "张" * 33, "invalid_name"),
    ("phone", "1381234567", "invalid_phone"),
    ("phone", "1381234567a", "invalid_phone"),
    ("address", "址" * 201, "too_long"),
])
def test_register_person_field_validation(clerk, city, field, value, code):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        register(clerk, city, **{field: value})
    assert exc.value.code == code
    assert nothing_written(before)


def test_register_person_outside_the_clerks_division_is_forbidden(clerk, city):
    before = AuditEntry.objects.count()
    with pytest.raises(Forbidden):
        register(clerk, city, division=city.village_b)
    assert nothing_written(before)


def test_roles_without_person_manage_cannot_register(role_user, city):
    approver = role_user("approver")
    with pytest.raises(Forbidden):
        register(approver, city)
    assert NaturalPerson.objects.count() == 0


# --- legal persons -------------------------------------------------------------------------------
def test_register_legal_person(clerk, city):
    code = uscc(seed=1)
    with acting_as(clerk):
        lp = actions.register_legal_person(clerk, uscc=code.lower(), name="示范科技有限公司", division=city.county_a)
    assert lp.uscc == code
    assert AuditEntry.objects.get(action="accounts.legal_person.register").object_id == lp.public_id


@pytest.mark.parametrize("bad", ["91350100M000100Y44", "91350100M0001O0Y43", "91350100I000100Y43", "9135010"])
def test_register_legal_person_invalid_uscc(clerk, city, bad):
    before = AuditEntry.objects.count()
    with acting_as(clerk), pytest.raises(ValidationFailed) as exc:
        actions.register_legal_person(clerk, uscc=bad, name="某公司", division=city.county_a)
    assert exc.value.code == "invalid_uscc" and exc.value.detail == {"field": "uscc"}
    assert not LegalPerson.objects.exists() and AuditEntry.objects.count() == before


def test_register_legal_person_duplicate_and_bad_kind(clerk, city):
    code = uscc(seed=2)
    with acting_as(clerk):
        actions.register_legal_person(clerk, uscc=code, name="甲公司", division=city.county_a)
        with pytest.raises(Conflict) as exc:
            actions.register_legal_person(clerk, uscc=code, name="乙公司", division=city.county_a)
        assert exc.value.code == "legal_person_exists"
        with pytest.raises(ValidationFailed) as exc:
            actions.register_legal_person(clerk, uscc=uscc(seed=3), name="丙公司", division=city.county_a, kind="bogus")
        assert exc.value.code == "invalid_kind"
        with pytest.raises(ValidationFailed):
            actions.register_legal_person(clerk, uscc=uscc(seed=4), name="", division=city.county_a)
    assert LegalPerson.objects.count() == 1


# --- agents --------------------------------------------------------------------------------------
@pytest.fixture
def company(clerk, city):
    with acting_as(clerk):
        return actions.register_legal_person(clerk, uscc=uscc(seed=10), name="示范物流有限公司", division=city.county_a)


def test_authorize_agent_grants_the_enterprise_agent_role(clerk, company):
    agent = make_user("citizen")
    assert actions.acting_for(agent) == []
    with acting_as(clerk):
        auth = actions.authorize_agent(clerk, legal_person=company, agent=agent, valid_from=timezone.localdate())
    assert auth.is_current()
    assert "enterprise_agent" in roles_of(User.objects.get(pk=agent.pk))
    assert actions.acting_for(agent) == [company]
    actions_logged = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions_logged[-2:] == ["rbac.assign", "accounts.agent.authorize"]


def test_authorize_agent_twice_is_a_conflict_and_keeps_one_role(clerk, company):
    agent = make_user("citizen")
    with acting_as(clerk):
        actions.authorize_agent(clerk, legal_person=company, agent=agent, valid_from=timezone.localdate())
        with pytest.raises(Conflict) as exc:
            actions.authorize_agent(clerk, legal_person=company, agent=agent, valid_from=timezone.localdate())
    assert exc.value.code == "agent_exists"
    assert AgentAuthorization.objects.filter(agent=agent).count() == 1


def test_authorize_agent_bad_dates_and_scope(clerk, company, city):
    agent = make_user("citizen")
    today = timezone.localdate()
    with acting_as(clerk):
        with pytest.raises(ValidationFailed) as exc:
            actions.authorize_agent(clerk, legal_person=company, agent=agent, valid_from=today, valid_until=today - dt.timedelta(days=1))
        assert exc.value.code == "bad_dates"
        other_clerk = make_user("window_clerk", division=city.county_b)
        with pytest.raises(Forbidden):
            actions.authorize_agent(other_clerk, legal_person=company, agent=agent, valid_from=today)
    assert not AgentAuthorization.objects.exists()
    assert "enterprise_agent" not in roles_of(User.objects.get(pk=agent.pk))


def test_acting_for_respects_validity_and_voiding(clerk, company, city):
    today = timezone.localdate()
    agent = make_user("citizen")
    with acting_as(clerk):
        other = actions.register_legal_person(clerk, uscc=uscc(seed=11), name="未来公司", division=city.county_a)
        expired = actions.register_legal_person(clerk, uscc=uscc(seed=12), name="过期公司", division=city.county_a)
        auth = actions.authorize_agent(clerk, legal_person=company, agent=agent, valid_from=today - dt.timedelta(days=10))
        actions.authorize_agent(clerk, legal_person=other, agent=agent, valid_from=today + dt.timedelta(days=1))
        actions.authorize_agent(clerk, legal_person=expired, agent=agent, valid_from=today - dt.timedelta(days=10),
                                valid_until=today - dt.timedelta(days=1))
        assert actions.acting_for(agent) == [company]
        actions.void(clerk, auth, "经办人离职", "accounts.agent.manage")
    assert actions.acting_for(agent) == []
    # after voiding, the same agent may be authorised again (uniqueness is over active rows only)
    with acting_as(clerk):
        actions.authorize_agent(clerk, legal_person=company, agent=agent, valid_from=today)
    assert actions.acting_for(agent) == [company]


# --- voiding -------------------------------------------------------------------------------------
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_void_requires_a_reason(clerk, city, reason):
    person = register(clerk, city)
    before = AuditEntry.objects.count()
    with acting_as(clerk), pytest.raises(ValidationFailed) as exc:
        actions.void(clerk, person, reason, "accounts.person.manage")
    assert exc.value.code == "reason_required"
    assert NaturalPerson.objects.get(pk=person.pk).voided_at is None
    assert AuditEntry.objects.count() == before


def test_void_refuses_an_over_long_reason_instead_of_cutting_it(clerk, city):
    person = register(clerk, city)
    with acting_as(clerk), pytest.raises(ValidationFailed) as exc:
        actions.void(clerk, person, "长" * 201, "accounts.person.manage")
    assert exc.value.code == "text_too_long" and exc.value.detail == {"field": "reason"}
    assert NaturalPerson.objects.get(pk=person.pk).voided_at is None


def test_void_marks_and_never_deletes(clerk, city):
    person = register(clerk, city)
    with acting_as(clerk):
        actions.void(clerk, person, "重复登记", "accounts.person.manage")
        with pytest.raises(Conflict) as exc:
            actions.void(clerk, person, "再次作废", "accounts.person.manage")
    assert exc.value.code == "already_voided"
    stored = NaturalPerson.objects.get(pk=person.pk)
    assert stored.is_voided and stored.void_reason == "重复登记" and stored.voided_by == clerk
    assert not NaturalPerson.objects.active().filter(pk=person.pk).exists()
    entry = AuditEntry.objects.get(action="accounts.naturalperson.void")
    assert entry.before == {"void_reason": "", "voided_at": None, "voided_by": None}
    assert entry.after["void_reason"] == "重复登记" and entry.after["voided_by"] == clerk.pk
    with pytest.raises(PermissionError):
        stored.delete()
    with pytest.raises(PermissionError):
        NaturalPerson.objects.all().delete()
    assert NaturalPerson.objects.filter(pk=person.pk).exists()


def test_void_needs_the_permission_over_the_object(clerk, city):
    person = register(clerk, city)
    outsider = make_user("window_clerk", division=city.county_b)
    with acting_as(outsider), pytest.raises(Forbidden):
        actions.void(outsider, person, "越权", "accounts.person.manage")
    assert not NaturalPerson.objects.get(pk=person.pk).is_voided


# --- audited reveal ------------------------------------------------------------------------------
def test_reveal_person_is_audited(clerk, city):
    person = register(clerk, city, phone="13912345678", address="元宝区广济街道兴东社区3号")
    with acting_as(clerk, ip="10.0.0.9"):
        clear = actions.reveal_person(clerk, person, purpose="办理低保")
    assert clear == {"id_number": person.id_number, "phone": "13912345678", "address": "元宝区广济街道兴东社区3号"}
    entry = AuditEntry.objects.get(action="pii.read")
    assert entry.actor == clerk.username and entry.role == "window_clerk" and entry.ip == "10.0.0.9"
    assert entry.object_id == person.public_id
    assert entry.after == {"fields": ["address", "id_number", "phone"], "purpose": "办理低保"}
    assert verify_chain().ok


def test_reveal_person_denied_without_pii_view(clerk, city, admin):
    person = register(clerk, city)
    assert can(admin, "accounts.person.view", person)  # sees the masked record...
    with acting_as(admin), pytest.raises(Forbidden) as exc:
        actions.reveal_person(admin, person, purpose="好奇")  # ...but not the clear one
    assert "查看个人信息明文" in exc.value.message
    outsider = make_user("window_clerk", division=city.county_b)
    with acting_as(outsider), pytest.raises(Forbidden):
        actions.reveal_person(outsider, person)
    assert not AuditEntry.objects.filter(action="pii.read").exists()


# --- users and API clients -----------------------------------------------------------------------
def test_create_user_never_logs_the_password(db):
    user = actions.create_user(system_account(), username="zhangsan", password="Sup3r-Secret-Pass", display_name="张三")
    assert user.check_password("Sup3r-Secret-Pass")
    entry = AuditEntry.objects.get(action="accounts.user.create", object_id=user.public_id)
    assert "password" not in entry.after
    assert "Sup3r-Secret-Pass" not in str(entry.after) and user.password not in str(entry.after)
    with pytest.raises(Conflict):
        actions.create_user(system_account(), username="zhangsan", password=None, display_name="重名")
    assert not actions.create_user(system_account(), username="nopass", password=None, display_name="无密码").has_usable_password()


def test_api_client_key_is_shown_once_and_stored_hashed(role_user):
    officer = role_user("security_officer")
    service = make_user(None, kind="service")
    with acting_as(officer):
        client, key = actions.create_api_client(officer, name="数据共享交换平台", user=service)
    assert key.startswith("dg_") and len(key) > 40
    stored = ApiClient.objects.get(pk=client.pk)
    assert key not in (stored.key_hash, stored.key_prefix) and len(stored.key_hash) == 64
    assert "key_hash" not in AuditEntry.objects.get(action="accounts.apiclient.create").after
    assert actions.api_client_for_key(key) == client
    assert ApiClient.objects.get(pk=client.pk).last_used_at is not None
    assert actions.api_client_for_key(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert actions.api_client_for_key("") is None and actions.api_client_for_key("xx_" + key[3:]) is None
    with acting_as(officer):
        actions.void(officer, stored, "密钥泄露", "accounts.apiclient.manage")
    assert actions.api_client_for_key(key) is None


def test_api_client_requires_permission(role_user):
    clerk = role_user("window_clerk")
    with acting_as(clerk), pytest.raises(Forbidden):
        actions.create_api_client(clerk, name="越权应用", user=clerk)
    assert not ApiClient.objects.exists()


def test_staff_login_accounts_is_the_query_form_of_uses_staff_login(city):
    from digigov.core.accounts.actions import staff_login_accounts, uses_staff_login
    from digigov.core.accounts.models import User, UserKind
    from digigov.core.testing import make_user

    make_user("dept_admin", department=city.bureau)
    make_user("citizen")
    make_user("auditor", kind=UserKind.PERSON)  # a person account holding a staff role
    make_user(None, kind=UserKind.STAFF)
    inactive = make_user(None, kind=UserKind.STAFF)
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    expected = {u.pk for u in User.objects.filter(is_active=True) if uses_staff_login(u)}
    assert set(staff_login_accounts().values_list("pk", flat=True)) == expected and len(expected) >= 3
