"""Test helpers of the window (import from tests only)."""

from __future__ import annotations

import io

from digigov.core.accounts.models import NaturalPerson
from digigov.core.testing import resident_id


def pdf_bytes(pages: int = 2) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def make_person(division, name: str = "李华", **kwargs) -> NaturalPerson:
    return NaturalPerson.objects.create(id_number=kwargs.pop("id_number", None) or resident_id(), name=name, gender="M",
                                        birth_date="1990-01-01", division=division, **kwargs)
