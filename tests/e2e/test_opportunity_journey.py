"""An opportunity from draft to discovery, in three browsers at once.

A business developer (with MFA) creates an opportunity and submits it; embassy staff sends it
back with a reason; the developer fixes and resubmits; staff publishes; an SME finds it by
filter and by search. axe-core is run on every distinct page on the way.

Each person logs in once, in their own browser context, through the real login and two-factor
pages: allauth refuses a TOTP code the same user has already used within its period.
"""

import datetime
import re

from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from labs.models import Theme
from opportunities.models import Opportunity, Status
from tests.e2e.helpers import label, log_in, open_menu

TITLE = "Safer cycling routes to Berlin schools"
SUMMARY = "Design a way-finding system that lets children cycle to school on their own."
BRIEF = "The district wants signs, road markings and a campaign that parents trust."
CLIENT = "Bezirksamt Mitte"
REASON = "Please add the expected start."
# On SQLite the search is a contains-search, on PostgreSQL full text with stemming: the exact
# word as it stands in the title is found by both.
SEARCH_WORD = "cycling"


def status_badge(page):
    """The status shown next to an unpublished opportunity's title."""
    return page.get_by_role("main").locator(".opportunity-status")


def published(lab, *, title: str, city: str, theme) -> Opportunity:
    """Another published opportunity, for the filters and the search to leave out."""
    opportunity = Opportunity.objects.create(
        lab=lab,
        country=lab.country,
        city=city,
        title=title,
        summary="Another demand.",
        brief="Another brief.",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        fee_percentage=5,
        status=Status.PUBLISHED,
        published_at=timezone.now(),
    )
    opportunity.themes.add(theme)
    return opportunity


def test_opportunity_from_draft_through_review_to_an_sme(
    live_server, page, open_page, axe_check, console_errors, developer_a, embassy_de, sme_owner, lab_a, lab_b
):
    server = live_server.url
    mobility = Theme.objects.get(slug="mobility")
    # Two more published ones: the filter on Germany leaves out Shanghai; the search leaves out
    # the bus depot, which is in Germany and about mobility too.
    published(lab_b, title="Cycling campaign for Shanghai", city="Shanghai", theme=mobility)
    bus_depot = published(lab_a, title="An electric bus depot for Hamburg", city="Hamburg", theme=mobility)
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    expected_start = deadline + datetime.timedelta(days=30)
    with translation.override("en"):
        expected_fee = floatformat(lab_a.default_fee_percentage, "-2")
        expected_start_shown = date_format(expected_start)

    # --- The business developer logs in with a second factor and opens their Lab. -----------
    developer = page
    log_in(developer, server, developer_a, mfa=True, axe_check=axe_check)
    developer.get_by_role("navigation", name="Main").get_by_role("link", name="My Lab").click()
    expect(developer.get_by_role("heading", level=1)).to_have_text("Workspace: Creative Lab Berlin")
    axe_check(developer)

    # A new opportunity, filled in by its labels; the fee comes from the Lab.
    developer.get_by_role("link", name="New opportunity").click()
    expect(developer.get_by_role("heading", level=1)).to_have_text("New opportunity")
    axe_check(developer)
    developer.get_by_label(label("Title")).fill(TITLE)
    developer.get_by_label(label("Summary")).fill(SUMMARY)
    developer.get_by_label(label("Full brief")).fill(BRIEF)
    developer.get_by_label(label("Local client")).fill(CLIENT)
    developer.get_by_label(label("City")).fill("Berlin")
    developer.get_by_role("group", name=label("Themes")).get_by_label("Mobility").check()
    developer.get_by_role("group", name=label("Required disciplines")).get_by_label("Service design").check()
    developer.get_by_label(label("Budget")).select_option(label="25,000 – 100,000")
    developer.get_by_label(label("Currency")).select_option("EUR")
    developer.get_by_label(label("Deadline for expressions of interest")).fill(deadline.isoformat())
    languages = developer.get_by_role("group", name=label("Working languages"))
    languages.get_by_label("English").check()
    languages.get_by_label("German").check()
    fee = developer.get_by_label(label("Fee percentage"))
    assert float(fee.input_value()) == float(lab_a.default_fee_percentage)
    developer.get_by_role("button", name="Save").click()

    # Saved as a draft; submitted for review.
    expect(developer.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(developer.get_by_role("status")).to_contain_text("Saved as a draft")
    expect(status_badge(developer)).to_have_text("Draft")
    axe_check(developer)
    opportunity_url = developer.url
    developer.get_by_role("button", name="Submit for review").click()
    expect(status_badge(developer)).to_have_text("Submitted for review")
    expect(developer.get_by_role("status")).to_contain_text("Submitted for review.")

    # --- Embassy staff of Germany find it in their review queue and send it back. -----------
    staff = open_page()
    log_in(staff, server, embassy_de, mfa=True)
    open_menu(staff, "For staff")
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Review queue")
    axe_check(staff)
    staff.get_by_role("table").get_by_role("link", name=TITLE).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(status_badge(staff)).to_have_text("Submitted for review")
    axe_check(staff)
    send_back = staff.locator("form").filter(has=staff.get_by_role("button", name="Send back"))
    send_back.get_by_label("Reason").fill(REASON)
    send_back.get_by_role("button", name="Send back").click()
    expect(staff.get_by_role("status")).to_contain_text("Sent back to the author")
    # Sent back, it is a draft again, which staff may not see: they must not land on it.
    expect(
        staff.get_by_role("heading", level=1),
        "after Send back, the reviewer is redirected to the opportunity they may no longer see",
    ).not_to_have_text("Page not found")

    # The queue is empty again.
    open_menu(staff, "For staff")
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    expect(staff.get_by_role("table")).to_contain_text("Nothing to review.")

    # --- The developer reads the reason, adds the expected start and resubmits. -------------
    notifications_link = developer.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Notifications")
    )
    developer.reload()
    expect(notifications_link).to_contain_text("1 unread")
    notifications_link.click()
    expect(developer.get_by_role("heading", level=1)).to_have_text("Notifications")
    axe_check(developer)
    notification = developer.get_by_role("main").get_by_role("link", name=f"“{TITLE}” was sent back: {REASON}")
    notification.click()
    expect(developer).to_have_url(opportunity_url)
    expect(status_badge(developer)).to_have_text("Draft")
    expect(developer.get_by_role("region", name="History")).to_contain_text(re.compile(f"Sent back by .*: “{REASON}”"))

    developer.get_by_role("link", name="Edit").click()
    expect(developer.get_by_role("heading", level=1)).to_have_text(f"Edit “{TITLE}”")
    axe_check(developer)
    developer.get_by_label(label("Expected start")).fill(expected_start.isoformat())
    developer.get_by_role("button", name="Save").click()
    expect(developer.get_by_role("status")).to_contain_text("Your changes have been saved.")
    expect(developer.get_by_role("complementary")).to_contain_text(f"Expected start{expected_start_shown}")
    developer.get_by_role("button", name="Submit for review").click()
    expect(status_badge(developer)).to_have_text("Submitted for review")

    # --- Staff open it from the queue again and publish it. --------------------------------
    open_menu(staff, "For staff")
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    staff.get_by_role("table").get_by_role("link", name=TITLE).click()
    expect(staff.get_by_role("complementary")).to_contain_text(expected_start_shown)
    staff.get_by_role("button", name="Publish").click()
    expect(staff.get_by_role("status")).to_contain_text("Published. Companies can now find it.")
    expect(status_badge(staff)).to_have_count(0)
    expect(staff.get_by_role("button", name="Feature on theme pages")).to_be_visible()
    axe_check(staff)

    # --- An SME (no second factor) finds it by filter and by search. -----------------------
    sme = open_page()
    log_in(sme, server, sme_owner, mfa=False)
    sme.get_by_role("navigation", name="Main").get_by_role("link", name="Opportunities").click()
    expect(sme.get_by_role("heading", level=1)).to_have_text("Opportunities")
    results = sme.locator("#results")
    expect(results.get_by_role("link", name="Cycling campaign for Shanghai")).to_be_visible()
    axe_check(sme)

    # The form updates the results through htmx on every change, and the address with them.
    filters = sme.get_by_role("region", name="Filter")
    filters.get_by_label(label("Country")).select_option(label="Germany")
    expect(sme).to_have_url(re.compile(r"[?&]country=DE(&|$)"))
    filters.get_by_label(label("Theme")).select_option(label="Mobility")
    expect(sme).to_have_url(re.compile(r"[?&]theme=mobility(&|$)"))
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    expect(results.get_by_role("link", name=bus_depot.title)).to_be_visible()
    expect(results.get_by_role("link", name="Cycling campaign for Shanghai")).to_have_count(0)
    expect(results.get_by_text(re.compile(r"^\d+ opportunit"))).to_have_text("2 opportunities")
    axe_check(sme)

    filters.get_by_label(label("Search")).fill(SEARCH_WORD)
    filters.get_by_role("button", name="Show opportunities").click()
    expect(sme).to_have_url(re.compile(rf"[?&]q={SEARCH_WORD}(&|$)"))
    expect(results.get_by_text(re.compile(r"^\d+ opportunit"))).to_have_text("1 opportunity")
    expect(results.get_by_role("link", name=bus_depot.title)).to_have_count(0)
    expect(results.get_by_role("link", name="Cycling campaign for Shanghai")).to_have_count(0)

    # The full brief and the fee terms are for logged-in companies.
    results.get_by_role("link", name=TITLE).click()
    expect(sme).to_have_url(opportunity_url)
    expect(sme.get_by_role("region", name="The brief")).to_contain_text(BRIEF)
    expect(sme.get_by_role("region", name="Fee terms")).to_contain_text(
        f"The business developer asks {expected_fee}% of a deal"
    )
    expect(sme.get_by_role("complementary")).to_contain_text(CLIENT)
    expect(sme.get_by_role("region", name="History")).to_have_count(0)
    expect(sme.get_by_role("button", name="Publish")).to_have_count(0)
    axe_check(sme)

    assert not console_errors, console_errors
    assert not open_page.errors, open_page.errors
