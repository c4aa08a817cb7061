"""Filtered, paginated lists whose state lives in the URL, rendered whole or as an htmx partial."""

from django.core.paginator import Paginator
from django.shortcuts import render

from .htmx import vary_on_htmx, wants_fragment


def render_filtered_list(request, filterset, *, template: str, partial: str, per_page: int, **context):
    page = Paginator(filterset.qs, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update({"filter": filterset, "page": page, "items": page.object_list, "query": query.urlencode()})
    return vary_on_htmx(render(request, partial if wants_fragment(request) else template, context))
