"""Shared list-page helper: paginate a queryset and keep the filter query string."""

from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZE = 50


def paginate(request, qs, per_page: int = PAGE_SIZE) -> dict:
    paginator = Paginator(qs, per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    return {"page_obj": page_obj, "object_list": page_obj.object_list, "querystring_base": f"{base}&" if base else ""}
