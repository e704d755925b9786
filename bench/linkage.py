"""Benchmark: 一数一源 person linkage on N synthetic records against an exact-ID-match baseline.

    .venv/bin/python bench/linkage.py [--records 20000] [--seed 1] [--threads 2]

1. Generates persons with planted truth (``digigov.data.linkage.synth``: families, twins, many 王芳 born on
   the same day, minority names, newborns) and about N rows of four departments' feeds (公安 户籍, 人社 参保,
   民政 婚姻/低保, 卫健 出生/健康档案) with the noise of issue 9.
2. Baseline, in the same run: rows with the same ID number as delivered (trimmed) are one person, rows
   without an ID are alone — what a join on the ID column gives.
3. The engine (``digigov.data.linkage.engine.link``: normalisation, Splink on DuckDB with trained m/u,
   clustering with the never-merge rules).
4. Prints for both: pairwise precision, recall, F1, forbidden merges (twins, same name and birthday, parent
   and child in one cluster) and seconds; then the ratios engine / baseline. Goal at N = 1,000,000:
   F1 ≥ 0.99, 0 forbidden merges, ≤ 600 s on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import ROOT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000, help="feed rows across the four sources (default 20,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all cores)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from digigov.data.linkage import engine, evaluate, synth

    t = time.perf_counter()
    people = synth.make_population(max(10, int(args.records / 2.4)), args.seed)
    feeds = synth.feeds_from_people(people, args.seed)
    truth = synth.truth_of(feeds)
    plain = synth.strip_truth(feeds)
    print(f"生成 {len(people):,} 人、{len(truth):,} 条记录（{', '.join(f'{s} {len(r):,}' for s, r in feeds.items())}）"
          f"：{time.perf_counter() - t:.1f} 秒")

    t = time.perf_counter()
    baseline: dict = {}
    for source, rows in plain.items():
        for r in rows:
            idn = (r.get("id_number") or "").strip()
            baseline[(source, r["row_id"])] = f"ID:{idn}" if idn else f"ROW:{source}:{r['row_id']}"
    base_s = time.perf_counter() - t
    base = evaluate.score(baseline, truth, people)

    t = time.perf_counter()
    result = engine.link(plain, settings=engine.Settings(threads=args.threads))
    link_s = time.perf_counter() - t
    got = evaluate.score(result.clusters, truth, people)

    print(f"{'':12}{'precision':>10}{'recall':>10}{'F1':>10}{'forbidden':>10}{'seconds':>10}")
    for label, s, sec in (("exact-ID", base, base_s), ("engine", got, link_s)):
        print(f"{label:12}{s.precision:10.4f}{s.recall:10.4f}{s.f1:10.4f}{s.forbidden_merges:10d}{sec:10.1f}")
    print(f"ratio engine/exact-ID: F1 {got.f1 / base.f1:.3f}, recall {got.recall / base.recall:.3f}, "
          f"precision {got.precision / base.precision:.3f}")
    f = result.figures
    print(f"engine: normalise {f['seconds_normalise']} s, training {f.get('seconds_training')} s, "
          f"predict {f.get('seconds_predict')} s, pairs scored {f['pairs_scored']:,}, "
          f"edges refused by never-merge rules {f['edges_refused_never_merge']:,}, uncertain {f['uncertain']:,}, "
          f"problems {len(result.problems):,}, trained {f.get('trained')}")
    ok = got.f1 >= 0.99 and got.forbidden_merges == 0
    print("goal (F1 ≥ 0.99, no forbidden merge):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
