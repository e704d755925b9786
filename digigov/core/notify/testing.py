"""Reading the development outbox in tests (and by a developer): the newest message to a recipient."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def outbox_messages(outbox: str | Path | None = None) -> list[dict]:
    """Every message in the outbox, oldest first, as ``{"kind", "to", "subject", "text", "path"}``."""
    folder = Path(outbox or settings.DIGIGOV_OUTBOX_DIR)
    if not folder.exists():
        return []
    out = []
    for path in sorted(folder.glob("*.txt")):
        head, _, text = path.read_text(encoding="utf-8").partition("\n\n")
        fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        out.append({"kind": fields.get("渠道", ""), "to": fields.get("收件人", ""), "subject": fields.get("主题", ""),
                    "text": text.rstrip("\n"), "path": path})
    return out


def last_message_to(to: str, outbox: str | Path | None = None) -> dict | None:
    found = [m for m in outbox_messages(outbox) if m["to"] == to]
    return found[-1] if found else None
