"""What a file to sign or verify is, from its content (never its name): ``pdf``, ``ofd`` or ``None``.

Reuses the window's material sniffing (``workflow.materials.sniff``: ``%PDF-`` magic, a zip holding
``OFD.xml``), so an HTML page called ``x.pdf`` is "other", whatever the browser says."""

from __future__ import annotations

from digigov.support.workflow.materials import sniff as _sniff

_KINDS = {"application/pdf": "pdf", "application/ofd": "ofd"}


def sniff(data: bytes) -> str | None:
    return _KINDS.get(_sniff(bytes(data)) or "")
