"""What every API answer carries: CORS for reading from any site, and conditional requests.

Every 200 gets an `ETag` made from its body (so it changes whenever anything in the answer does) and,
where the view knows it, `Last-Modified`; `If-None-Match` (first) or `If-Modified-Since` then answer
304 without the body. Answers to a visitor may be kept by shared caches for a minute; a partner's
(which depend on the key) only by the partner, revalidated each time.
"""

from functools import wraps

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

VISITOR_MAX_AGE = 60
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After"


def last_modified(response, moment) -> None:
    """Say on `response` (ninja's temporal response, or any) when its content last changed."""
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())


def api_headers(run):
    """Wraps an operation's `run` (auth, limits, the view, errors): every answer passes here."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.streaming:
            set_response_etag(response)
            keyed = getattr(getattr(request, "auth", None), "api_key", None) is not None
            if keyed:
                patch_cache_control(response, private=True, no_cache=True)
            else:
                patch_cache_control(response, public=True, max_age=VISITOR_MAX_AGE)
            changed = parse_http_date_safe(response["Last-Modified"]) if response.has_header("Last-Modified") else None
            response = get_conditional_response(
                request, etag=response["ETag"], last_modified=changed, response=response
            )
        # Any site may read the API from a browser, without credentials (no cookies, no key).
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        patch_vary_headers(response, ["Authorization", "X-Api-Key"])
        return response

    return wrapper
