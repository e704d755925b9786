"""Shared list-page helper: paginate a queryset and keep the filter query string.

Registries of millions of rows (people, legal persons, the audit log) page without counting:
``COUNT(*)`` over 2.2 million people costs most of a second per page view, so those pages fetch one
row more than they show to know whether a next page exists, and name no total.
"""

from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZE = 50
MAX_UNCOUNTED_PAGE = 10_000  # deep OFFSETs get slow; people search instead of paging that far


class UncountedPage:
    paginator = None

    def __init__(self, rows: list, number: int, has_next: bool):
        self.number = number
        self.object_list = rows
        self.has_next_page = has_next and number < MAX_UNCOUNTED_PAGE

    def has_next(self) -> bool:
        return self.has_next_page

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def fetch_page(qs, number: int, per_page: int) -> tuple[list, bool]:
    """Rows of page ``number`` (1-based) and whether another page follows, without counting: one row
    more than the page holds is fetched. The page arithmetic of both the list pages and the API."""
    start = (number - 1) * per_page
    rows = list(qs[start : start + per_page + 1])
    return rows[:per_page], len(rows) > per_page


def _page_number(raw) -> int:
    try:
        return min(max(1, int(raw)), MAX_UNCOUNTED_PAGE)
    except (TypeError, ValueError):
        return 1


def paginate(request, qs, per_page: int = PAGE_SIZE, *, count: bool = True) -> dict:
    if count:
        page_obj = Paginator(qs, per_page).get_page(request.GET.get("page"))
    else:
        number = _page_number(request.GET.get("page"))
        rows, has_next = fetch_page(qs, number, per_page)
        page_obj = UncountedPage(rows, number, has_next)
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    return {"page_obj": page_obj, "object_list": page_obj.object_list, "querystring_base": f"{base}&" if base else ""}


# --- keyset paging by id ---------------------------------------------------------------------------------
# Lists that grow without bound (messages, orders, ratings, licences, registry rows) page by "rows after the
# last id shown" instead of OFFSET: the cost of page 1,000 is the cost of page 1, and a row inserted while
# the reader pages neither repeats nor vanishes. Pages read the cursor leniently (a mangled link shows the
# first page); the API refuses it with 422 so a client learns its bug.

MAX_ID = 2**62


def lenient_id(raw) -> int | None:
    """A page's ``after`` parameter: a positive id, or ``None`` (first page) for anything else."""
    try:
        value = int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return value if value is not None and 0 < value <= MAX_ID else None


def strict_id(raw, field: str = "after") -> int | None:
    """An API cursor: ``None`` when absent, else a decimal id; 422 ``bad_cursor`` for anything else."""
    from digigov.core.errors import ValidationFailed

    if raw in (None, ""):
        return None
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise ValidationFailed("分页游标无效，请从第一页重新查询", code="bad_cursor", detail={"field": field})
    return int(raw)


def id_keyset(qs, after: int | None, size: int, *, desc: bool = True) -> tuple[list, int | None]:
    """One page of ``qs`` ordered by id (newest first unless ``desc=False``) after the id ``after``:
    ``(rows, next cursor or None on the last page)``; one query, one row more than the page to know."""
    if after is not None:
        qs = qs.filter(pk__lt=after) if desc else qs.filter(pk__gt=after)
    rows = list(qs.order_by("-pk" if desc else "pk")[: size + 1])
    return rows[:size], (rows[size - 1].pk if len(rows) > size else None)


def request_keyset(request, qs, size: int, *, param: str = "after") -> tuple[list, int | None, int | None]:
    """``id_keyset`` for a list page, newest first, the cursor read from the query string:
    ``(rows, next cursor, this page's cursor)`` — the last one tells the template whether to offer 首页."""
    after = lenient_id(request.GET.get(param))
    rows, next_cursor = id_keyset(qs, after, size)
    return rows, next_cursor, after
