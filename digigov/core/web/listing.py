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
