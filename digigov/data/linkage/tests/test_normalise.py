"""Field normalisation: IDs (15→18, check digits, repair), names, sex, the seven date formats, addresses, phones."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digigov.core.accounts.ids import is_valid_resident_id, resident_id_check_char
from digigov.data.linkage import normalise as N
from digigov.data.linkage import synth

births_19xx = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31))
divisions = st.sampled_from(["210602", "210681", "110101", "650102"])
seqs = st.integers(min_value=0, max_value=999)


def make_id(division, birth, seq):
    first17 = f"{division}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


@given(divisions, births_19xx, seqs)
def test_15_digit_ids_upgrade_to_the_18_digit_original(division, birth, seq):
    id18 = make_id(division, birth, seq)
    id15 = N.downgrade_18(id18)
    assert len(id15) == 15
    assert N.upgrade_15(id15) == id18
    assert N.clean_id(id15) == (id18, id18[:17], "upgraded")


@settings(max_examples=60)
@given(divisions, births_19xx, seqs, st.data())
def test_every_single_keying_error_is_detected_and_the_original_is_a_repair_candidate(division, birth, seq, data):
    id18 = make_id(division, birth, seq)
    kind = data.draw(st.sampled_from(["substitute", "swap"]))
    if kind == "substitute":
        i = data.draw(st.integers(0, 17))
        c = data.draw(st.sampled_from([x for x in "0123456789" if x != id18[i]]))
        typo = id18[:i] + c + id18[i + 1:]
    else:
        spots = [i for i in range(17) if id18[i] != id18[i + 1]]
        i = data.draw(st.sampled_from(spots))
        typo = id18[:i] + id18[i + 1] + id18[i] + id18[i + 2:]
    assert not is_valid_resident_id(typo)
    assert N.clean_id(typo)[2] in ("bad_check", "bad_date", "bad_format")
    candidates = N.repair_candidates(typo, birth.isoformat())
    assert id18 in candidates
    assert all(is_valid_resident_id(c) and c[6:14] == f"{birth:%Y%m%d}" for c in candidates)


def test_id_cleaning_table():
    id18 = make_id("210602", dt.date(1990, 1, 2), 123)
    assert N.clean_id(id18.translate(synth.FULL_WIDTH)) == (id18, id18[:17], "valid")
    assert N.clean_id(f" {id18[:6]} {id18[6:14]}-{id18[14:]} ")[0] == id18
    assert N.clean_id("") == ("", "", "missing")
    assert N.clean_id("abc")[2] == "bad_format"
    assert N.clean_id("210602199013450010")[2] == "bad_date"
    assert N.repair_candidates(id18) == [id18]


def test_a_newborns_record_carrying_the_guardians_id_is_not_its_own():
    mother = make_id("210602", dt.date(1992, 5, 6), 22)
    n = N.normalise_row({"name": "李小宝", "id_number": mother, "birth_date": "2026-08-01", "guardian_id_number": mother})
    assert n["id_number"] == "" and n["id17"] == "" and n["id_status"] == "other_person"
    assert n["guardian_id"] == mother and n["id_candidates"] == ()


@pytest.mark.parametrize("raw", ["1990-01-02", "1990/1/2", "19900102", "1990年1月2日", "1990.01.02",
                                 "1990-01-02 00:00:00", "32875", "１９９０－０１－０２"])
def test_the_seven_date_formats(raw):
    assert N.clean_date(raw) == "1990-01-02"


@pytest.mark.parametrize("raw", ["", "明天", "1990-02-30", "0", "99999999", None])
def test_unusable_dates_give_nothing(raw):
    assert N.clean_date(raw) == ""


@pytest.mark.parametrize("raw,sex", [("男", "M"), ("女", "F"), ("1", "M"), ("2", "F"), ("M", "M"), ("f", "F"),
                                     ("男性", "M"), (" 女 ", "F"), ("未知", ""), ("", "")])
def test_sex_codes(raw, sex):
    assert N.clean_sex(raw) == sex


@pytest.mark.parametrize("raw,name", [("王 芳", "王芳"), ("王　芳", "王芳"), ("買買提•艾力", "买买提·艾力"),
                                      ("买买提・艾力", "买买提·艾力"), ("买买提.艾力", "买买提·艾力"),
                                      ("劉國強", "刘国强"), ("ＡＢ", "AB")])
def test_names(raw, name):
    assert N.clean_name(raw) == name


def test_homophones_share_pinyin():
    assert N.name_pinyin(N.clean_name("王丽")) == N.name_pinyin(N.clean_name("王莉")) == "wangli"
    assert N.name_pinyin("买买提·艾力") == N.name_pinyin("买买提艾力")


@pytest.mark.parametrize("raw", ["辽宁省示范市元宝区人民路12号2-3-502", "示范市元宝区人民路12号2栋3单元502",
                                 "元宝区人民路12号2号楼3单元502室", "元宝区人民路１２号２－３－５０２"])
def test_address_forms_agree(raw):
    assert N.clean_address(raw) == "元宝区人民路12号2号楼3单元502室"


def test_a_county_level_city_is_not_stripped_as_the_city():
    assert N.clean_address("东港市站前街1号") == "东港市站前街1号"
    assert N.clean_address("辽宁省示范市东港市站前街1号") == "东港市站前街1号"


@pytest.mark.parametrize("raw,phone", [("13800138000", "13800138000"), ("+86 13800138000", "13800138000"),
                                       ("138-0013-8000", "13800138000"), ("１３８００１３８０００", "13800138000"),
                                       ("0411-1234567", ""), ("", "")])
def test_phones(raw, phone):
    assert N.clean_phone(raw) == phone
