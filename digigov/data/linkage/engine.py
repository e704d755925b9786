"""The 一数一源 linkage engine: ``link(sources) -> LinkResult`` (Splink 5 on DuckDB by default).

Steps (docs/linkage.md has the why and the figures):

1. Read: every row needs a ``row_id`` unique within its source; rows without one, or repeating one, or
   that are not mappings are problems (Chinese message, never a value) and are left out; the rest link.
2. Normalise (``normalise.normalise_row``): ID upgraded 15→18 and checked, a number that is somebody
   else's (a newborn's birth record carrying the guardian's ID) moved aside, names simplified, dates,
   sex codes, addresses, phones in one form. Check-digit and date problems are reported per row.
3. Splink (dedupe of all sources as one table, so within-source duplicates are found too): blocking on
   the ID's first 17 characters, name+birth date, pinyin+birth date, phone, address+birth date,
   division+birth date and former name+birth date; comparisons on ID (exact / one keying error),
   name (exact / homophone / former name / similar pinyin), birth date, sex, address, phone; the
   prior from a deterministic ID rule, u by random sampling, m by EM in two blocked sessions.
4. Clustering at ``match_threshold`` with the never-merge rules: edges are added strongest first and an
   edge is refused when it would put two different trusted ID numbers, two birth dates or two sexes
   in one person (a mistyped ID counts as the set of its repair candidates: it may join a person whose
   number is one of them, never another) — twins (different IDs and names, same birth date, address and parents), many 王芳
   born the same day (different IDs), a child carrying the mother's ID (different birth date). The
   component is thereby split at its weakest link instead of merged. A pair whose names really differ
   (not a homophone, traditional form or former name) is linked only on agreeing ID numbers: twins share
   everything else.
5. Pairs scored between ``review_threshold`` and ``match_threshold`` that did not end up together are
   ``uncertain`` (the steward's queue).

Steward labels ``(RowKey, RowKey, is_match)`` are hard constraints: a confirmed match is linked first
(if the never-merge rules allow), a confirmed non-match is never linked, even transitively; the figures
say how many labels the model alone agreed with (a validation of the trained model).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from digigov.data.linkage import normalise
from digigov.data.linkage.result import LinkResult, Problem, RowKey, ScoredPair

NORMALISED_COLUMNS = ("name", "name_py", "former", "id_number", "id17", "id_div", "guardian_id", "sex",
                      "birth_date", "address", "phone")

_ID_PROBLEMS = {
    "bad_check": "身份证号码校验位错误，按前17位比对",
    "bad_date": "身份证号码中的出生日期无效",
    "bad_format": "身份证号码格式无法识别，未用于比对",
    "other_person": "身份证号码中的出生日期与本记录不符（疑为监护人的号码），未用作本人号码",
}


@dataclass(frozen=True)
class Settings:
    match_threshold: float = 0.95
    review_threshold: float = 0.5
    u_max_pairs: float = 3e5  # random pairs for u; each costs ~10 µs of DuckDB time here
    em_max_pairs: float = 5e5
    seed: int = 42
    backend: str = "duckdb"  # or "spark" (pyspark must be installed; see docs/linkage.md)
    spark_session: object = None
    threads: int | None = None  # DuckDB threads; None = all cores
    min_rows_to_train: int = 500


def splink_settings(term_frequencies: bool = True):
    """The Splink model (comparisons and blocking) as a SettingsCreator; the same on DuckDB and Spark.
    ``term_frequencies``: an exact match on a common name (王芳) counts for less than on a rare one; off for
    small inputs, where two 王芳 among three rows would make the name look worthless."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    id_cmp = cl.CustomComparison(
        output_column_name="id17",
        comparison_levels=[
            cll.NullLevel("id17"),
            cll.ExactMatchLevel("id17").configure(label_for_charts="身份证前17位相同"),
            cll.DamerauLevenshteinLevel("id17", 1).configure(label_for_charts="身份证相差一位或相邻两位颠倒"),
            cll.ElseLevel(),
        ],
        comparison_description="身份证号码",
    ).configure(m_probabilities=[0.98, 0.017, 0.003], u_probabilities=[0.0004, 0.00002, 0.99958])
    name_cmp = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name", term_frequency_adjustments=term_frequencies),
            cll.ExactMatchLevel("name_py").configure(label_for_charts="同音"),
            cll.CustomLevel("(name_l = former_r) OR (former_l = name_r)", label_for_charts="曾用名相同"),
            cll.JaroWinklerLevel("name_py", 0.9),
            cll.ElseLevel(),
        ],
        comparison_description="姓名",
    ).configure(m_probabilities=[0.95, 0.02, 0.005, 0.005, 0.02], u_probabilities=[0.0004, 0.00006, 0.00001, 0.0035, 0.996])
    dob_cmp = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[cll.NullLevel("birth_date"), cll.ExactMatchLevel("birth_date"),
                           cll.DamerauLevenshteinLevel("birth_date", 1), cll.ElseLevel()],
        comparison_description="出生日期",
    ).configure(m_probabilities=[0.98, 0.015, 0.005], u_probabilities=[0.0005, 0.0012, 0.9983])
    sex_cmp = cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()],
        comparison_description="性别",
    ).configure(m_probabilities=[0.995, 0.005], u_probabilities=[0.5, 0.5])
    addr_cmp = cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[cll.NullLevel("address"), cll.ExactMatchLevel("address"),
                           cll.JaroWinklerLevel("address", 0.9), cll.ElseLevel()],
        comparison_description="住址",
    ).configure(m_probabilities=[0.85, 0.05, 0.1], u_probabilities=[0.0013, 0.0018, 0.9969])
    phone_cmp = cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[cll.NullLevel("phone"), cll.ExactMatchLevel("phone"), cll.ElseLevel()],
        comparison_description="手机号码",
    ).configure(m_probabilities=[0.99, 0.01], u_probabilities=[0.0005, 0.9995])
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="uid",
        probability_two_random_records_match=1e-5,
        comparisons=[id_cmp, name_cmp, dob_cmp, sex_cmp, addr_cmp, phone_cmp],
        blocking_rules_to_generate_predictions=[
            block_on("id17"),
            block_on("name", "birth_date"),
            block_on("name_py", "birth_date"),
            block_on("phone"),
            block_on("address", "birth_date"),
            block_on("id_div", "birth_date"),
            "l.former = r.name AND l.birth_date = r.birth_date",
            "l.name = r.former AND l.birth_date = r.birth_date",
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def _read(sources: Mapping[str, Iterable], problems: list[Problem]):
    keys: list[RowKey] = []
    raws: list[dict] = []
    for source, rows in sources.items():
        seen: set[str] = set()
        for n, row in enumerate(rows, start=1):
            if not isinstance(row, Mapping):
                problems.append(Problem(source, None, "unparseable_row", f"第{n}行无法解析，已跳过"))
                continue
            rid = row.get("row_id")
            rid = str(rid).strip() if rid is not None else ""
            if not rid:
                problems.append(Problem(source, None, "missing_row_id", f"第{n}行缺少记录标识（row_id），已跳过"))
                continue
            if rid in seen:
                problems.append(Problem(source, rid, "duplicate_row_id", f"第{n}行的记录标识与前面的行重复，已跳过"))
                continue
            seen.add(rid)
            keys.append((source, rid))
            raws.append(row)
    return keys, raws


def _normalise_all(keys, raws, problems: list[Problem]) -> list[dict]:
    out = []
    for key, raw in zip(keys, raws):
        try:
            n = normalise.normalise_row(raw)
        except Exception:  # a value of a type no source should send (lists, objects …)
            problems.append(Problem(key[0], key[1], "unparseable_row", "该行的字段无法解析，按空记录处理"))
            n = normalise.normalise_row({})
        status = n["id_status"]
        if status in _ID_PROBLEMS:
            problems.append(Problem(key[0], key[1], "id_" + status, _ID_PROBLEMS[status]))
        raw_date = raw.get("birth_date")
        if isinstance(raw_date, str) and raw_date.strip() and not normalise.clean_date(raw_date):
            problems.append(Problem(key[0], key[1], "bad_date", "出生日期无法识别"))
        if not (n["name"] or n["id17"] or n["birth_date"] or n["phone"]):
            problems.append(Problem(key[0], key[1], "empty_row", "姓名、证件号码、出生日期、电话均为空，无法比对"))
        n["id_div"] = n["id17"][:6] if n["id17"] else ""
        out.append(n)
    return out


class _Clusters:
    """Union-find whose components carry one birth date and one sex at most, and the set of ID numbers
    the person can have (None: unknown; a trusted number: itself; a mistyped one: its repair candidates),
    which must stay non-empty."""

    def __init__(self, norm: list[dict]):
        self.parent = list(range(len(norm)))
        self.attrs = [(frozenset(n["id_candidates"]) or None, n["birth_date"] or None, n["sex"] or None)
                      for n in norm]
        self.cannot: dict[int, set[int]] = {}
        self.refused = 0

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        xa, xb = self.attrs[ra], self.attrs[rb]
        ids_a, ids_b = xa[0], xb[0]
        if ids_a is not None and ids_b is not None:
            ids = ids_a & ids_b
            if not ids:
                self.refused += 1
                return False
        else:
            ids = ids_a if ids_a is not None else ids_b
        merged = [ids]
        for va, vb in zip(xa[1:], xb[1:]):
            if va is not None and vb is not None and va != vb:
                self.refused += 1
                return False
            merged.append(va if va is not None else vb)
        ca, cb = self.cannot.get(ra), self.cannot.get(rb)
        if ca or cb:
            if any(self.find(x) == rb for x in (ca or ())) or any(self.find(x) == ra for x in (cb or ())):
                self.refused += 1
                return False
        self.parent[rb] = ra
        self.attrs[ra] = tuple(merged)
        if cb:
            self.cannot.setdefault(ra, set()).update(cb)
        return True


def _names_differ_without_id(x: dict, y: dict) -> bool:
    """Twins and siblings share birth date (twins), address, parents and phone; only the name and the ID tell
    them apart. So a pair whose names differ other than by a homophone, the traditional form or a former
    name is linked only when their ID numbers agree (first 17 characters)."""
    if not x["name"] or not y["name"]:
        return False
    if x["name_py"] == y["name_py"] or x["name"] == y["former"] or y["name"] == x["former"]:
        return False
    return not (x["id17"] and x["id17"] == y["id17"])


def _db_api(settings: Settings):
    if settings.backend == "spark":
        from splink import SparkAPI

        return SparkAPI(spark_session=settings.spark_session)
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect()
    if settings.threads:
        con.execute(f"SET threads = {int(settings.threads)}")
    return DuckDBAPI(connection=con)


def _score(norm: list[dict], settings: Settings, figures: dict):
    """Train and predict with Splink; (left uid, right uid, probability) arrays of pairs ≥ review threshold."""
    import pyarrow as pa
    from splink import Linker, block_on

    table = pa.table({"uid": pa.array(range(len(norm)), pa.int64()),
                      **{c: pa.array([(n[c] or None) for n in norm], pa.string()) for c in NORMALISED_COLUMNS}})
    db_api = _db_api(settings)
    if settings.backend == "spark":
        sdf = db_api.register(table.to_pandas(), table_name="persons")
    else:
        sdf = db_api.register(table, table_name="persons")
    linker = Linker(sdf, splink_settings(len(norm) >= settings.min_rows_to_train), log_level=logging.ERROR)
    t = time.perf_counter()
    figures["trained"] = _train(linker, settings, len(norm))
    figures["seconds_training"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    pred = linker.inference.predict(threshold_match_probability=settings.review_threshold, warning_mode="never")
    arrow = pred.as_pyarrow_table().select(["uid_l", "uid_r", "match_probability"])
    figures["seconds_predict"] = round(time.perf_counter() - t, 2)
    figures["m_u"] = _m_u_summary(linker)
    return (arrow.column("uid_l").to_pylist(), arrow.column("uid_r").to_pylist(),
            arrow.column("match_probability").to_pylist())


def _train(linker, settings: Settings, rows: int) -> list[str]:
    """Each step that succeeded. Below ``settings.min_rows_to_train`` rows (a handful of records teach EM
    nothing), and for any step the data cannot support (EM with no blocked pairs), the defaults in
    ``splink_settings`` stand: m/u measured on the synthetic feeds, documented in docs/linkage.md."""
    from splink import block_on
    from splink.internals.exceptions import SplinkException

    if rows < settings.min_rows_to_train:
        return []
    steps = [
        ("prior", lambda: linker.training.estimate_probability_two_random_records_match(
            [block_on("id17")], recall=0.9)),
        ("u", lambda: linker.training.estimate_u_using_random_sampling(
            max_pairs=settings.u_max_pairs, seed=settings.seed, num_chunks=1)),
        ("em_id", lambda: linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("id17"), max_pairs=settings.em_max_pairs)),
        ("em_name_dob", lambda: linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("name_py", "birth_date"), max_pairs=settings.em_max_pairs)),
    ]
    done = []
    for name, step in steps:
        try:
            step()
        except (SplinkException, ZeroDivisionError, ValueError):
            continue
        done.append(name)
    return done


def _m_u_summary(linker) -> dict:
    out = {}
    for comparison in linker._settings_obj.comparisons:
        levels = {}
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            levels[level.label_for_charts] = {"m": _r(level.m_probability), "u": _r(level.u_probability)}
        out[comparison.output_column_name] = levels
    return out


def _r(x):
    return round(float(x), 6) if isinstance(x, int | float) else None


def link(sources: Mapping[str, Iterable], *, labels: Iterable = (), settings: Settings | None = None) -> LinkResult:
    """Link the sources' rows into persons; see the module docstring."""
    settings = settings or Settings()
    started = time.perf_counter()
    problems: list[Problem] = []
    keys, raws = _read(sources, problems)
    norm = _normalise_all(keys, raws, problems)
    figures: dict = {"rows": len(keys), "sources": {s: sum(1 for k in keys if k[0] == s) for s in sources}}
    figures["seconds_normalise"] = round(time.perf_counter() - started, 2)
    index = {k: i for i, k in enumerate(keys)}

    left: list[int] = []
    right: list[int] = []
    prob: list[float] = []
    if len(keys) >= 2:
        left, right, prob = _score(norm, settings, figures)
    figures["pairs_scored"] = len(left)

    uf = _Clusters(norm)
    forced_links = []
    label_pairs: dict[tuple[int, int], bool] = {}
    for a, b, is_match in labels:
        ia, ib = index.get(tuple(a)), index.get(tuple(b))
        if ia is None or ib is None or ia == ib:
            continue
        label_pairs[(min(ia, ib), max(ia, ib))] = bool(is_match)
        if is_match:
            forced_links.append((ia, ib))
        else:
            uf.cannot.setdefault(ia, set()).add(ib)
            uf.cannot.setdefault(ib, set()).add(ia)
    for ia, ib in forced_links:
        uf.union(ia, ib)
    order = sorted(range(len(left)), key=prob.__getitem__, reverse=True)
    refused_before = uf.refused
    band = []
    for j in order:
        p = prob[j]
        if p >= settings.match_threshold:
            a, b = left[j], right[j]
            if _names_differ_without_id(norm[a], norm[b]):
                uf.refused += 1
                band.append(j)
            else:
                uf.union(a, b)
        else:
            band.append(j)
    figures["edges_refused_never_merge"] = uf.refused - refused_before
    uncertain = []
    for j in band:
        a, b = left[j], right[j]
        if uf.find(a) != uf.find(b):
            uncertain.append(ScoredPair(keys[a], keys[b], round(float(prob[j]), 6)))

    if label_pairs:
        scored = {(min(a, b), max(a, b)): p for a, b, p in zip(left, right, prob)}
        agree = sum(1 for pair, m in label_pairs.items() if (scored.get(pair, 0.0) >= settings.match_threshold) == m)
        figures["labels"] = len(label_pairs)
        figures["labels_model_agreed"] = agree

    roots: dict[int, str] = {}
    clusters: dict[RowKey, str] = {}
    for i, key in enumerate(keys):
        r = uf.find(i)
        cid = roots.get(r)
        if cid is None:
            cid = roots[r] = f"C{len(roots) + 1:08d}"
        clusters[key] = cid
    normalised = {k: {f: n[f] for f in ("name", "id_number", "sex", "birth_date", "address", "phone")}
                  for k, n in zip(keys, norm)}
    figures["clusters"] = len(roots)
    figures["uncertain"] = len(uncertain)
    figures["seconds"] = round(time.perf_counter() - started, 2)
    return LinkResult(clusters=clusters, uncertain=uncertain, problems=problems, normalised=normalised,
                      figures=figures)
