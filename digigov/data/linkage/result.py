"""The contract between the linkage engine and its callers (the registry builder, ``link_persons``,
the benchmark): canonical input fields and the result shape.

Input: ``dict[source_name, iterable of dict]``; each dict carries the canonical fields below as raw
strings exactly as the source delivered them (normalisation is the engine's job). ``row_id`` is
required and unique within its source; absent fields are missing keys or empty strings.

Output: ``LinkResult`` — every input row's cluster, the pairs scored in the uncertain band (for the
steward's queue), the problems met (per source, row-level, no personal data), and figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CANONICAL_FIELDS = ("row_id", "name", "id_number", "id_type", "sex", "birth_date", "ethnicity", "address", "phone")
# optional extras a source may carry; the engine uses them for the never-merge rules when present
EXTRA_FIELDS = ("guardian_id_number", "former_names", "mother_name", "father_name")

RowKey = tuple[str, str]  # (source, row_id)


@dataclass(frozen=True)
class ScoredPair:
    a: RowKey
    b: RowKey
    probability: float  # Splink match probability, 0..1


@dataclass(frozen=True)
class Problem:
    """A row or a source that could not be used as delivered (Chinese ``message``; never a value)."""

    source: str
    row_id: str | None
    code: str  # e.g. "missing_row_id", "unknown_column", "bad_encoding", "id_check_digit"
    message: str


@dataclass
class LinkResult:
    clusters: dict[RowKey, str]  # every input row that was read → cluster id (stable within a run)
    uncertain: list[ScoredPair] = field(default_factory=list)  # between the review and match thresholds
    problems: list[Problem] = field(default_factory=list)
    normalised: dict[RowKey, dict] = field(default_factory=dict)  # canonical fields after normalisation
    figures: dict = field(default_factory=dict)  # rows, pairs scored, clusters, seconds, m/u summary …

    def members(self) -> dict[str, list[RowKey]]:
        out: dict[str, list[RowKey]] = {}
        for key, cid in self.clusters.items():
            out.setdefault(cid, []).append(key)
        return out
