"""One rule for identifiers and names (digigov.core.validators), at every door: actions, forms, the API,
model clean(), search boxes. Full-width renderings of an identifier are the same identifier; digits of
other scripts and invisible characters are refused with a 422 and nothing written."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings, strategies as st

from digigov.core.pii import blind
from digigov.core import validators
from digigov.core.accounts import actions
from digigov.core.accounts.models import LegalPerson, NaturalPerson, User
from digigov.core.audit.models import AuditEntry
from digigov.core.context import acting_as
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org import actions as org_actions
from digigov.core.org.models import Department, Division, DivisionLevel
from digigov.core.testing import make_user, resident_id, uscc

ID = resident_id("210602", "19900101", seq=123)
FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}
OTHER_DIGITS = {  # no compatibility mapping to ASCII: refused, never guessed
    "arabic-indic": 0x0660, "extended arabic-indic": 0x06F0, "devanagari": 0x0966, "bengali": 0x09E6, "thai": 0x0E50,
}
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
             "\u2066", "\u2067", "\u2068", "\u2069", "\u0000", "\u0007", "\u001b", "\u2028", "\u2029"]
HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def full_width_renderings(draw, value):
    """Any mix of ASCII and full-width characters, lower/upper case, with spaces of either width between."""
    out = []
    for c in value:
        c = draw(st.sampled_from([c, c.lower()])) if c.isalpha() else c
        out.append(draw(st.sampled_from([c, FULL_WIDTH[c]])))
        out.append(draw(st.sampled_from(["", "", "", " ", "\u3000"])))
    rendering = "".join(out)
    # at least one character differs from the stored form
    return rendering if rendering != value else FULL_WIDTH[value[0]] + value[1:]


def foreign_digits(value, draw_positions, base):
    digits = [i for i, c in enumerate(value) if c.isdigit()]
    chars = list(value)
    for i in draw_positions(digits):
        chars[i] = chr(base + int(value[i]))
    return "".join(chars)


# --- the normaliser itself ------------------------------------------------------------------------------
@given(full_width_renderings(ID))
def test_any_full_width_rendering_normalises_to_the_ascii_id(rendering):
    assert validators.clean_resident_id(rendering) == ID


@given(st.sampled_from(sorted(OTHER_DIGITS.values())), st.data())
def test_digits_of_other_scripts_are_refused(base, data):
    bad = foreign_digits(ID, lambda ds: data.draw(st.lists(st.sampled_from(ds), min_size=1, unique=True)), base)
    with pytest.raises(ValidationFailed) as exc:
        validators.clean_resident_id(bad)
    assert exc.value.code == "invalid_resident_id" and exc.value.message == "身份证号码只能由半角数字和字母X组成"


def test_the_stored_form_check_refuses_foreign_digits():
    """Python's \\d, isdigit() and int() all accept Arabic-Indic digits, so the check-digit rules passed them."""
    from digigov.core.accounts import ids

    arabic = "".join(chr(0x0660 + int(c)) for c in ID[:17]) + ID[17]
    assert arabic[:17].isdigit() and int(arabic[:17]) == int(ID[:17])
    assert ids.resident_id_error(arabic) == "身份证号码前17位必须为数字，最后一位为数字或X"
    assert ids.uscc_error("91" + "".join(chr(0x0660 + int(c)) for c in "210602") + "0" * 10) is not None


@given(st.text(alphabet=st.sampled_from(INVISIBLE + [" ", "\u3000", "\t", "\n"]), max_size=12))
def test_names_made_only_of_invisible_characters_are_refused(value):
    with pytest.raises(ValidationFailed) as exc:
        validators.clean_name(value, "name", "姓名", 32)
    assert exc.value.code == "invalid_name" and exc.value.detail == {"field": "name"}


@given(st.sampled_from(INVISIBLE), st.integers(min_value=0, max_value=2))
def test_an_invisible_character_anywhere_in_a_name_is_refused(char, at):
    name = "张三丰"
    with pytest.raises(ValidationFailed, match="不可见"):
        validators.clean_name(name[:at] + char + name[at:], "name", "姓名", 32)


@pytest.mark.parametrize("name, expected", [
    ("  张三  ", "张三"), ("阿依古丽·买买提", "阿依古丽·买买提"), ("示范市（大连）科技有限公司", "示范市（大连）科技有限公司"),
    ("Zhang\u3000San", "Zhang San"), ("e\u0301", "\u00e9"),
])
def test_real_names_are_kept_as_typed_apart_from_spaces_and_composition(name, expected):
    assert validators.clean_name(name, "name", "姓名", 32) == expected


@pytest.mark.parametrize("name", ["123", "---", "()"])
def test_a_name_needs_at_least_one_letter(name):
    with pytest.raises(ValidationFailed, match="至少包含一个文字"):
        validators.clean_name(name, "name", "姓名", 32)


@pytest.mark.parametrize("value, expected", [("１３９１２３４５６７８", "13912345678"), ("139 1234 5678", "13912345678"), ("", "")])
def test_phone_numbers_are_normalised(value, expected):
    assert validators.clean_phone(value) == expected


@pytest.mark.parametrize("value", ["١٣٩١٢٣٤٥٦٧٨", "1391234567８x", "13912345678\u200b"])
def test_phone_numbers_in_other_digits_are_refused(value):
    with pytest.raises(ValidationFailed) as exc:
        validators.clean_phone(value)
    assert exc.value.code == "invalid_phone"


def test_search_box_reads_a_full_width_id():
    assert validators.search_identifier("２１０６０２ " + ID[6:]) == ID
    assert validators.search_identifier("张三") is None
    assert validators.search_identifier("".join(chr(0x0660 + int(c)) for c in ID[:17]) + "X") is None


# --- registration: one person, one row ----------------------------------------------------------------
@pytest.fixture
def clerk(city):
    return make_user("window_clerk", division=city.county_a)


def _register(clerk, city, id_number, **kw):
    with acting_as(clerk):
        return actions.register_person(clerk, id_number=id_number, name=kw.pop("name", "张三"), division=city.village_a, **kw)


@HYPOTHESIS
@given(rendering=full_width_renderings(ID))
def test_a_full_width_id_is_the_already_registered_person(clerk, city, rendering):
    if not NaturalPerson.objects.filter(blind(NaturalPerson, "id_number", ID)).exists():
        _register(clerk, city, ID)
    before = AuditEntry.objects.count()
    with pytest.raises(Conflict) as exc:
        _register(clerk, city, rendering)
    assert "已登记" in exc.value.message
    assert NaturalPerson.objects.count() == 1 and AuditEntry.objects.count() == before


def test_a_full_width_id_registers_as_ascii(clerk, city):
    person = _register(clerk, city, "".join(FULL_WIDTH[c] for c in ID), phone="１３９１２３４５６７８")
    assert (person.id_number, person.phone) == (ID, "13912345678")
    assert NaturalPerson.objects.get().id_number == ID


@HYPOTHESIS
@given(base=st.sampled_from(sorted(OTHER_DIGITS.values())), data=st.data())
def test_an_id_in_other_digits_is_refused_and_nothing_written(clerk, city, base, data):
    bad = foreign_digits(ID, lambda ds: data.draw(st.lists(st.sampled_from(ds), min_size=1, unique=True)), base)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _register(clerk, city, bad)
    assert exc.value.status == 422 and exc.value.detail == {"field": "id_number"}
    assert not NaturalPerson.objects.exists() and AuditEntry.objects.count() == before


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200c\u200d", "\ufeff", "\u202e\u202d", "\u2066\u2069", " \u200b "])
def test_an_invisible_name_is_refused_and_nothing_written(clerk, city, name):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _register(clerk, city, ID, name=name)
    assert exc.value.code == "invalid_name" and exc.value.detail == {"field": "name"}
    assert not NaturalPerson.objects.exists() and AuditEntry.objects.count() == before


def test_a_full_width_credit_code_is_the_already_registered_legal_person(clerk, city):
    code = uscc("210602", seed=7)
    with acting_as(clerk):
        actions.register_legal_person(clerk, uscc=code, name="示范科技有限公司", division=city.village_a)
        with pytest.raises(Conflict, match="已登记"):
            actions.register_legal_person(clerk, uscc=" ".join(FULL_WIDTH[c] for c in code.lower()), name="示范科技有限公司",
                                          division=city.village_a)
        with pytest.raises(ValidationFailed, match="不可见"):
            actions.register_legal_person(clerk, uscc=uscc("210602", seed=8), name="\u202e司公限有", division=city.village_a)
    assert LegalPerson.objects.count() == 1


def test_account_display_names_and_usernames(city):
    admin = make_user("city_admin")
    with acting_as(admin):
        with pytest.raises(ValidationFailed) as exc:
            actions.create_user(admin, username="ghost", password=None, display_name="\u200b\u200b")
        assert exc.value.detail == {"field": "display_name"}
        with pytest.raises(ValidationFailed):
            actions.create_user(admin, username="gh\u200bost", password=None, display_name="幽灵")
        user = actions.create_user(admin, username="ｗａｎｇ", password=None, display_name=" 王五 ")
    assert (user.username, user.display_name) == ("wang", "王五")
    assert not User.objects.filter(display_name__contains="\u200b").exists()


def test_model_clean_applies_the_same_rule(city):
    person = NaturalPerson(id_number=ID, name="\u200d", gender="M", birth_date="1990-01-01", division=city.village_a)
    with pytest.raises(ValidationError) as exc:
        person.full_clean()
    assert "name" in exc.value.message_dict
    arabic = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in ID)
    with pytest.raises(ValidationError) as exc:
        NaturalPerson(id_number=arabic, name="张三", gender="M", birth_date="1990-01-01", division=city.village_a).full_clean()
    assert "id_number" in exc.value.message_dict


# --- organisation: division codes and names --------------------------------------------------------------
def test_division_codes_normalise_and_refuse_other_digits(city):
    admin = make_user("city_admin")
    with acting_as(admin):
        town = org_actions.create_division(admin, code="２１０６０２００２０００", name="新街道", level=DivisionLevel.TOWN, parent=city.county_a)
        assert town.code == "210602002000"
        with pytest.raises(Conflict):
            org_actions.create_division(admin, code="２１０６０２００２０００", name="新街道", level=DivisionLevel.TOWN, parent=city.county_a)
        arabic = "".join(chr(0x0660 + int(c)) for c in "210602003000")
        with pytest.raises(ValidationFailed) as exc:
            org_actions.create_division(admin, code=arabic, name="另一街道", level=DivisionLevel.TOWN, parent=city.county_a)
        assert exc.value.code == "invalid_division_code"
        with pytest.raises(ValidationFailed) as exc:
            org_actions.create_division(admin, code="210602004000", name="\u200b", level=DivisionLevel.TOWN, parent=city.county_a)
        assert exc.value.code == "invalid_name"
    assert not Division.objects.filter(code__in=["210602003000", "210602004000"]).exists()


def test_department_and_post_names_refuse_invisible_characters(city):
    admin = make_user("city_admin")
    with acting_as(admin):
        with pytest.raises(ValidationFailed):
            org_actions.create_department(admin, code="X-1", name="\u2067\u2069", kind="second", division=city.city, parent=city.bureau)
        with pytest.raises(ValidationFailed):
            org_actions.create_department(admin, code="X-2", name="数据科", short_name="\u200b", kind="second", division=city.city,
                                          parent=city.bureau)
        with pytest.raises(ValidationFailed) as exc:
            org_actions.update_department(admin, city.bureau, name="\ufeff")
        assert exc.value.code == "invalid_department" and "name" in exc.value.detail
        with pytest.raises(ValidationFailed):
            org_actions.create_post(admin, department=city.bureau, name="\u200c")
    assert not Department.objects.filter(code__startswith="X-").exists()


# --- the doors: form, search box, API --------------------------------------------------------------------
def test_registration_form_and_search_box_read_full_width_ids(client, clerk, city):
    client.force_login(clerk)
    form = {"id_number": "".join(FULL_WIDTH[c] for c in ID), "name": "张三", "division": "２１０６０２００１００１", "phone": "", "address": ""}
    assert client.post("/workbench/people/new/", form).status_code == 302
    assert NaturalPerson.objects.get().id_number == ID
    for changed, message in (({"id_number": ID[:6] + " " + ID[6:]}, "已登记"),
                             ({"id_number": "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in ID)}, "半角"),
                             ({"name": "\u200b\u200b"}, "不可见")):
        r = client.post("/workbench/people/new/", {**form, **changed})
        assert r.status_code == 302 and r["Location"] == "/workbench/people/new/"  # POST/redirect/GET keeps the errors
        assert message in client.get("/workbench/people/new/").content.decode()
    assert NaturalPerson.objects.count() == 1
    r = client.get("/workbench/people/", {"q": "".join(FULL_WIDTH[c] for c in ID)})
    assert r.status_code == 200 and "张三" in r.content.decode()


def test_api_treats_a_full_width_id_as_the_same_person(clerk, city):
    client = Client()
    client.force_login(clerk)

    def post(payload):
        return client.post("/api/v1/accounts/persons", data=json.dumps(payload), content_type="application/json")

    payload = {"id_number": ID, "name": "张三", "division_code": "２１０６０２００１００１"}
    assert post(payload).status_code == 201
    r = post({**payload, "id_number": "".join(FULL_WIDTH[c] for c in ID)})
    assert r.status_code == 409 and r.json()["code"] == "person_exists"
    r = post({**payload, "id_number": "".join(chr(0x06F0 + int(c)) if c.isdigit() else c for c in ID)})
    assert r.status_code == 422 and r.json()["code"] == "invalid_resident_id"
    r = post({**payload, "id_number": resident_id("210602", "19900101", seq=124), "name": "\u202e"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_name"
    assert NaturalPerson.objects.count() == 1
