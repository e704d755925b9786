"""The synthetic population and feeds: valid, planted cases present, deterministic."""

from collections import Counter

from digigov.core.accounts.ids import is_valid_resident_id
from digigov.data.linkage import synth


def test_population_is_valid_and_plants_the_hard_cases():
    people = synth.make_population(4000, seed=3)
    assert len(people) == 4000
    assert len({p.id_number for p in people}) == 4000
    assert all(is_valid_resident_id(p.id_number) for p in people)
    assert all((p.id_number[16] in "13579") == (p.sex == "M") for p in people)
    by_key = {p.key: p for p in people}
    twins = [p for p in people if p.twin_key]
    assert twins
    for t in twins:
        other = by_key[t.twin_key]
        assert (other.birth_date, other.address, other.mother_key) == (t.birth_date, t.address, t.mother_key)
    same_day = Counter((p.name, p.birth_date) for p in people if p.common_name)
    assert max(same_day.values()) >= 3
    assert any("·" in p.name for p in people)
    assert any(p.is_newborn and p.guardian_key for p in people)
    assert any(p.former_names for p in people)
    assert any(p.former_address for p in people)


def test_feeds_carry_the_noise_and_are_deterministic():
    people = synth.make_population(3000, seed=5)
    feeds = synth.feeds_from_people(people, seed=5)
    assert set(feeds) == {"gongan", "renshe", "minzheng", "weijian"}
    assert feeds == synth.feeds_from_people(people, seed=5)
    rows = [r for rs in feeds.values() for r in rs]
    assert all(isinstance(v, str) for r in rows for v in r.values())
    ids = [r["id_number"] for r in rows]
    assert any(len(i) == 15 for i in ids)
    assert any(i == "" for i in ids)
    assert any("１" in i or "２" in i for i in ids)
    assert any(len(i) == 18 and i.isdigit() and not is_valid_resident_id(i) for i in ids)
    by_key = {p.key: p for p in people}
    assert any(r["id_number"] and r["id_number"] == r["guardian_id_number"]
               and by_key[r["_truth"]].id_number != r["id_number"] for r in feeds["weijian"])
    assert {"男", "女", "1", "2", "M", "F"} <= {r["sex"] for r in rows}
    dates = {r["birth_date"] for r in rows}
    assert any("年" in d for d in dates) and any(d.isdigit() and len(d) == 5 for d in dates)
    assert any("-" in a and "单元" not in a for a in (r["address"] for r in rows))
    assert any(d in r["name"] for r in rows for d in "•・.")
    dup = Counter((s, r["_truth"]) for s, rs in feeds.items() for r in rs)
    assert max(dup.values()) >= 2
    assert len({(s, r["row_id"]) for s, rs in feeds.items() for r in rs}) == len(rows)
