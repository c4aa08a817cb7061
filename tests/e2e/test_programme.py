"""A visitor finds the programme in figures from the footer, reads it in English and in Dutch; axe-clean."""

import pytest
from playwright.sync_api import expect

from labs.models import Country, Theme
from opportunities.models import Status
from tests.factories import LabFactory
from tests.opportunities.factories import DealFactory, InterestFactory, IntroductionFactory, OpportunityFactory


@pytest.fixture
def figures(live_server):
    """Germany: 4 open opportunities on mobility, one introduced and won; China: 1."""
    berlin = LabFactory(country=Country.objects.get(code="DE"))
    mobility = Theme.objects.get(slug="mobility")
    for _ in range(4):
        opportunity = OpportunityFactory(lab=berlin, status=Status.PUBLISHED)
        opportunity.themes.add(mobility)
    DealFactory(introduction=IntroductionFactory(interest=InterestFactory(opportunity=opportunity), outcome="won"))
    OpportunityFactory(lab=LabFactory(country=Country.objects.get(code="CN"), city="Shanghai"), status=Status.PUBLISHED)


def test_a_visitor_reads_the_programme_in_figures_in_english_and_dutch(
    live_server, page, axe_check, figures, console_errors
):
    page.goto(live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="The programme in figures").click()
    expect(page).to_have_url(live_server.url + "/programme/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The programme in figures")

    countries = page.get_by_role("table", name="Opportunities per country")
    expect(countries.get_by_role("row", name="Germany 4 4")).to_be_visible()
    expect(countries.get_by_role("row", name="China fewer than 3 fewer than 3")).to_be_visible()
    expect(countries.get_by_role("columnheader", name="Open for interest now")).to_be_visible()
    expect(countries.get_by_role("rowheader", name="All countries")).to_be_visible()
    themes = page.get_by_role("table", name="Opportunities per theme")
    expect(themes.get_by_role("row", name="Mobility 4 4")).to_be_visible()
    years = page.get_by_role("table", name="Introductions and deals won per year")
    expect(years.get_by_role("rowheader", name="All years")).to_be_visible()
    expect(page.get_by_role("heading", name="How we count")).to_be_visible()
    axe_check(page)

    # The country's own page is one link away.
    countries.get_by_role("link", name="Germany").click()
    expect(page).to_have_url(live_server.url + "/countries/de/")
    page.go_back()

    page.get_by_role("contentinfo").get_by_role("form", name="Language").get_by_role(
        "button", name="Nederlands"
    ).click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_url(live_server.url + "/programme/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Het programma in cijfers")
    countries = page.get_by_role("table", name="Kansen per land")
    expect(countries.get_by_role("row", name="Duitsland 4 4")).to_be_visible()
    expect(countries.get_by_role("row", name="China minder dan 3 minder dan 3")).to_be_visible()
    expect(page.get_by_role("table", name="Kansen per thema").get_by_role("row", name="Mobiliteit 4 4")).to_be_visible()
    axe_check(page)
    assert console_errors == []
