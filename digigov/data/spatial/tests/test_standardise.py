"""The address standardiser: free-written addresses → the standard address they mean (or none)."""

import pytest

from digigov.data.spatial import standardise

pytestmark = pytest.mark.django_db

ROOM = "示范市元宝区广济街道兴东路12号3栋2单元502室"
PLATE = "示范市元宝区广济街道兴东路12号"
OTHER = "示范市振兴区永昌街道永昌路8号"


@pytest.mark.parametrize("text,expected,min_score", [
    (ROOM, ROOM, 99),
    ("辽宁省" + ROOM, ROOM, 99),                                 # with the province
    ("元宝区广济街道兴东路12号3栋2单元502室", ROOM, 95),           # without province and city
    ("兴东路12号3-2-502", ROOM, 70),                              # the 2-3-502 form
    ("兴东路１２号３－２－５０２", ROOM, 70),                        # full-width digits and hyphen
    ("兴东路 12 号 3 栋 2 单元 502 室", ROOM, 75),                  # spaces
    ("元宝区兴东路12号3号楼2单元502", ROOM, 70),                    # 号楼, no 室
    ("興東路12號3-2-502", ROOM, 70),                               # traditional characters
    ("兴冬路12号3-2-502", ROOM, 60),                               # homophone typo in the road
    ("兴东路12号", PLATE, 95),                                    # the doorplate itself
    ("兴东路12号3-2-999", PLATE, 60),                             # unknown room: falls back to the doorplate, never another room
    ("永昌路8号", OTHER, 90),
    ("振兴区永昌路8号", OTHER, 90),
])
def test_matches(geo, text, expected, min_score):
    m = standardise.match(text)
    assert m is not None, text
    assert m.address.full_text == expected
    assert m.score >= min_score, (text, m.score)


@pytest.mark.parametrize("text", ["", "   ", "兴东路", "兴东路99号", "解放路12号", "随便写写", "x" * 400, None, 123])
def test_no_match(geo, text):
    assert standardise.match(text) is None


def test_room_in_other_building_scores_below_exact(geo):
    exact = standardise.match("兴东路12号3-2-502")
    near = standardise.match("兴东路12号3-2-503")
    assert exact.address.room == "502"
    assert near is None or near.address.room == "" or near.score < exact.score


def test_parse_forms():
    p = standardise.parse("辽宁省示范市元宝区兴东路12号3-2-502", city_names=("示范市",))
    assert (p.road, p.house_number, p.building, p.unit, p.room) == ("兴东路", 12, "3", "2", "502")
    p = standardise.parse("兴东路12号3-502", city_names=())
    assert (p.building, p.unit, p.room) == ("3", "", "502")
    p = standardise.parse("广济街道兴东路12号", city_names=())
    assert p.road == "兴东路" and p.place == "广济街道"
