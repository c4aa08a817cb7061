"""Error pages in the site's style. The 500 page renders without a request context."""

import math

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import get_template

# allauth's own limits (sign-up, e-mail, password change) count per minute: come back after one.
DEFAULT_RETRY_AFTER_SECONDS = 60


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def too_many_requests(request, exception=None, retry_after: int = DEFAULT_RETRY_AFTER_SECONDS):
    """429 with `Retry-After`, so that scripts and proxies know when to come back, and people too."""
    context = {"retry_after": retry_after, "retry_minutes": math.ceil(retry_after / 60)}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def server_error(request):
    # No context processors: the database or the session may be what failed.
    return HttpResponseServerError(get_template("500.html").render())
