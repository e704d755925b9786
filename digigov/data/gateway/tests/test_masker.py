"""``grading.policy.subscription_masker``: core items never leave, personal items masked unless approved in clear."""

from types import SimpleNamespace as Item

from digigov.data.grading.policy import subscription_masker

ENTRY = Item(level=1)
ITEMS = [
    Item(field_name="xm", name="姓名", format="", level=1, personal=1),
    Item(field_name="sfzh", name="公民身份号码", format="resident_id", level=1, personal=2),
    Item(field_name="sjhm", name="手机号码", format="phone", level=1, personal=1),
    Item(field_name="sqmc", name="所属社区", format="", level=1, personal=0),
    Item(field_name="hcxs", name="核查线索", format="", level=3, personal=0),
]
ROW = {"xm": "欧阳娜娜", "sfzh": "210602199001011234", "sjhm": "13812345678", "sqmc": "兴东社区", "hcxs": "线索"}


def test_masked_by_classification_unless_clear():
    m = subscription_masker(ENTRY, ITEMS, ["xm", "sfzh", "sjhm", "sqmc", "hcxs"], clear_fields=["sjhm"])
    assert m(ROW) == {"xm": "欧阳**", "sfzh": "210602********1234", "sjhm": "13812345678", "sqmc": "兴东社区"}
    assert [i.field_name for i in m.columns] == ["xm", "sfzh", "sjhm", "sqmc"]
    assert m.masked == ["xm", "sfzh"] and m.clear_personal == ["sjhm"]


def test_core_entry_shows_nothing_and_order_follows_the_request():
    assert subscription_masker(Item(level=3), ITEMS, ["sqmc", "xm"]).columns == []
    m = subscription_masker(ENTRY, ITEMS, ["sqmc", "xm"], clear_fields=["xm"])
    assert list(m(ROW)) == ["sqmc", "xm"] and m(ROW)["xm"] == "欧阳娜娜"
    assert m({"sqmc": None, "xm": None}) == {"sqmc": "", "xm": ""}
