"""``/catalog.jsonld``, ``/catalog.ttl`` and ``/catalog`` (content negotiation on ``Accept``: Turtle,
JSON-LD or RDF/XML; JSON-LD when the client states no preference). ``?page=N&page_size=M`` page the catalog."""

from __future__ import annotations

from django.http import HttpResponse

from digigov.core.web.decorators import public

from . import dcat

FORMATS = {
    "jsonld": ("json-ld", "application/ld+json; charset=utf-8"),
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "xml": ("xml", "application/rdf+xml; charset=utf-8"),
}
ACCEPT = [("text/turtle", "ttl"), ("application/x-turtle", "ttl"), ("application/ld+json", "jsonld"),
          ("application/json", "jsonld"), ("application/rdf+xml", "xml")]


def _int(request, name, default, high):
    value = request.GET.get(name, "")
    if value == "":
        return default
    if not value.isdigit() or len(value) > 7 or not 1 <= int(value) <= high:
        raise ValueError(name)
    return int(value)


def _render(request, fmt: str) -> HttpResponse:
    try:
        page = _int(request, "page", 1, 10_000_000)
        size = _int(request, "page_size", dcat.PAGE_SIZE, dcat.MAX_PAGE_SIZE)
        graph = dcat.build(request.build_absolute_uri("/").rstrip("/"), page=page, page_size=size)
    except ValueError:
        return HttpResponse("页码或每页条数无效（页码从 1 起，每页最多 1000 条）", status=400, content_type="text/plain; charset=utf-8")
    rdf_format, content_type = FORMATS[fmt]
    kwargs = {"auto_compact": True} if fmt == "jsonld" else {}
    response = HttpResponse(graph.serialize(format=rdf_format, **kwargs), content_type=content_type)
    response["Vary"] = "Accept"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def negotiate(accept: str) -> str | None:
    best, best_q = None, 0.0
    for part in (accept or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        for known, fmt in ACCEPT:
            if media == known and q > best_q:
                best, best_q = fmt, q
        if media in ("*/*", "application/*", "") and q > best_q and best is None:
            best, best_q = "jsonld", q * 0.5
    return best


@public
def catalog_jsonld(request):
    return _render(request, "jsonld")


@public
def catalog_ttl(request):
    return _render(request, "ttl")


@public
def catalog(request):
    accept = request.headers.get("Accept", "")
    fmt = negotiate(accept) if accept else "jsonld"
    if fmt is None:
        return HttpResponse("不支持的格式：可用 text/turtle、application/ld+json、application/rdf+xml", status=406,
                            content_type="text/plain; charset=utf-8")
    return _render(request, fmt)
