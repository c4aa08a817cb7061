"""Requests the portal refuses at the door: control characters in the address or in a form.

A NUL (or another control character) in a path segment, a query value or a form field is never
meaningful to a page, and PostgreSQL refuses NUL in any string, so one that
reached a query or a row was a 500. Refused here, once, with the site's 400 page: no view, form or
service ever sees one. In a form's values tabs and line breaks are text (a textarea sends them);
in the address and in names they are not. (Uploaded files' names Django strips of unprintable
characters itself.)
"""

import re

from django.core.exceptions import BadRequest

# C0 controls and DEL; a query value has no business with tabs or line breaks either.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# What no typed or pasted text holds: the same, less tab, line feed and carriage return.
CONTROL_CHARACTERS_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def _refused_in_address(request) -> bool:
    return has_control_characters(request.path) or any(
        has_control_characters(key) or any(has_control_characters(value) for value in values)
        for key, values in request.GET.lists()
    )


def _refused_in_form(request) -> bool:
    # request.POST is what CsrfViewMiddleware reads next anyway; a body it cannot parse raises
    # Django's own 400 here. Bodies that are not forms (JSON, none) give an empty QueryDict.
    if request.method != "POST":
        return False
    return any(
        has_control_characters(key) or any(CONTROL_CHARACTERS_IN_TEXT.search(value) for value in values)
        for key, values in request.POST.lists()
    )


class RefuseControlCharactersMiddleware:
    """400 for a request with a control character in its path, its query string (names or values)
    or its form fields (names, or values beyond tabs and line breaks)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _refused_in_address(request):
            raise BadRequest("Control characters in the address.")
        if _refused_in_form(request):
            raise BadRequest("Control characters in a form.")
        return self.get_response(request)
