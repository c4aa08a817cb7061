"""Which requests get an htmx fragment, and the header that tells caches so.

A page answered as a fragment to htmx and as a whole page to everyone else is two documents under one
address. A cache (the browser's own, used for Back) must keep them apart, so every such response,
fragment or whole, says `Vary: HX-Request, HX-History-Restore-Request`: the second header because
htmx's history restore sends `HX-Request` too, yet must get the whole page.
"""

from django.utils.cache import patch_vary_headers

HTMX_REQUEST_HEADERS = ("HX-Request", "HX-History-Restore-Request")


def wants_fragment(request) -> bool:
    """An htmx swap into part of the page; not a history restore, which replaces the whole body."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def vary_on_htmx(response):
    """Mark `response` as depending on the htmx request headers (whichever way it was answered)."""
    patch_vary_headers(response, HTMX_REQUEST_HEADERS)
    return response
