"""Each rule type on good and bad data, pushed to SQL or streamed, and the score formula."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from digigov.core.accounts.ids import resident_id_check_char, uscc_check_char, USCC_CHARSET
from digigov.core.testing import resident_id, uscc
from digigov.data.quality import actions, checks
from digigov.data.quality.checks import Outcome
from digigov.data.quality.models import QualityRule, RuleType
from digigov.data.quality.testing import make_entry, make_table

from .conftest import good_people

pytestmark = pytest.mark.django_db


def _outcome(report, rule_type, field=None):
    for o in report.outcomes:
        if o.rule.rule_type == rule_type and (field is None or (o.rule.item and o.rule.item.field_name == field)):
            return o
    raise AssertionError(f"no {rule_type} {field}")


def test_clean_data_scores_100_with_baseline_rules(people, authority):
    make_table(people, good_people(10), user=authority)
    run = actions.run_now(authority, people)
    assert run.status == "done" and run.rows_checked == 10
    assert run.score == Decimal("100.00")
    types = set(people.quality_rules.values_list("rule_type", flat=True))
    assert {"required", "format", "code_list", "unique", "timeliness"} <= types


def test_every_baseline_rule_finds_its_fault(people, authority):
    rows = good_people(10)
    rows[1]["sfzh"] = rows[1]["sfzh"][:17] + ("0" if rows[1]["sfzh"][17] != "0" else "1")  # wrong check digit
    rows[2]["xm"] = ""  # required
    rows[3]["xb"] = "7"  # not in the code list
    rows[4]["lxdh"] = "12345"  # phone
    rows[5]["sfzh"] = rows[6]["sfzh"]  # duplicate key (sealed: compared by blind index)
    make_table(people, rows, user=authority)
    actions.derive_baseline(authority, people)
    rules = list(people.quality_rules.select_related("item__code_list"))
    report = checks.check_entry(people, rules)
    fmt = _outcome(report, RuleType.FORMAT, "sfzh")
    assert (fmt.checked, fmt.failed) == (10, 1)
    assert fmt.samples[0][0] == 2 and "校验" in fmt.samples[0][2]
    assert "*" in fmt.samples[0][1] and rows[1]["sfzh"] not in fmt.samples[0][1]  # masked, never the number in clear
    req = _outcome(report, RuleType.REQUIRED, "xm")
    assert (req.checked, req.failed) == (10, 1) and req.samples[0][0] == 3
    cl = _outcome(report, RuleType.CODE_LIST, "xb")
    assert (cl.checked, cl.failed) == (10, 1) and cl.samples[0][:2] == (4, "7")
    ph = _outcome(report, RuleType.FORMAT, "lxdh")
    assert (ph.checked, ph.failed) == (10, 1) and ph.samples[0][0] == 5
    uq = _outcome(report, RuleType.UNIQUE, "sfzh")
    assert (uq.checked, uq.failed) == (10, 1)
    assert sorted(s[0] for s in uq.samples) == [6, 7] and all(s[1] == "" for s in uq.samples)


def test_range_in_sql_on_typed_columns_and_streamed_on_text(city, authority):
    for typed in (True, False):
        entry = make_entry(city.bureau, [{"name": "年龄", "field_name": "nl", "data_type": "N"},
                                         {"name": "日期", "field_name": "rq", "data_type": "D"}])
        make_table(entry, [{"nl": 5, "rq": "2026-01-01"}, {"nl": 150, "rq": "2025-01-01"}, {"nl": None, "rq": None}] +
                   ([{"nl": "abc", "rq": "not a date"}] if not typed else []), user=authority, typed=typed)
        r1 = actions.create_rule(authority, entry, item="nl", rule_type="range", params={"min": 0, "max": 120})
        r2 = actions.create_rule(authority, entry, item="rq", rule_type="range", params={"min": "2025-06-01"})
        report = checks.check_entry(entry, [r1, r2])
        age, day = report.outcomes
        assert (age.checked, age.failed) == ((2, 1) if typed else (3, 2))
        assert age.samples[0][0] == 2
        assert (day.checked, day.failed) == ((2, 1) if typed else (3, 2))
        if not typed:
            assert {s[2] for s in age.samples} == {"超出取值范围", "不是数字"}
            assert "不是有效日期" in {s[2] for s in day.samples}


def test_reference_unique_composite_consistency_regex_and_timeliness(city, authority):
    org = make_entry(city.bureau, [{"name": "统一社会信用代码", "field_name": "tyshxydm", "format": "uscc"}])
    codes = [uscc(seed=i) for i in range(3)]
    make_table(org, [{"tyshxydm": c} for c in codes], user=authority)
    lic = make_entry(city.bureau, [
        {"name": "企业代码", "field_name": "qydm"}, {"name": "证号", "field_name": "zh"},
        {"name": "开始", "field_name": "ks", "data_type": "D"}, {"name": "结束", "field_name": "js", "data_type": "D"},
        {"name": "邮箱", "field_name": "yx", "format": "email"}])
    today = timezone.localdate()
    day = lambda n: (today - dt.timedelta(days=n)).isoformat()  # noqa: E731 — dates relative to today, so the test does not age
    make_table(lic, [
        {"qydm": codes[0], "zh": "A1", "ks": day(300), "js": day(10), "yx": "a@b.cn"},
        {"qydm": codes[1], "zh": "A1", "ks": day(100), "js": day(120), "yx": "bad"},
        {"qydm": "91999999999999999X", "zh": "A2", "ks": day(300), "js": day(200), "yx": None},
        {"qydm": codes[0], "zh": "A1", "ks": day(2500), "js": day(200), "yx": "x@y.gov.cn"},
    ], user=authority)
    ref = actions.create_rule(authority, lic, item="qydm", rule_type="reference", params={"entry": org.code, "field": "tyshxydm"})
    uq = actions.create_rule(authority, lic, item="qydm", rule_type="unique", params={"with": ["zh"]})
    cons = actions.create_rule(authority, lic, item="ks", rule_type="consistency", params={"other": "js", "op": "le"})
    rx = actions.create_rule(authority, lic, item="zh", rule_type="format", params={"format": "regex", "pattern": "A[0-9]"})
    mail = actions.create_rule(authority, lic, item="yx", rule_type="format", params={"format": "email"})
    # 730 days back keeps the dates of the last year and refuses the one 2500 days old
    fresh = actions.create_rule(authority, lic, item="ks", rule_type="timeliness", params={"max_age_days": 730})
    stale = actions.create_rule(authority, lic, item="ks", rule_type="timeliness", params={"max_age_days": 1})
    report = checks.check_entry(lic, [ref, uq, cons, rx, mail, fresh, stale])
    got = {o.rule.pk: (o.checked, o.failed) for o in report.outcomes}
    assert got[ref.pk] == (4, 1)
    assert got[uq.pk] == (4, 1)  # rows 1 and 4 share (qydm, zh); one of them is the extra
    assert got[cons.pk] == (4, 1)
    assert got[rx.pk] == (4, 0)
    assert got[mail.pk] == (3, 1)
    assert got[stale.pk][1] == 4 and got[fresh.pk][1] == 1
    dataset_level = QualityRule.objects.create(entry=lic, rule_type="timeliness", created_by=authority)
    later = timezone.now() + dt.timedelta(days=40)  # monthly cycle: 32 days at most
    assert checks.check_entry(lic, [dataset_level]).outcomes[0].failed == 0  # mounted (first loaded) just now
    o = checks.check_entry(lic, [dataset_level], now=later).outcomes[0]
    assert (o.checked, o.failed) == (1, 1) and "更新周期" in o.samples[0][2]
    actions.note_load(lic, 7, 4, at=later - dt.timedelta(days=3))
    o = checks.check_entry(lic, [dataset_level], now=later).outcomes[0]
    assert (o.checked, o.failed) == (1, 0)


def test_missing_table_and_column_are_clear_not_errors(city, authority, people):
    run = actions.run_now(authority, people)
    assert run.status == "no_data" and run.score is None and "没有挂载" in run.message
    entry = make_entry(city.bureau, [{"name": "名称", "field_name": "mc", "required": True}])
    from digigov.data.catalog.models import MountedResource
    MountedResource.objects.create(entry=entry, kind="table", name="x", table_name="dr_999999", mounted_by=authority)
    run = actions.run_now(authority, entry)
    assert run.status == "no_data" and "尚未归集" in run.message
    other = make_entry(city.bureau, [{"name": "名称", "field_name": "mc"}])
    make_table(other, [{"mc": "a"}], user=authority)
    from digigov.data.catalog.models import DataItem
    DataItem.objects.create(entry=other, seq=2, name="新增项", field_name="xzx", required=True)
    report = checks.check_entry(other, [actions.create_rule(authority, other, item="xzx", rule_type="required")])
    assert report.outcomes[0].failed == 1 and "缺少列" in report.outcomes[0].error


def test_score_is_the_weighted_pass_rate():
    class R:
        def __init__(self, w):
            self.weight = w
    outcomes = [Outcome(R(2), checked=100, failed=10), Outcome(R(1), checked=50, failed=0), Outcome(R(5), checked=0, failed=0),
                Outcome(R(9), checked=10, failed=10, counted=False)]
    # (2 × 0.9 + 1 × 1.0) / 3 = 0.9333…
    assert checks.score(outcomes) == Decimal("93.33")
    assert checks.score([Outcome(R(1), checked=0)]) is None


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(body=st.text(alphabet="0123456789", min_size=17, max_size=17), wrong=st.integers(1, 10))
def test_check_digit_rule_agrees_with_the_validator(body, wrong):
    from digigov.core.validators import resident_id_error

    checker = checks.Checker.__new__(checks.Checker)
    rule = type("Rule", (), {"rule_type": RuleType.FORMAT, "params": {"format": "resident_id"}})()
    evaluate = checks.Checker._evaluator(checker, type("O", (), {"rule": rule})(), None)
    good = body + resident_id_check_char(body)
    assert (evaluate(good, None) is None) == (resident_id_error(good) is None)
    chars = "0123456789X"
    bad = body + chars[(chars.index(resident_id_check_char(body)) + wrong) % 11]
    assert evaluate(bad, None) is not None


@settings(max_examples=60, deadline=None)
@given(body=st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17), wrong=st.integers(1, 30))
def test_uscc_rule_refuses_every_wrong_check_char(body, wrong):
    checker = checks.Checker.__new__(checks.Checker)
    rule = type("Rule", (), {"rule_type": RuleType.FORMAT, "params": {"format": "uscc"}})()
    evaluate = checks.Checker._evaluator(checker, type("O", (), {"rule": rule})(), None)
    right = uscc_check_char(body)
    bad = body + USCC_CHARSET[(USCC_CHARSET.index(right) + wrong) % 31]
    assert evaluate(bad, None) is not None
