"""The one way a licence file leaves the platform: as an attachment, never inline, with its Chinese name."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

from digigov.core.errors import NotFound

from .models import Licence

CONTENT_TYPES = {"ofd": "application/ofd", "pdf": "application/pdf"}


def file_response(licence: Licence, fmt: str) -> HttpResponse:
    """The licence's sealed OFD or PDF as a download (404 for another format or a licence without that file)."""
    if fmt not in CONTENT_TYPES:
        raise NotFound("没有这种文件格式", code="not_found")
    body = bytes((licence.ofd if fmt == "ofd" else licence.pdf) or b"")
    if not body:
        raise NotFound("该证照没有此格式的文件", code="not_found")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = f"{licence.licence_type.name}-{licence.number}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename=\"licence-{licence.number}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
