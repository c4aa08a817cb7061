"""An SME saves a filtered list of opportunities with immediate alerts, receives the alert in the portal and
by e-mail when a matching one is published, and manages the search; and the company dashboard says that
its suggestions are being updated, then shows them when the recompute is done (htmx polling). axe-core
runs on every page on the way."""

import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from opportunities.models import MatchQueue, SavedSearch, Status, Suggestion
from opportunities.workflow.services import opportunity_transition
from tests.e2e.helpers import label, log_in
from tests.opportunities.factories import OpportunityFactory

TITLE = "Quiet streets around Berlin schools"


def test_a_saved_search_sends_its_alert(live_server, page, axe_check, console_errors, sme_owner, embassy_de, lab_a):
    server = live_server.url
    log_in(page, server, sme_owner, mfa=False)
    page.goto(server + "/opportunities/?country=DE")
    axe_check(page)
    page.get_by_role("link", name="Save this search and get alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save this search")
    expect(page.get_by_role("main")).to_contain_text("Country: Germany")
    axe_check(page)
    page.get_by_label(label("Name")).fill("Briefs in Germany")
    page.get_by_role("radio", name=re.compile("Immediately")).check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(server + "/searches/")
    expect(page.get_by_role("status")).to_contain_text("Your search is saved")
    expect(page.get_by_role("heading", name="Briefs in Germany")).to_be_visible()
    axe_check(page)
    assert SavedSearch.objects.get(user=sme_owner).query == "country=DE"

    submitted = OpportunityFactory(lab=lab_a, status=Status.SUBMITTED, title=TITLE)
    opportunity_transition(opportunity=submitted, user=embassy_de, name="publish")

    alerts = [message for message in mail.outbox if message.to == [sme_owner.email]]
    assert len(alerts) == 1 and TITLE in alerts[0].body
    page.goto(server + "/notifications/")
    expect(page.get_by_role("main")).to_contain_text(f"New in your saved search “Briefs in Germany”: “{TITLE}”")
    axe_check(page)
    page.get_by_role("link", name="Saved searches").click()
    page.get_by_role("link", name=re.compile("^Open")).click()
    expect(page).to_have_url(server + "/opportunities/?country=DE")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    assert console_errors == []


def test_the_dashboard_says_suggestions_are_being_updated(
    live_server, page, axe_check, console_errors, sme_owner, company, opportunity
):
    server = live_server.url
    MatchQueue.objects.create(kind=MatchQueue.Kind.COMPANY, object_id=company.pk, dirty_since=timezone.now())
    log_in(page, server, sme_owner, mfa=False)
    page.goto(server + "/company/")
    updating = page.get_by_role("status").filter(has_text="being updated")
    expect(updating).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("When business developers post")
    axe_check(page)

    # The recompute finishes: the part refreshes itself, without reloading the page.
    Suggestion.objects.create(
        opportunity=opportunity,
        company=company,
        score=0.7,
        rank_for_company=1,
        rank_for_opportunity=1,
        parts=[],
        engine_version="test",
        computed_at=timezone.now(),
    )
    MatchQueue.objects.all().delete()
    expect(updating).to_have_count(0, timeout=10_000)
    expect(page.get_by_role("link", name=opportunity.title, exact=True)).to_be_visible()
    axe_check(page)
    assert console_errors == []
