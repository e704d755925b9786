"""The exchange's meters and access records, written through the gateway's chain writer
(``digigov.data.gateway.accesslog``): one chain (``sharing.AccessRecord``), one key, one upsert for
``sharing.UsageDaily`` — the exchange never chains records itself. ``record_run`` appends one record and
adds one meter line inside the caller's transaction; ``verify_chain`` is the gateway's chain check."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from digigov.data.gateway.accesslog import UsageLine, append_records, verify_access_chain


def record_run(*, record: dict, kind: str, app_ref: int, consumer_id: int | None, provider_id: int, entry_id: int, resource_ref: int,
               ok: bool, rows: int, nbytes: int) -> None:
    record = dict(record, kind=kind)
    record.setdefault("at", timezone.now())
    record["at"] = record["at"].astimezone(dt.timezone.utc)
    usage = UsageLine(day=timezone.localdate(), kind=kind, app_ref=app_ref, consumer_id=consumer_id, provider_id=provider_id,
                      entry_id=entry_id, resource_ref=resource_ref, calls=1, errors=0 if ok else 1, rows=rows if ok else 0,
                      bytes=nbytes if ok else 0)
    append_records([record], [usage])


def verify_chain():
    return verify_access_chain()
