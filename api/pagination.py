"""Page-number pagination with a bounded page size, and the addresses of the neighbouring pages."""

from math import ceil

from django.db.models import Count, QuerySet, Window
from ninja.errors import HttpError

from .schemas import PageQuery


def page_of(request, queryset: QuerySet, query: PageQuery, *, one_pass: bool = False) -> tuple[dict, QuerySet]:
    """(the page's numbers and links, the page's rows of `queryset`, in its order).

    Usually the count is one query and the page a slice. With `one_pass` (a full-text search, whose matching
    is the whole cost) the page's keys and the count of all rows come from one query (`COUNT(*) OVER ()`
    beside the page), so the search is matched once, not once for the count and again for the page; the rows
    are then read by key, which with the same filters and order gives the same rows in the same order (every
    ordering here ends on a unique column). Not for a cheap filter: the window makes PostgreSQL read every
    row where `LIMIT` would stop early (1.85 times slower unfiltered, 0.75 times with a search, measured
    in one run). A page past the end, or a DISTINCT query (whose window would count duplicates), counts on
    its own.
    """
    start = (query.page - 1) * query.page_size
    keys = []
    count = None
    if one_pass and not queryset.query.distinct:
        counted = queryset.annotate(total_rows=Window(Count("pk"))).values_list("pk", "total_rows")
        page = list(counted[start : start + query.page_size])
        keys = [key for key, _ in page]
        count = page[0][1] if page else None
    if count is None:
        count = queryset.count()
    pages = max(1, ceil(count / query.page_size))
    if query.page > pages:
        raise HttpError(404, f"There is no page {query.page}: the last page is {pages}.")
    rows = queryset.filter(pk__in=keys) if keys else queryset[start : start + query.page_size]
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
