"""The self-check as the page and the API show it: every registered control, run now."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from digigov.core.registry import ASSESSMENT_CONTROLS

from .controls import NOT_MET, STATUS_LABELS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Result:
    code: str
    aspect: str
    name: str
    status: str
    status_label: str
    evidence: str
    ms: float

    @property
    def css(self) -> str:
        return {"met": "ok", "partial": "warn", "not_met": "bad"}.get(self.status, "muted")


def run_all(request=None) -> list[Result]:
    """Run every control's live check. A check that fails is reported as 不符合 with the reason: the
    self-check must not hide a broken part behind an error page."""
    out = []
    for c in sorted(ASSESSMENT_CONTROLS.values(), key=lambda c: (c.order, c.code)):
        t0 = time.perf_counter()
        try:
            f = c.check(request)
            status, evidence = f.status, f.evidence
        except Exception as exc:  # noqa: BLE001 — reported on the page, logged with its trace
            log.exception("assessment check %s failed", c.code)
            status, evidence = NOT_MET, f"检查无法完成：{type(exc).__name__}"
        out.append(Result(c.code, c.aspect, c.name, status, STATUS_LABELS.get(status, status), evidence,
                          round((time.perf_counter() - t0) * 1000, 1)))
    return out


def summary(results: list[Result]) -> dict[str, int]:
    counts = {label: 0 for label in STATUS_LABELS.values()}
    for r in results:
        counts[r.status_label] = counts.get(r.status_label, 0) + 1
    return counts
