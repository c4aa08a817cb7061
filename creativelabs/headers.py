"""Response headers about caching: what a logged-in person sees is kept by no cache.

A page rendered for one logged-in person (their dashboard, a brief with its fee terms, a deal) must
not be stored by a shared cache, nor by the browser once they log out and someone else sits down:
`Cache-Control: private, no-store`. A view that chose its own Cache-Control keeps it (uploaded files
are `private, max-age=3600` on purpose, creativelabs/files.py; the health page says never cache).
Static files never get here: WhiteNoise answers them before this middleware runs.
"""

from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control

# For downloads of personal data (the privacy export, the deals CSV): say it on the view itself,
# so the export stays unstored whatever the middleware order or the login state.
never_store = cache_control(private=True, no_store=True)


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every response to a logged-in user without one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
