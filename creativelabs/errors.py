"""Error pages in the site's style. The 500 page renders without a request context."""

import logging
import math
import sys

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.http import url_has_allowed_host_and_scheme

from .statement_timeout import is_statement_timeout

logger = logging.getLogger(__name__)

# allauth's own limits (sign-up, e-mail, password change) count per minute: come back after one.
DEFAULT_RETRY_AFTER_SECONDS = 60


def wants_json(request) -> bool:
    """An address under one of `JSON_ERROR_PATH_PREFIXES` (the API's) is answered in JSON, errors too:
    a program reading it would choke on the site's HTML page."""
    return request is not None and request.path.startswith(tuple(settings.JSON_ERROR_PATH_PREFIXES))


def json_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request, exception=None):
    if wants_json(request):
        return json_error(400, "Bad request: control characters or a malformed request.")
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    if wants_json(request):
        return json_error(403, "Forbidden.")
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent without its security token (CSRF_FAILURE_VIEW): mostly one left open too long,
    or a browser that refused the cookie. The way back is the page the form was on, when the browser
    says which it was and it is ours; else the address the form went to."""
    referer = request.headers.get("Referer", "")
    ours = url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure())
    back = referer if ours else request.path
    return render(request, "403_csrf.html", {"back": back}, status=403)


def page_not_found(request, exception=None):
    if wants_json(request):
        return json_error(404, "Not found.")
    return render(request, "404.html", status=404)


def too_many_requests(request, exception=None, retry_after: int = DEFAULT_RETRY_AFTER_SECONDS):
    """429 with `Retry-After`, so that scripts and proxies know when to come back, and people too."""
    if wants_json(request):
        response = json_error(429, f"Too many requests: try again in {retry_after} seconds.")
    else:
        context = {"retry_after": retry_after, "retry_minutes": math.ceil(retry_after / 60)}
        response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def server_error(request):
    # No context processors: the database or the session may be what failed.
    if is_statement_timeout(sys.exc_info()[1]):
        return service_unavailable(request)
    if wants_json(request):
        return json_error(500, "Server error: it has been logged.")
    return HttpResponseServerError(get_template("500.html").render())


def service_unavailable(request):
    """503 for a request whose SQL statement ran over WEB_STATEMENT_TIMEOUT_MS: busy, not broken."""
    logger.warning(
        "A statement ran over the web statement timeout (%s ms): %s %s",
        settings.WEB_STATEMENT_TIMEOUT_MS,
        request.method,
        request.get_full_path(),
    )
    if wants_json(request):
        response = json_error(503, "Busy: try again in 30 seconds.")
    else:
        response = HttpResponse(get_template("503.html").render(), status=503)
    response["Retry-After"] = "30"
    return response
