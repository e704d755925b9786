import pytest

from digigov.core.testing import make_user, resident_id
from digigov.data.registries import testing as rt


@pytest.fixture
def reg(city):
    """A small registry with golden records made directly (see ``testing.sample``)."""
    return rt.sample(city)


@pytest.fixture
def authority(city):
    return make_user("data_authority")


@pytest.fixture
def authority_user(city):
    return make_user("data_authority")


@pytest.fixture
def depts(city):
    return rt.departments(city)


ALICE = resident_id("210602", "19900101", 11)
BOB = resident_id("210603", "19851212", 22)
CAROL = resident_id("210602", "20200505", 33)


@pytest.fixture
def person_feeds(city, depts, authority_user):
    """公安 (authority for name/ID/address), 人社 (insured), 民政 (marital): Alice in all three with 人社
    spelling her address differently; Bob in 公安 and 人社; a 人社 row for Carol without a valid ID."""
    u = authority_user
    psb = rt.feed_with_rows(depts["psb"], "公安局户籍人口", ["jlbs", "sfzh", "xm", "xb", "csrq", "mz", "zz"], [
        {"jlbs": "P1", "sfzh": ALICE, "xm": "张丽", "xb": "2", "csrq": "1990-01-01", "mz": "汉族", "zz": "元宝区兴东社区1号"},
        {"jlbs": "P2", "sfzh": BOB, "xm": "李强", "xb": "1", "csrq": "1985-12-12", "mz": "满族", "zz": "振兴区永昌社区2号"},
    ], user=u)
    hrss = rt.feed_with_rows(depts["hrss"], "人社局参保人员", ["jlbs", "sfzh", "xm", "csrq", "zz", "sjhm", "cbzt"], [
        {"jlbs": "H1", "sfzh": ALICE.lower(), "xm": "张丽", "zz": "元宝区兴东社区一号", "sjhm": "13800000001", "cbzt": "参保缴费"},
        {"jlbs": "H2", "sfzh": BOB, "xm": "李强 ", "zz": "振兴区永昌社区2号", "sjhm": "13800000002", "cbzt": "暂停缴费"},
        {"jlbs": "H3", "sfzh": "", "xm": "王芳", "csrq": "2020-05-05", "cbzt": "参保缴费"},
    ], user=u)
    ca = rt.feed_with_rows(depts["ca"], "民政局婚姻登记", ["jlbs", "sfzh", "xm", "hyzk", "zz"], [
        {"jlbs": "C1", "sfzh": ALICE, "xm": "张丽", "hyzk": "已婚", "zz": "元宝区兴东社区一号"},
    ], user=u)
    rt.authority("person", {"name": depts["psb"], "id_number": depts["psb"], "address": depts["psb"], "ethnicity": depts["psb"],
                            "insured": depts["hrss"], "marital": depts["ca"]})
    return {"psb": psb, "hrss": hrss, "ca": ca}


@pytest.fixture
def no_engine(monkeypatch):
    """The rule-based linker (same valid ID; same name + birth date → uncertain pair): the tests here are
    about composing, history and the queue, on inputs far too small to train the Splink engine on
    (``test_build_engine`` runs the engine on a synthetic population)."""
    from digigov.data.registries import build

    monkeypatch.setattr(build, "_engine", lambda: None)
