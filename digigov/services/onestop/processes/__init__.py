"""The BPMN processes of the 一件事 member items (one per member; ``bundles_data.MODELLED`` describes
them, ``authoring.py`` wrote the files). Two members reuse the platform's own demo processes
(``bundles_data.REUSED_PROCESSES``), which the workflow demo imports."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def read(key: str) -> bytes:
    return (HERE / f"{key}.bpmn").read_bytes()


def department_codes() -> list[str]:
    """Every department code the member processes and items name (for tests and the demo's checks)."""
    from ..bundles_data import MODELLED

    codes = set()
    for b in MODELLED:
        codes.add(b["lead"])
        for m in b["members"]:
            codes.add(m["department"])
            for _, _, dept in (m["process"] or {}).get("reviews", ()):
                codes.add(dept)
    return sorted(codes)
