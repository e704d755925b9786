"""What the key page and ``manage.py keys status`` show: purposes, versions, uses, coverage, re-encryption."""

from __future__ import annotations

from collections import defaultdict

from digigov.core.pii import BLIND_INDEX_PURPOSE
from digigov.core.registry import key_purpose_label

from . import api, reencrypt
from .models import DataKey, KeyState, Reencryption

def purpose_label(purpose: str) -> str:
    """The purpose's registered Chinese name (``registry.register_key_purpose``), never its code."""
    return key_purpose_label(purpose)


def latest_job(purpose: str) -> Reencryption | None:
    return Reencryption.objects.filter(purpose=purpose).select_related("actor").order_by("-created_at", "-pk").first()


def purposes(*, with_coverage: bool = True) -> list[dict]:
    pending = api.pending_usage()
    groups: dict[str, list[DataKey]] = defaultdict(list)
    for row in DataKey.objects.order_by("purpose", "-version"):
        groups[row.purpose].append(row)
    out = []
    for purpose, versions in groups.items():
        for v in versions:
            v.uses = v.use_count + pending.get((purpose, v.version), 0)
        active = next((v for v in versions if v.state == KeyState.ACTIVE), None)
        cols = []
        if with_coverage:
            for model, field in reencrypt.columns(purpose):
                current, total = reencrypt.coverage(model, field, active.version if active else None)
                cols.append({"label": f"{model._meta.verbose_name}·{field.verbose_name}", "table": model._meta.db_table, "column": field.column,
                             "current": current, "total": total, "percent": round(current * 100 / total, 1) if total else 100.0})
        out.append({"purpose": purpose, "label": purpose_label(purpose), "versions": versions, "active": active,
                    "active_version": active.version if active else None, "columns": cols,
                    "rotatable": purpose != BLIND_INDEX_PURPOSE, "job": latest_job(purpose),
                    "behind": sum(c["total"] - c["current"] for c in cols)})
    return out
