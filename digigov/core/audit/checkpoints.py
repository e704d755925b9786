"""Signed checkpoints of the audit chain head, kept outside the database.

The keyed chain stops a database administrator from editing a row and recomputing the hashes, but
not from cutting off the newest rows and rewinding ``ChainHead`` to the last one kept: what remains
is a valid chain. A checkpoint is a line ``seq hash time mac`` appended to a file the database does
not hold (and optionally to a mirror on another disk or host); ``mac`` is HMAC-SM3 under a key derived
from the audit key, so a line cannot be forged either. Verification then requires every checkpointed
entry to exist with the checkpointed hash: a truncation is caught once a checkpoint covers the cut rows.

By default every committed transaction that wrote audit entries appends one line naming its last entry
(``DIGIGOV_AUDIT_CHECKPOINT_EVERY`` = 1; N > 1 checkpoints only every N-th entry, for very write-heavy
sites), and a periodic task (``tasks.checkpoint_audit_head``) appends one every ten minutes, so a cut-off
tail is caught however short it is. A line is a single ``O_APPEND`` write; the periodic one is also
fsynced (per-commit lines rely on the page cache: a crash of the machine can lose the last few, the
periodic line then covers them). Concurrent writers may interleave lines out of order, which
verification tolerates.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from digigov.core.crypto import constant_time_equals, hmac_sm3_hex

from .keys import checkpoint_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str


@dataclass(frozen=True)
class BadLine:
    path: str
    line_no: int
    seq: int | None  # the seq the line claims, when it can be read
    reason: str


def paths() -> list[Path]:
    out = [Path(settings.DIGIGOV_AUDIT_CHECKPOINT_FILE)]
    if settings.DIGIGOV_AUDIT_CHECKPOINT_MIRROR:
        out.append(Path(settings.DIGIGOV_AUDIT_CHECKPOINT_MIRROR))
    return out


def _body(seq: int, hash_: str, at: str) -> str:
    return f"{seq} {hash_} {at}"


def sign(seq: int, hash_: str, at: str) -> str:
    return hmac_sm3_hex(checkpoint_key(), _body(seq, hash_, at).encode())


def line_for(seq: int, hash_: str, at: str | None = None) -> str:
    at = at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return f"{_body(seq, hash_, at)} {sign(seq, hash_, at)}\n"


def write(seq: int, hash_: str, *, sync: bool = True) -> None:
    """Append one signed line to each checkpoint file. Failures are logged, never raised: the entry
    is already committed, and the next checkpoint covers it."""
    line = line_for(seq, hash_).encode()
    for path in paths():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
                if sync:
                    os.fsync(fd)
            finally:
                os.close(fd)
        except OSError:
            log.exception("audit checkpoint seq=%s could not be written to %s", seq, path)


def after_commit(seq: int, hash_: str) -> None:
    """Called by ``record`` for every entry. Once the transaction commits, one line names its last entry
    (with ``DIGIGOV_AUDIT_CHECKPOINT_EVERY`` = N > 1: only every N-th entry is checkpointed)."""
    every = settings.DIGIGOV_AUDIT_CHECKPOINT_EVERY
    if every > 1:
        if seq % every == 0:
            transaction.on_commit(lambda: write(seq, hash_, sync=False))
        return
    connection = transaction.get_connection()
    connection._digigov_checkpoint = (seq, hash_)  # the newest entry of this transaction

    def flush():
        if getattr(connection, "_digigov_checkpoint", None) == (seq, hash_):  # only the transaction's last entry
            connection._digigov_checkpoint = None
            write(seq, hash_, sync=False)

    transaction.on_commit(flush)


def read() -> tuple[list[Checkpoint], list[BadLine]]:
    """Every line of every checkpoint file, checked: good checkpoints and lines that fail their MAC."""
    good: dict[tuple[int, str], Checkpoint] = {}
    bad: list[BadLine] = []
    for path in paths():
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue
        for no, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            parts = raw.split(" ")
            seq = int(parts[0]) if parts and parts[0].isdigit() else None
            if len(parts) != 4 or seq is None:
                bad.append(BadLine(str(path), no, seq, "检查点格式错误"))
                continue
            _, hash_, at, mac = parts
            if not constant_time_equals(mac, sign(seq, hash_, at)):
                bad.append(BadLine(str(path), no, seq, "检查点签名无效（伪造或被改动）"))
                continue
            good[(seq, hash_)] = Checkpoint(seq, hash_, at)
    return sorted(good.values(), key=lambda c: c.seq), bad


def last_seq() -> int:
    """The highest seq any valid checkpoint covers (0 if none)."""
    good, _ = read()
    return good[-1].seq if good else 0
