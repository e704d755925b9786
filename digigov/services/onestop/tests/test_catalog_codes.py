"""GB/T 39554.1 codes: basic and implementing codes are built, parsed and checked; every single mistyped
character and nearly every swap of neighbours is caught by the check character (ISO/IEC 7064 MOD 37,36)."""

import pytest

from digigov.services.onestop import codes


def test_basic_code_is_type_main_sub():
    assert codes.basic_code("01", 21) == "0100021000"
    assert codes.basic_code("20", 904, 1) == "2000904001"
    assert codes.basic_code_error("0100021000") is None
    for bad, why in (("0100021", "10 位"), ("9900021000", "事项类型"), ("0100000000", "主项"), (None, "10 位"), ("01000210AB", "10 位")):
        assert why in codes.basic_code_error(bad)
    with pytest.raises(ValueError):
        codes.basic_code("99", 1)


def test_implementing_code_round_trip():
    code = codes.implementing_code("0100021000", "210600000000", "CITY-SAMR")
    assert code.startswith("0100021000210600SAMR01")
    assert codes.implementing_code_error(code) is None
    parsed = codes.parse(code)
    assert (parsed.basic, parsed.division, parsed.department, parsed.business_item, parsed.item_type) == ("0100021000", "210600", "SAMR", 1, "01")
    county = codes.implementing_code("0100021000", "210602000000", "210602-SAMR")
    assert county != code and codes.parse(county).division == "210602"


@pytest.mark.parametrize("dept, part", [("CITY-SAMR", "SAMR"), ("210602-PSB", "PSB"), ("CITY-HRSS-01", "HRSS01"), ("CITY-PSB-01-03", "PSB0103"),
                                        ("A-EDU", "EDU"), ("CITY-BDB", "BDB")])
def test_department_part(dept, part):
    assert codes.department_part(dept) == part


def test_every_single_substitution_and_nearly_every_neighbour_swap_is_detected():
    swaps = caught = 0
    for basic, dept in (("2000904001", "CITY-HRSS-01"), ("0100021000", "CITY-SAMR"), ("0700301000", "CITY-CA-03")):
        code = codes.implementing_code(basic, "210600000000", dept)
        for i, ch in enumerate(code):
            for other in codes.ALPHABET:
                if other != ch:
                    assert not codes.check_code(code[:i] + other + code[i + 1:]), (code, i, other)
        for i in range(len(code) - 1):
            if code[i] != code[i + 1]:
                swaps += 1
                caught += not codes.check_code(code[:i] + code[i + 1] + code[i] + code[i + 2:])
    assert caught / swaps > 0.9


@pytest.mark.parametrize("bad, why", [
    ("", "请填写"), ("x" * 41, "不能超过"), ("0100021000210600samr01D", "应为"), ("01000210002106SAMR01D", "应为"),
    ("9900021000210600SAMR01X", "事项类型"),
])
def test_malformed_implementing_codes_are_refused_with_a_reason(bad, why):
    assert why in codes.implementing_code_error(bad)


def test_a_wrong_check_character_is_refused():
    code = codes.implementing_code("0100021000", "210600000000", "CITY-SAMR")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert "校验码" in codes.implementing_code_error(wrong)
