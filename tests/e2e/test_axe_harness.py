"""The accessibility check itself: it must flag a known-bad page and pass a known-good one,
also under a Content-Security-Policy as strict as the portal's (script-src 'self')."""

import pytest

BAD_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Bad</title></head>
<body><main><h1>Bad</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt"></main></body></html>"""

GOOD_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Good</title></head>
<body><main><h1>Good</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A dot"></main></body></html>"""

STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'"


def test_axe_check_reports_an_image_without_alt_text(page, axe_check):
    page.set_content(BAD_PAGE)
    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page)
    message = str(failure.value)
    assert "[critical] image-alt" in message
    assert "at #no-alt" in message


def test_axe_check_passes_a_clean_page(page, axe_check):
    page.set_content(GOOD_PAGE)
    axe_check(page)


def test_axe_check_runs_under_a_strict_content_security_policy(page, axe_check):
    """axe-core is injected with page.evaluate, which the page's CSP does not block."""
    page.route(
        "http://csp.test/*",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": STRICT_CSP},
            body=BAD_PAGE,
        ),
    )
    page.goto("http://csp.test/")
    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page)
    assert "image-alt" in str(failure.value)
