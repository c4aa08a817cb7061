"""What every API answer carries: CORS for reading from any site, and conditional requests.

Every 200 gets an `ETag` made from its body (so it changes whenever anything in the answer does) and,
where the view knows it, `Last-Modified`; `If-None-Match` (first) or `If-Modified-Since` then answer
304 without the body. Answers to a visitor may be kept by shared caches for a minute; a partner's
(which depend on the key) only by the partner, revalidated each time.
"""

from functools import wraps

from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

VISITOR_MAX_AGE = 60
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After"
# What a page on another site may send: a key, and the headers of a conditional request.
ALLOWED_HEADERS = "Authorization, X-Api-Key, If-None-Match, If-Modified-Since"
PREFLIGHT_MAX_AGE = 86400


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


class CorsPreflightMiddleware:
    """Answers a browser's CORS preflight (`OPTIONS` with `Access-Control-Request-Method`) to an API address:
    204, reading allowed from any site (GET and HEAD), with the headers a key or a conditional request needs.
    A page sends one before a request with `Authorization`, `X-Api-Key` or `If-None-Match`. Anything else
    passes on (an OPTIONS that is not a preflight gets the operation's own 405)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers and _is_api(request):
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
            return response
        return self.get_response(request)


def _is_api(request) -> bool:
    try:
        return resolve(request.path_info).namespace == "api"
    except Resolver404:
        return False
