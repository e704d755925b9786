"""Check digits of resident ID numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015)."""

import datetime as dt

import pytest
from hypothesis import assume, given, strategies as st

from digigov.core.accounts import ids

DIGITS = "0123456789"


def iso7064_mod11_2_ok(value: str) -> bool:
    """Independent check of ISO 7064 MOD 11-2: Σ aᵢ·2^(18-i) over all 18 characters ≡ 1 (mod 11), X = 10."""
    total = sum((10 if c == "X" else int(c)) * pow(2, 17 - i, 11) for i, c in enumerate(value))
    return total % 11 == 1


def gb32100_ok(value: str) -> bool:
    """Independent check of GB 32100 MOD 31: Σ cᵢ·3^(i-1) over 17 chars + check ≡ 0 (mod 31)."""
    values = [ids.USCC_CHARSET.index(c) for c in value]
    return (sum(v * pow(3, i, 31) for i, v in enumerate(values[:17])) + values[17]) % 31 == 0


birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today())
regions = st.text(DIGITS, min_size=6, max_size=6)
sequences = st.text(DIGITS, min_size=3, max_size=3)


@st.composite
def resident_ids(draw):
    first17 = draw(regions) + draw(birth_dates).strftime("%Y%m%d") + draw(sequences)
    return first17 + ids.resident_id_check_char(first17)


@st.composite
def usccs(draw):
    body = (draw(st.sampled_from("159Y")) + draw(st.sampled_from("123459"))
            + draw(regions) + draw(st.text(ids.USCC_CHARSET, min_size=9, max_size=9)))
    return body + ids.uscc_check_char(body)


# --- resident identity numbers ------------------------------------------------------------------
@pytest.mark.parametrize("value", ["11010519491231002X", "11010519491231002x", " 11010519491231002X "])
def test_published_resident_id_is_valid(value):
    assert ids.is_valid_resident_id(value)
    assert ids.resident_id_error(value) is None


def test_published_example_check_char():
    assert ids.resident_id_check_char("11010519491231002") == "X"


@given(st.text(DIGITS, min_size=17, max_size=17))
def test_check_char_satisfies_iso7064_for_any_17_digits(first17):
    check = ids.resident_id_check_char(first17)
    assert check in "0123456789X"
    assert iso7064_mod11_2_ok(first17 + check)


@given(resident_ids())
def test_17_digits_with_valid_birth_date_and_computed_check_char_validate(value):
    assert ids.resident_id_error(value) is None


@given(resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_changing_any_single_character_invalidates_the_id(value, pos, new_char):
    assume(value[pos] != new_char)
    changed = value[:pos] + new_char + value[pos + 1:]
    assert ids.resident_id_error(changed) is not None
    assert not iso7064_mod11_2_ok(changed)


@pytest.mark.parametrize("value, reason", [
    ("110105194912310021", "校验位"),   # published example with the wrong check digit
    ("11010519491231002", "18位"),
    ("1101051949123100200", "18位"),
    ("11010519491231002Y", "数字"),
    ("1101051949123A002X", "数字"),
    ("", "18位"),
])
def test_invalid_resident_ids(value, reason):
    error = ids.resident_id_error(value)
    assert error is not None and reason in error


def test_non_string_resident_id():
    assert ids.resident_id_error(110105194912310020) == "身份证号码必须是字符串"


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900001", "19900100", "20230229"])
def test_impossible_birth_dates_are_rejected(birth):
    first17 = "110105" + birth + "002"
    value = first17 + ids.resident_id_check_char(first17)  # check digit right, date wrong
    assert ids.resident_id_error(value) == "身份证号码中的出生日期无效"


@pytest.mark.parametrize("birth", ["18991231", (dt.date.today() + dt.timedelta(days=1)).strftime("%Y%m%d")])
def test_out_of_range_birth_dates_are_rejected(birth):
    first17 = "110105" + birth + "002"
    value = first17 + ids.resident_id_check_char(first17)
    assert ids.resident_id_error(value) == "身份证号码中的出生日期超出合理范围"


def test_leap_day_is_a_valid_birth_date():
    first17 = "11010520000229" + "003"
    assert ids.is_valid_resident_id(first17 + ids.resident_id_check_char(first17))


@pytest.mark.parametrize("bad", ["1234", "1101051949123100", "abcdefghijklmnopq"])
def test_check_char_refuses_malformed_input(bad):
    with pytest.raises(ValueError):
        ids.resident_id_check_char(bad)


# --- unified social credit codes -----------------------------------------------------------------
def test_published_uscc_is_valid():
    assert ids.uscc_error("91350100M000100Y43") is None
    assert ids.uscc_check_char("91350100M000100Y4") == "3"
    assert ids.is_valid_uscc("91350100m000100y43")  # case-insensitive input


@given(usccs())
def test_computed_uscc_check_char_validates(value):
    assert ids.uscc_error(value) is None
    assert gb32100_ok(value)


@given(usccs(), st.integers(0, 17), st.sampled_from(ids.USCC_CHARSET))
def test_changing_any_single_character_invalidates_the_uscc(value, pos, new_char):
    assume(value[pos] != new_char)
    changed = value[:pos] + new_char + value[pos + 1:]
    assert ids.uscc_error(changed) is not None


@pytest.mark.parametrize("letter", "IOZSV")
def test_uscc_illegal_letters_are_rejected(letter):
    value = "91350100M000100Y43"
    changed = value[:10] + letter + value[11:]
    assert ids.uscc_error(changed) == "统一社会信用代码含有非法字符（不使用 I、O、Z、S、V）"
    with pytest.raises(ValueError):
        ids.uscc_check_char(changed[:17])


@pytest.mark.parametrize("value, reason", [
    ("91350100M000100Y44", "校验位"),
    ("91350100M000100Y4", "18位"),
    ("91A50100M000100Y43", "行政区划码"),  # positions 3-8 must be the division code
    ("91350100M000100Y4-", "非法字符"),
])
def test_invalid_usccs(value, reason):
    error = ids.uscc_error(value)
    assert error is not None and reason in error


# --- masking -------------------------------------------------------------------------------------
def test_mask_resident_id_keeps_four_and_four():
    assert ids.mask_resident_id("210204199001011234") == "2102**********1234"
    assert ids.mask_resident_id("11010519491231002X") == "1101**********002X"
    assert ids.mask_resident_id("") == ""
    assert ids.mask_resident_id("1234") == "****"


@given(resident_ids())
def test_masked_id_never_shows_the_birth_date(value):
    masked = ids.mask_resident_id(value)
    assert len(masked) == 18
    assert masked[4:14] == "*" * 10
    assert value[6:14] not in masked


def test_mask_phone_and_text():
    assert ids.mask_phone("13812345678") == "138****5678"
    assert ids.mask_phone("12345") == "*****"
    assert ids.mask_phone("") == ""
    assert ids.mask_text("辽宁省示范市元宝区广济街道兴东社区1号") == "辽宁省示范市********"
    assert ids.mask_text("") == ""
