"""Requests the portal refuses at the door: control characters in the address.

A NUL (or another control character) in a path segment or a query value is never meaningful to a
page, and PostgreSQL refuses NUL in any string; refused here, once, with the site's 400 page, no view
ever sees one. Form fields are Django's to check (its CharField refuses NUL with a field error).
"""

import re

from django.core.exceptions import BadRequest

# C0 controls and DEL; a query value has no business with tabs or line breaks either.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


class RefuseControlCharactersMiddleware:
    """400 for a request whose path or query string (names or values) holds a control character."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request.path) or any(
            has_control_characters(key) or any(has_control_characters(value) for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("Control characters in the address.")
        return self.get_response(request)
