"""Back after a filtered list: the whole page comes back (navigation, filters, the filtered results),
never the bare fragment htmx swapped in.

Two ways back are tried. From a detail page the browser loads the list's address again; it must not
take the fragment it fetched for that address through htmx from its cache (Vary: HX-Request). Within
the list, htmx restores an earlier filter: from its snapshot, or, when that is gone (cleared, or the
history cache turned off), by asking the server with HX-History-Restore-Request, which must answer
with the whole page (creativelabs/htmx.py).
"""

import re

import pytest
from playwright.sync_api import expect

from opportunities.models import Status
from tests.opportunities.factories import OpportunityFactory

from .helpers import label

BERLIN = "Cycle lanes for Berlin schools"
FILTERED_ON_GERMANY = re.compile(r"/opportunities/\?(.*&)?country=DE(&|$)")
SHANGHAI = "Cycling campaign for Shanghai"


@pytest.fixture
def listed(lab_a, lab_b):
    OpportunityFactory(lab=lab_a, status=Status.PUBLISHED, title=BERLIN)
    OpportunityFactory(lab=lab_b, status=Status.PUBLISHED, title=SHANGHAI)


def history_restore_requests(page) -> list[str]:
    """URLs of htmx's history-restore requests the page sends from now on."""
    seen: list[str] = []
    page.on("request", lambda request: "hx-history-restore-request" in request.headers and seen.append(request.url))
    return seen


def filter_by_country(page, country: str, code: str) -> None:
    page.get_by_role("region", name="Filter").get_by_label(label("Country")).select_option(label=country)
    expect(page).to_have_url(re.compile(rf"[?&]country={code}(&|$)"))


def expect_whole_list_page(page, *, shown: str, hidden: str) -> None:
    expect(page.get_by_role("navigation", name="Main")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Opportunities")
    expect(page.get_by_role("region", name="Filter")).to_be_visible()
    results = page.locator("#results")
    expect(results).to_have_count(1)
    expect(results.get_by_role("link", name=shown)).to_be_visible()
    expect(results.get_by_role("link", name=hidden)).to_have_count(0)


def test_back_from_a_detail_page_shows_the_whole_filtered_list(live_server, page, listed, console_errors):
    page.goto(live_server.url + "/opportunities/")
    filter_by_country(page, "Germany", "DE")
    results = page.locator("#results")
    expect(results.get_by_role("link", name=SHANGHAI)).to_have_count(0)
    results.get_by_role("link", name=BERLIN).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BERLIN)

    page.go_back()
    expect(page).to_have_url(FILTERED_ON_GERMANY)
    expect_whole_list_page(page, shown=BERLIN, hidden=SHANGHAI)
    assert not console_errors, console_errors


@pytest.mark.parametrize("history_cache", ["snapshot", "cleared", "disabled"])
def test_back_within_the_list_restores_the_whole_page(live_server, page, listed, console_errors, history_cache):
    page.goto(live_server.url + "/opportunities/")
    page.wait_for_function("window.htmx !== undefined")
    if history_cache == "disabled":
        page.evaluate("htmx.config.historyCacheSize = 0")
    restores = history_restore_requests(page)
    filter_by_country(page, "Germany", "DE")
    filter_by_country(page, "China", "CN")
    expect(page.locator("#results").get_by_role("link", name=BERLIN)).to_have_count(0)
    if history_cache == "cleared":
        # The snapshots only: htmx also keeps the current path in sessionStorage, and needs it.
        page.evaluate("sessionStorage.removeItem('htmx-history-cache')")

    page.go_back()
    expect(page).to_have_url(FILTERED_ON_GERMANY)
    expect_whole_list_page(page, shown=BERLIN, hidden=SHANGHAI)
    if history_cache == "snapshot":
        assert restores == []
    else:
        # The snapshot was not there: the server was asked, and answered with the whole page.
        assert len(restores) == 1, restores
        assert FILTERED_ON_GERMANY.search(restores[0]), restores
    assert not console_errors, console_errors
