"""Browser tests: Chromium driven by Playwright against pytest-django's live server.

Every test in this folder is marked `e2e`. The browser is started once per session; each test
gets a fresh context (no cookies, English Accept-Language) and page. `axe_check(page)` fails
the test on any serious or critical axe-core finding on the page as it is now.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the main thread; Django would otherwise refuse
# ORM calls from the test body (reading the outbox's user, fixtures) as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = ("serious", "critical")

E2E_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


def _launch_chromium(playwright):
    """System Chromium if there is one, else Playwright's own; the errors of both if neither starts."""
    attempts = []
    if SYSTEM_CHROMIUM.exists():
        attempts.append(("system Chromium at /usr/bin/chromium", {"executable_path": str(SYSTEM_CHROMIUM)}))
    attempts.append(("Playwright's bundled Chromium", {}))
    errors = []
    for description, extra in attempts:
        try:
            return playwright.chromium.launch(headless=True, args=CHROMIUM_ARGS, **extra)
        except PlaywrightError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            errors.append(f"{description}: {first_line}")
    reason = (
        "no Chromium could be started for the browser tests (install the distribution's chromium package, "
        "or run `playwright install chromium`): " + "; ".join(errors)
    )
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(request):
    serialized = _serialized_test_databases(request)
    with sync_playwright() as playwright:
        _carry_over_to_playwright_context(serialized)
        browser = _launch_chromium(playwright)
        yield browser
        browser.close()
        connections.close_all()


def _serialized_test_databases(request) -> dict[str, str]:
    """The contents Django serialized from each test database right after migrating it.

    While Playwright's sync API is active, its event loop counts as running in this thread, so
    Django hands out separate, "async" connection objects here (asgiref's thread-critical
    Local). They lack the serialized contents that setup_databases stored on the original
    ones, and serialized rollback would silently restore nothing. Read them before Playwright
    starts, setting the test databases up first if this session uses them at all.
    """
    if not any("django_db_setup" in item.fixturenames for item in request.session.items):
        return {}
    request.getfixturevalue("django_db_setup")
    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


def _carry_over_to_playwright_context(serialized: dict[str, str]) -> None:
    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies, English) and page, closed after the test."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def open_page(browser):
    """`open_page()`: a page in a new browser context (a second or third person), closed afterwards.

    Errors those pages log or throw are collected in `open_page.errors`.
    """
    contexts = []
    errors: list[str] = []

    def _open_page():
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                message.type == "error" and errors.append(f"{message.text} ({message.location.get('url')})")
            ),
        )
        page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
        return page

    _open_page.errors = errors
    yield _open_page
    for context in contexts:
        context.close()


@pytest.fixture
def static_responses(page):
    """(url, status) of every response under /static/ that `page` receives from now on."""
    seen: list[tuple[str, int]] = []

    def record(response):
        if "/static/" in response.url:
            seen.append((response.url, response.status))

    page.on("response", record)
    return seen


@pytest.fixture
def console_errors(page):
    """Errors the page logs (a blocked inline script or style, a failed load) or throws."""
    errors: list[str] = []

    def record(message):
        if message.type == "error":
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", record)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


@pytest.fixture
def live_server(live_server, django_db_serialized_rollback):
    """pytest-django's live server, serving current static files as production does, with the
    rows of the data migrations (countries, themes) restored for every test: the live server
    needs a transactional database, whose flush after each test would otherwise leave the next
    browser test without them."""
    _serve_static_files_like_production(live_server)
    return live_server


def _serve_static_files_like_production(server) -> None:
    """Let WhiteNoise serve /static/ from STATIC_ROOT, as in production.

    Django's live server puts a StaticFilesHandler in front of the site, which looks files up
    with the static finders under their source names; the templates ask for the hashed names of
    CompressedManifestStaticFilesStorage (bootstrap.min.4bc73c7ba870.css), so every stylesheet
    and script would be a 404. Without that handler, the request reaches WhiteNoiseMiddleware,
    which serves the collected, hashed files.
    """
    app = server.thread.httpd.get_app()
    if isinstance(app, StaticFilesHandler):
        server.thread.httpd.set_app(app.application)


_axe = Axe()


@pytest.fixture
def axe_check():
    """`axe_check(page)`: fail on any serious or critical axe-core violation on the page as it is now."""
    return check_accessibility


def check_accessibility(page, *, within: str | None = None) -> None:
    """Fail the test listing every serious or critical axe-core violation on the current page
    (or only inside the CSS selector `within`)."""
    results = _axe.run(page, context=within)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if not blocking:
        return
    lines = [f"{len(blocking)} serious/critical accessibility violation(s) on {page.url}:"]
    for violation in blocking:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            # One selector per frame; a list within it is a path through shadow roots.
            target = " >> ".join(" >>> ".join(t) if isinstance(t, list) else t for t in node["target"])
            lines.append(f"    at {target}")
            if node.get("failureSummary"):
                for summary_line in node["failureSummary"].splitlines():
                    lines.append(f"      {summary_line.strip()}")
    pytest.fail("\n".join(lines), pytrace=False)
