"""The linkage engine on synthetic feeds with planted truth: accuracy, never-merge rules, problems, labels."""

import pytest

from digigov.core.accounts.ids import resident_id_check_char
from digigov.data.linkage import engine, evaluate, synth


@pytest.fixture(scope="module")
def linked():
    people = synth.make_population(1500, seed=11)
    feeds = synth.feeds_from_people(people, seed=11)
    result = engine.link(synth.strip_truth(feeds))
    return people, feeds, result


def test_f1_and_no_forbidden_merges_on_noisy_feeds(linked):
    people, feeds, result = linked
    truth = synth.truth_of(feeds)
    assert set(result.clusters) == set(truth)  # one cluster per input row, none lost
    s = evaluate.score(result.clusters, truth, people)
    assert s.f1 >= 0.97, s
    assert s.forbidden_merges == 0
    # the never-merge rules did real work: Splink alone scored some of those pairs above the threshold
    assert result.figures["edges_refused_never_merge"] > 0
    assert result.figures["m_u"]["id17"]


def test_the_hard_cases_stay_apart(linked):
    people, feeds, result = linked
    by_truth = {}
    for (source, rid), person in synth.truth_of(feeds).items():
        by_truth.setdefault(person, set()).add(result.clusters[(source, rid)])
    by_key = {p.key: p for p in people}
    twins = [p for p in people if p.twin_key and p.key in by_truth and p.twin_key in by_truth]
    assert twins
    for p in twins:
        assert not by_truth[p.key] & by_truth[p.twin_key]
    # a newborn's birth record carrying the guardian's ID is not merged into the guardian
    carried = [r for r in feeds["weijian"] if r["id_number"] and r["id_number"] == r["guardian_id_number"]
               and by_key[r["_truth"]].id_number != r["id_number"]]
    assert carried
    for r in carried:
        guardian = by_key[r["_truth"]].guardian_key
        assert result.clusters[("weijian", r["row_id"])] not in by_truth.get(guardian, set())
    assert all("身份证" in p.message for p in result.problems if p.code.startswith("id_"))


def test_bad_rows_are_reported_and_good_rows_still_link():
    first17 = "21060219900101002"
    good = {"row_id": "a1", "name": "王芳", "id_number": first17 + resident_id_check_char(first17), "sex": "女", "birth_date": "1990-01-01"}
    same = {"row_id": "b1", "name": "王 芳", "id_number": good["id_number"].translate(synth.FULL_WIDTH), "sex": "2",
            "birth_date": "1990年1月1日"}
    sources = {"a": [good, {"name": "无标识"}, "不是一行", {**good}], "b": [same, {"row_id": "b2", "birth_date": "明天"}]}
    result = engine.link(sources)
    codes = {(p.source, p.code) for p in result.problems}
    assert {("a", "missing_row_id"), ("a", "unparseable_row"), ("a", "duplicate_row_id"), ("b", "bad_date")} <= codes
    assert result.clusters[("a", "a1")] == result.clusters[("b", "b1")]
    assert set(result.clusters) == {("a", "a1"), ("b", "b1"), ("b", "b2")}
    assert all("王" not in p.message and "2106" not in p.message for p in result.problems)


def test_steward_labels_are_hard_constraints():
    rows = [{"row_id": str(i), "name": "张伟", "id_number": "", "sex": "男", "birth_date": "1985-03-12",
             "address": "元宝区人民路1号2-3-502", "phone": "13800000001"} for i in range(3)]
    plain = engine.link({"s": rows})
    assert len(set(plain.clusters.values())) == 1
    split = engine.link({"s": rows}, labels=[(("s", "0"), ("s", "2"), False)])
    assert split.clusters[("s", "0")] != split.clusters[("s", "2")]
    assert split.figures["labels"] == 1 and split.figures["labels_model_agreed"] == 0
