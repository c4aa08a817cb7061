"""Page-number pagination with a bounded page size, and the addresses of the neighbouring pages."""

from math import ceil

from django.db.models import QuerySet
from ninja.errors import HttpError

from .schemas import PageQuery


def page_of(request, queryset: QuerySet, query: PageQuery) -> tuple[dict, QuerySet]:
    """(the page's numbers and links, the page's slice of `queryset`): the count is one query."""
    count = queryset.count()
    pages = max(1, ceil(count / query.page_size))
    if query.page > pages:
        raise HttpError(404, f"There is no page {query.page}: the last page is {pages}.")
    start = (query.page - 1) * query.page_size
    rows = queryset[start : start + query.page_size]
    numbers = {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "pages": pages,
        "next": _page_link(request, query.page + 1) if query.page < pages else None,
        "previous": _page_link(request, query.page - 1) if query.page > 1 else None,
    }
    return numbers, rows


def _page_link(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
