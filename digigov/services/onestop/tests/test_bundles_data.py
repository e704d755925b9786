"""Data integrity of the 一件事 definitions (no database): every department and licence type named exists
in the demo city's tables, codes follow GB/T 39554.1, shared-data keys are known, the generated plan has
real names and the count the scale asks, and the combined form asks each field once."""

import pytest

from digigov.core.org.demo import CITY_BUREAUS
from digigov.services.onestop import bundles_data as data
from digigov.services.onestop.bundles import combined_document, leaves, merge_fields
from digigov.services.onestop.prefill import SOURCES as SHARED_SOURCES
from digigov.support.license.catalog import REAL_TYPES
from digigov.support.workflow.processes import DEMO_PROCESSES

BUREAUS = {f"CITY-{abbr}" for _, _, abbr, _ in CITY_BUREAUS}
LICENCE_CODES = {row[0] for row in REAL_TYPES}
ABBRS = {abbr for _, _, abbr, _ in CITY_BUREAUS}


def test_eight_bundles_with_the_required_names():
    assert [b["name"] for b in data.MODELLED] == ["新生儿出生一件事", "企业开办一件事", "退休一件事", "不动产转移登记一件事", "开办餐饮店一件事",
                                                 "身后一件事", "入学一件事", "失业一件事"]
    assert len({b["code"] for b in data.MODELLED}) == 8


def test_every_department_licence_type_and_shared_source_exists():
    for b, m in data.modelled_members():
        assert b["lead"] in BUREAUS and m["department"] in BUREAUS, (b["name"], m["name"])
        for _, _, dept in (m["process"] or {}).get("reviews", ()):
            assert dept in BUREAUS
        if m["process"] and m["process"]["licence"]:
            assert m["process"]["licence"] in LICENCE_CODES, m["name"]
        for x in m["materials"]:
            assert not x["licence"] or x["licence"] in LICENCE_CODES, x["name"]
            assert not x["shared"] or x["shared"] in SHARED_SOURCES, x["name"]
        assert bool(m["process"]) != bool(m["reuse"]), m["name"]
        if m["reuse"]:
            assert m["reuse"] in {e["key"] for e in DEMO_PROCESSES}


def test_licence_inputs_name_real_fields_of_the_type():
    from digigov.support.license.catalog import catalog

    fields = {t["code"]: {f["key"]: f for f in t["fields"]} for t in catalog()}
    for _, m in data.modelled_members():
        spec = m["process"] or {}
        if not spec.get("licence"):
            continue
        known = fields[spec["licence"]]
        extra = set(spec["inputs"]) - set(known) - {"holder_code", "holder_name", "valid_from"}
        assert not extra, (m["name"], extra)
        form_keys = {c["key"] for c in m["fields"]}
        for key, f in known.items():
            if key in ("name", "id_number", "uscc") or not f["required"]:
                continue
            value = spec["inputs"].get(key, f"${{{key}}}")
            if value.startswith("${"):
                # a required licence field comes from the member's form, or from the step before the issue
                assert value[2:-1] in form_keys or value[2:-1] in ("uscc", "established"), (m["name"], key)
            elif f["type"] == "choice":
                assert value in f["options"], (m["name"], key, value)


def test_codes_follow_gbt_39554():
    codes = [m["code"] for _, m in data.modelled_members()]
    assert len(set(codes)) == len(codes)
    for _, m in data.modelled_members():
        assert m["code"].startswith(m["basic_code"] + "210600")
        assert len(m["basic_code"]) == 10 and m["basic_code"][:2] == m["item_type"]
        assert data._check_char(m["code"][:-1]) == m["code"][-1]
        assert len(m["code"]) <= 40


def test_fees_are_stored_as_the_catalog_stores_them():
    fees = [f for _, m in data.modelled_members() for f in m["fees"]]
    assert fees and all(set(f) == {"name", "amount_cents", "basis"} and f["amount_cents"] > 0 for f in fees)


def test_implementing_code_check_character_catches_a_typo():
    code = data.implementing_code(data.basic_code("07", 32102), "CITY-PSB")
    assert code.startswith("0732102000210600PSB01")
    typo = code[:5] + ("1" if code[5] != "1" else "2") + code[6:]
    assert data._check_char(typo[:-1]) != typo[-1]


def test_generated_plan_has_real_names_and_the_scaled_count():
    assert len(data.templates()) >= 120
    assert len({t["name"] for t in data.templates()}) == len(data.templates())
    for t in data.templates():
        assert t["lead"] in ABBRS and set(t["departments"]) <= ABBRS and t["topic"] in data.TOPIC_NAMES, t["name"]
        assert t["name"].endswith("一件事") and 1 <= len(t["departments"]) <= 8
    assert data.total_for_scale(1) == 534
    assert data.total_for_scale(0.002) == 8 and data.total_for_scale(0.05) == 27
    plan = data.generated_plan(data.total_for_scale(1) - 8)
    assert len(plan) == 526
    assert len({p["code"] for p in plan}) == 526 and len({p["name"] for p in plan}) == 526
    assert not {p["code"] for p in plan} & {b["code"] for b in data.MODELLED}
    assert data.generated_plan(19) == plan[:19]  # deterministic: a smaller city is a prefix of the larger one


@pytest.mark.parametrize("spec", data.MODELLED, ids=lambda s: s["code"])
def test_combined_form_asks_each_field_once(spec):
    parts = [(m["name"], m["fields"]) for m in spec["members"]]
    ui, bindings = combined_document(parts, form_id="x", bindings=[{"applicant_name": "registries.person.name"}])
    keys = [c["key"] for c in leaves(ui["components"])]
    assert len(keys) == len(set(keys))
    assert set(keys) == {c["key"] for m in spec["members"] for c in m["fields"]}
    labels = [c["label"] for c in leaves(ui["components"])]
    if spec["audience"] == "person":
        assert labels.count("公民身份号码") == 1 and labels.count("姓名") == 1
        assert ui["components"][0]["label"] == "申请人"
    # more than one member asks some field: the combined form is shorter than the members' forms together
    assert len(keys) < sum(len(m["fields"]) for m in spec["members"])
    assert set(bindings) <= set(keys)


def test_merge_keeps_a_field_required_when_any_member_requires_it():
    a = [{"type": "textfield", "key": "x", "label": "甲", "id": "Field_x"}]
    b = [{"type": "textfield", "key": "x", "label": "甲", "id": "Field_x", "validate": {"required": True}}]
    (_, fields), = merge_fields([("一", a), ("二", b)])
    assert fields[0]["validate"]["required"] is True
    assert "validate" not in a[0]  # the member's own definition is not changed


def test_each_modelled_bundle_fans_out_to_several_departments():
    for b in data.MODELLED:
        depts = {m["department"] for m in b["members"]}
        assert len(depts) >= 3 and 4 <= len(b["members"]) <= 8, b["name"]
        assert any(not m["optional"] for m in b["members"])


def test_assign_uscc_gives_a_valid_code_and_the_same_one_on_retry():
    from types import SimpleNamespace

    from digigov.core.validators import uscc_error
    from digigov.services.onestop.components_bundles import assign_uscc

    case = SimpleNamespace(number="BJ202611270001", division_id=None, division=None)
    first = assign_uscc(None, case, {})
    assert uscc_error(first["uscc"]) is None and first["uscc"].startswith("91210600")
    assert assign_uscc(None, case, {}) == first  # a retried step assigns the same code
    other = assign_uscc(None, SimpleNamespace(number="BJ202611270002", division_id=None, division=None), {"division": "210602"})
    assert other["uscc"] != first["uscc"] and other["uscc"].startswith("91210602")
