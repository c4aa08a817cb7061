"""Search across languages in the browser: a visitor types a Dutch word in the opportunity list's search and
finds the English brief it means ("fiets" finds cycling), switches the site to Dutch, and finds a company
on the elderly-care theme in the directory by the theme's name in either language ("ouderenzorg",
"elderly"). The search is PostgreSQL's full-text search with the expanded query; axe runs on every page."""

import re

import pytest
from playwright.sync_api import expect

from companies.services import company_update
from labs.models import Theme
from tests.conftest import requires_postgres
from tests.creativelabs.test_search_expansion import _opportunity, profile
from tests.e2e.helpers import label
from tests.factories import CompanyFactory

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def listed(name: str, pitch: str, themes=()):
    company = CompanyFactory(name=name, pitch=pitch, is_listed=True)
    company_update(company=company, data=profile(company, themes=list(themes)))
    return company


def search(page, query: str) -> None:
    box = (
        page.get_by_role("main")
        .get_by_label(label("Search"))
        .or_(page.get_by_role("main").get_by_label(label("Zoeken")))
    )
    box.fill(query)
    box.press("Enter")


def test_a_dutch_word_finds_the_english_brief_and_a_theme_in_either_language(
    live_server, page, axe_check, console_errors, lab_a
):
    server = live_server.url
    _opportunity(lab_a, "Berlin school routes", "Safe cycling for pupils in Berlin.")
    _opportunity(lab_a, "Harbour museum", "An exhibition about the port.")
    listed("Zorgzaam Ontwerp", "Interiors for care homes.", [Theme.objects.get(slug="elderly-care")])
    listed("Spoke and Signal", "Design for bicycle lanes.")

    page.goto(server + "/opportunities/")
    search(page, "fiets")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Berlin school routes")).to_be_visible()
    expect(results.get_by_role("link", name="Harbour museum")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/opportunities/\?q=fiets(&|$)"))  # the search is in the address
    axe_check(page)

    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.goto(server + "/companies/")
    search(page, "ouderenzorg")
    results = page.get_by_role("main")
    expect(results.get_by_role("link", name="Zorgzaam Ontwerp")).to_be_visible()
    expect(results.get_by_role("link", name="Spoke and Signal")).to_have_count(0)
    axe_check(page)
    search(page, "elderly")
    expect(results.get_by_role("link", name="Zorgzaam Ontwerp")).to_be_visible()
    search(page, "fietsen")
    expect(results.get_by_role("link", name="Spoke and Signal")).to_be_visible()
    expect(results.get_by_role("link", name="Zorgzaam Ontwerp")).to_have_count(0)
    assert console_errors == []
