"""Scoring a linkage against planted truth (the benchmark and the tests share it).

Pairwise precision/recall/F1: a pair of rows is a true positive when both are in one predicted cluster and
belong to one person. Counted from the contingency table of (cluster, person), so a million rows cost a
second, not a quadratic loop.

A *forbidden merge* is a predicted cluster holding two persons the issue says must never be merged: twins,
two people with the same name born on the same day, or a parent and child (the child's record carrying the
parent's ID). Counted once per offending pair of persons.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    forbidden_merges: int


def _c2(x: int) -> int:
    return x * (x - 1) // 2


def score(clusters: dict, truth: dict, people=None) -> Score:
    """``clusters``: RowKey → cluster id; ``truth``: RowKey → person key; ``people``: the TruthPersons (for the
    forbidden-merge count; 0 when not given)."""
    keys = [k for k in truth if k in clusters]
    both = Counter((clusters[k], truth[k]) for k in keys)
    pred = Counter(clusters[k] for k in keys)
    real = Counter(truth[k] for k in keys)
    tp = sum(_c2(v) for v in both.values())
    pp = sum(_c2(v) for v in pred.values())
    tt = sum(_c2(v) for v in real.values())
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, tt, pp, forbidden_merges(clusters, truth, people) if people else 0)


def forbidden_merges(clusters: dict, truth: dict, people) -> int:
    by_key = {p.key: p for p in people}
    persons_in: dict[str, set[str]] = defaultdict(set)
    for k, person in truth.items():
        if k in clusters:
            persons_in[clusters[k]].add(person)
    bad = 0
    for persons in persons_in.values():
        if len(persons) < 2:
            continue
        ps = sorted(persons)
        for i, a in enumerate(ps):
            pa = by_key[a]
            for b in ps[i + 1:]:
                pb = by_key[b]
                if (pa.twin_key == b or (pa.name == pb.name and pa.birth_date == pb.birth_date)
                        or b in (pa.mother_key, pa.father_key, pa.guardian_key)
                        or a in (pb.mother_key, pb.father_key, pb.guardian_key)):
                    bad += 1
    return bad
