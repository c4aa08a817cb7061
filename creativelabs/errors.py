"""Error pages in the site's style. The 500 page renders without a request context."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import get_template


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def too_many_requests(request, exception=None):
    return render(request, "429.html", status=429)


def server_error(request):
    # No context processors: the database or the session may be what failed.
    return HttpResponseServerError(get_template("500.html").render())
