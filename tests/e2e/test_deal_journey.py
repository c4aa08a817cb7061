"""From a suggestion to a confirmed deal, in three browsers at once.

A business developer (with MFA) finds the matching engine's suggestion for a company on a
published opportunity of their Lab, shortlists it and invites it with a note; the company's owner
reads the invitation, expresses interest with a portfolio item and accepts the fee terms; the
developer introduces the company to the client, whose contact the company sees only from then on;
the developer records the won deal; the owner confirms it through the link in the e-mail, and the
fee is final; embassy staff of the country (with MFA) follow it on the opportunity and in the deal
overview. axe-core is run on every distinct page on the way.
"""

import re
from decimal import Decimal
from urllib.parse import urlsplit

from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from companies.models import Discipline, PortfolioItem
from labs.models import Theme
from opportunities.models import Status, Suggestion
from opportunities.suggestions.full import recompute_full
from tests.e2e.helpers import label, log_in, open_menu
from tests.factories import CompanyFactory
from tests.opportunities.factories import OpportunityFactory

TITLE = "Safe cycling to school in Berlin-Mitte"
FEE_NOTE = "Invoiced by the Lab after the first payment of the client."
INVITATION_NOTE = "Your cycling game would fit this district well. Shall we talk?"
MOTIVATION = "We made Safe Cycling Quest for thirty schools in Utrecht and would love to bring it to Berlin."
ITEM = "Safe Cycling Quest"
PHONE = "+31 10 123 4567"
CLIENT_CONTACT = "Anna Schmidt"
CLIENT_EMAIL = "anna.schmidt@bezirk-mitte.example"
INTRODUCTION_NOTE = "Anna leads the school cycling programme and has a budget for next spring."
DEAL_DESCRIPTION = "Cycling game and campaign for twelve primary schools."
# 7.50% of 48,250.50 is 3,618.7875: the fee is rounded half-up to cents.
DEAL_VALUE = "48250.50"
VALUE_SHOWN = "48,250.50 EUR"
FEE_SHOWN = "7.50% = 3,618.79 EUR"


def suggestion_card(page, company_name: str):
    """The suggestion of `company_name` in the opportunity's list of suggested companies."""
    suggestions = page.get_by_role("region", name="Suggested companies")
    return suggestions.get_by_role("listitem").filter(has=page.get_by_role("heading", name=re.compile(company_name)))


def flash(page):
    """The messages shown after an action."""
    return page.get_by_role("status")


def test_suggestion_to_confirmed_deal_across_developer_company_and_embassy(
    live_server, page, open_page, axe_check, console_errors, lab_a, developer_a, embassy_de, sme_owner, company
):
    server = live_server.url
    serious_games = Discipline.objects.get(slug="serious-games")
    mobility = Theme.objects.get(slug="mobility")
    company.description = "Serious games that teach children to cycle safely to school."
    company.languages = ["en", "nl"]
    company.save()
    company.disciplines.set([serious_games])
    company.themes.set([mobility])
    item = PortfolioItem.objects.create(
        company=company,
        title=ITEM,
        year=2023,
        client="Gemeente Utrecht",
        description="A serious game that teaches children to cycle safely to school.",
    )
    item.disciplines.set([serious_games])
    item.themes.set([mobility])
    # Another company the engine can weigh it against, doing something else entirely.
    branding = CompanyFactory(name="Glow Branding", description="Skin-care branding for an anti-ageing range.")
    branding.disciplines.set(Discipline.objects.filter(slug="branding"))
    opportunity = OpportunityFactory(
        lab=lab_a,
        created_by=developer_a,
        status=Status.PUBLISHED,
        title=TITLE,
        summary="A serious game that teaches children to cycle safely to school.",
        brief="The district wants a game and a campaign that get children cycling to school safely.",
        client_name="Bezirksamt Mitte",
        fee_percentage=Decimal("7.50"),
        fee_note=FEE_NOTE,
        languages=["en", "de"],
        required_disciplines=[serious_games],
    )
    opportunity.themes.set([mobility])
    assert recompute_full() > 0
    assert Suggestion.objects.filter(opportunity=opportunity, company=company).exists()
    opportunity_url = server + opportunity.get_absolute_url()
    today = timezone.localdate()
    with translation.override("en"):
        today_shown = date_format(today)

    # --- The business developer logs in with a second factor and opens the opportunity. -------
    developer = page
    log_in(developer, server, developer_a, mfa=True, axe_check=axe_check)
    developer.get_by_role("navigation", name="Main").get_by_role("link", name="My Lab").click()
    expect(developer.get_by_role("heading", level=1)).to_have_text("Workspace: Creative Lab Berlin")
    awaiting = developer.get_by_role("region", name=re.compile("^Expressions of interest awaiting an answer"))
    expect(awaiting).to_contain_text("Every expression of interest has been answered.")
    axe_check(developer)
    developer.get_by_role("main").get_by_role("link", name=TITLE).click()
    expect(developer.get_by_role("heading", level=1)).to_have_text(TITLE)

    # The company is suggested, with the reasons why.
    card = suggestion_card(developer, company.name)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Shares Serious games, which the opportunity asks for.")
    expect(card).to_contain_text("Works in Germany already.")
    expect(suggestion_card(developer, branding.name)).to_have_count(0)
    expect(developer.get_by_role("region", name="Expressions of interest")).to_contain_text(
        "No company has expressed interest yet."
    )
    axe_check(developer)

    # Shortlisted, then invited with a personal note.
    card.get_by_role("button", name=f"Shortlist {company.name}").click()
    expect(flash(developer)).to_contain_text(f"{company.name} is on the shortlist.")
    card = suggestion_card(developer, company.name)
    expect(card.locator(".suggestion-decision")).to_have_text("Shortlisted")
    card.get_by_text("Invite…").click()
    card.get_by_label("A personal note for the company (optional)").fill(INVITATION_NOTE)
    card.get_by_role("button", name="Send the invitation").click()
    expect(flash(developer)).to_contain_text(f"{company.name} has been invited to express interest")
    card = suggestion_card(developer, company.name)
    expect(card.locator(".suggestion-decision")).to_have_text("Invited to express interest")
    expect(card).to_contain_text(f"Note: {INVITATION_NOTE}")
    card.get_by_text(re.compile(r"^History \(")).click()
    expect(card).to_contain_text(f"Invited to express interest by {developer_a.full_name}: “{INVITATION_NOTE}”")
    axe_check(developer)

    # --- The company's owner reads the invitation. ------------------------------------------------
    sme = open_page()
    log_in(sme, server, sme_owner, mfa=False)
    notifications_link = sme.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Notifications")
    )
    expect(notifications_link).to_contain_text("1 unread")
    notifications_link.click()
    expect(sme.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(
        sme.get_by_role("main").get_by_role(
            "link", name=f"You are invited to express interest in “{TITLE}”: {INVITATION_NOTE}"
        )
    ).to_be_visible()
    axe_check(sme)

    sme.get_by_role("navigation", name="Main").get_by_role("link", name="My company").click()
    expect(sme.get_by_role("heading", level=1)).to_have_text(company.name)
    axe_check(sme)
    sme.get_by_role("main").get_by_role("link", name="My opportunities").click()
    expect(sme.get_by_role("heading", level=1)).to_have_text("My opportunities")
    invitations = sme.get_by_role("region", name=re.compile("^Invitations"))
    expect(invitations).to_contain_text(f"“{INVITATION_NOTE}”")
    expect(invitations).to_contain_text(f"by {developer_a.full_name}")
    expect(sme.get_by_role("region", name=re.compile("^Expressions of interest"))).to_contain_text(
        "Your company has not expressed interest in an opportunity yet."
    )
    axe_check(sme)

    # The opportunity says where the company stands; the Lab's suggestions are not for the company.
    expect(invitations.get_by_role("link", name=f"Express interest — {TITLE}")).to_be_visible()
    invitations.get_by_role("link", name=TITLE, exact=True).click()
    expect(sme).to_have_url(opportunity_url)
    standing = sme.get_by_role("region", name="Where your company stands")
    expect(standing).to_contain_text("A business developer invited your company to express interest.")
    expect(standing).to_contain_text(INVITATION_NOTE)
    expect(sme.get_by_role("region", name="Suggested companies")).to_have_count(0)
    axe_check(sme)

    # Expressing interest: the fee terms are shown right there and must be accepted.
    standing.get_by_role("link", name="Express interest").click()
    expect(sme.get_by_role("heading", level=1)).to_have_text("Express interest")
    fee_terms = sme.get_by_role("region", name="Fee terms")
    expect(fee_terms).to_contain_text("The business developer asks 7.50% of a deal")
    expect(fee_terms).to_contain_text(FEE_NOTE)
    axe_check(sme)
    sme.get_by_label(label("Motivation")).fill(MOTIVATION)
    sme.get_by_role("group", name=label("Portfolio items that show you can do it")).get_by_label(
        f"{ITEM} (2023)"
    ).check()
    expect(sme.get_by_label(label("Contact person"))).to_have_value(str(sme_owner.pk))
    sme.get_by_label(label("Contact phone (optional)")).fill(PHONE)
    sme.get_by_role("button", name="Send expression of interest").click()
    expect(sme.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    expect(sme.get_by_role("main")).to_contain_text("Accept the fee terms to express interest.")
    expect(sme.get_by_label(label("Motivation"))).to_have_value(MOTIVATION)
    axe_check(sme)
    sme.get_by_label("I accept these fee terms on behalf of my company.").check()
    sme.get_by_role("button", name="Send expression of interest").click()

    expect(sme.get_by_role("heading", level=1)).to_have_text("Expression of interest")
    expect(flash(sme)).to_contain_text("Your interest has been sent. The business developer answers within 7 days.")
    expect(sme.get_by_role("region", name="Status")).to_contain_text("Waiting for an answer")
    expect(sme.get_by_role("region", name="Accepted fee terms")).to_contain_text("7.50% of a resulting deal")
    expect(sme.get_by_role("region", name="Portfolio items")).to_contain_text(ITEM)
    # Not introduced yet: the client's contact is nowhere on the company's page.
    introduction_panel = sme.get_by_role("region", name="Introduction to the client")
    expect(introduction_panel).to_contain_text("Not introduced yet.")
    expect(sme.get_by_role("main")).not_to_contain_text(CLIENT_CONTACT)
    expect(sme.get_by_role("main")).not_to_contain_text(CLIENT_EMAIL)
    axe_check(sme)
    interest_url = sme.url

    # --- The developer sees the expression and introduces the company to the client. -------------
    developer.get_by_role("navigation", name="Main").get_by_role("link", name="My Lab").click()
    awaiting = developer.get_by_role("region", name=re.compile("^Expressions of interest awaiting an answer"))
    expect(awaiting.get_by_role("heading")).to_have_text(re.compile(r"awaiting an answer\s+1$"))
    awaiting.get_by_role("link", name=f"{company.name} in “{TITLE}”").click()
    expect(developer).to_have_url(interest_url)
    expect(developer.get_by_role("region", name="Motivation")).to_contain_text(MOTIVATION)
    expect(developer.get_by_role("region", name="Portfolio items")).to_contain_text(ITEM)
    contact = developer.get_by_role("region", name="The company's contact person")
    expect(contact).to_contain_text(sme_owner.email)
    expect(contact).to_contain_text(PHONE)
    expect(developer.get_by_role("region", name="Accepted fee terms")).to_contain_text("7.50% of a resulting deal")
    axe_check(developer)

    developer.get_by_role("link", name="Introduce to the client").click()
    expect(developer.get_by_role("heading", level=1)).to_have_text(f"Introduce {company.name} to the client")
    axe_check(developer)
    developer.get_by_label(label("Client contact's name")).fill(CLIENT_CONTACT)
    developer.get_by_label(label("Client contact's e-mail address")).fill(CLIENT_EMAIL)
    developer.get_by_label(label("Introduction note")).fill(INTRODUCTION_NOTE)
    developer.get_by_role("button", name="Introduce and send the e-mails").click()
    expect(flash(developer)).to_contain_text(f"{company.name} has been introduced.")
    panel = developer.get_by_role("region", name="Introduction to the client")
    expect(panel).to_contain_text(CLIENT_CONTACT)
    expect(panel).to_contain_text("In progress")

    # --- Only now the company sees the client's contact, on its page and in its e-mail. ---------
    sme.reload()
    expect(sme.get_by_role("region", name="Status")).to_contain_text("Introduced to the client")
    introduction_panel = sme.get_by_role("region", name="Introduction to the client")
    expect(introduction_panel).to_contain_text(f"Introduced on {today_shown} by {developer_a.full_name}.")
    expect(introduction_panel).to_contain_text(CLIENT_CONTACT)
    expect(introduction_panel.get_by_role("link", name=CLIENT_EMAIL)).to_have_attribute(
        "href", f"mailto:{CLIENT_EMAIL}"
    )
    expect(introduction_panel).to_contain_text(INTRODUCTION_NOTE)
    axe_check(sme)
    to_company = [m for m in mail.outbox if m.to == [sme_owner.email] and CLIENT_EMAIL in m.body]
    assert len(to_company) == 1, [(m.to, m.subject) for m in mail.outbox]
    to_client = [m for m in mail.outbox if m.to == [CLIENT_EMAIL]]
    assert len(to_client) == 1 and sme_owner.email in to_client[0].body, [(m.to, m.subject) for m in mail.outbox]

    # --- The developer records the deal as won. -------------------------------------------------
    panel.get_by_role("link", name="Record the outcome").click()
    expect(developer.get_by_role("heading", level=1)).to_have_text("Record the outcome")
    expect(developer.get_by_role("main")).to_contain_text("For a won deal the fee is 7.50% of the deal value")
    axe_check(developer)
    developer.get_by_role("group", name=label("Outcome")).get_by_label("Won").check()
    developer.get_by_label(label("Deal value")).fill(DEAL_VALUE)
    expect(developer.get_by_label(label("Currency"))).to_have_value("EUR")
    developer.get_by_label(label("Date of the deal")).fill(today.isoformat())
    developer.get_by_label(label("Short description of the deal")).fill(DEAL_DESCRIPTION)
    developer.get_by_role("button", name="Record").click()
    expect(flash(developer)).to_contain_text("The deal has been recorded.")
    panel = developer.get_by_role("region", name="Introduction to the client")
    expect(panel).to_contain_text("Won")
    deal_summary = panel.locator(".deal-summary")
    expect(deal_summary).to_contain_text(VALUE_SHOWN)
    expect(deal_summary).to_contain_text(FEE_SHOWN)
    expect(deal_summary).to_contain_text("Awaiting the company's confirmation")
    axe_check(developer)

    # --- The owner confirms the deal through the link in the e-mail. ----------------------------
    confirmations = [m for m in mail.outbox if m.to == [sme_owner.email] and "/deals/confirm/" in m.body]
    assert len(confirmations) == 1, [(m.to, m.subject) for m in mail.outbox]
    assert confirmations[0].subject == f"Please confirm your deal for {TITLE}"
    assert "3618.79" in confirmations[0].body or "3,618.79" in confirmations[0].body
    link = re.search(r"https?://\S+/deals/confirm/\S+/", confirmations[0].body)
    assert link, confirmations[0].body
    confirm_url = server + urlsplit(link.group(0)).path
    sme.goto(confirm_url)
    expect(sme.get_by_role("heading", level=1)).to_have_text("Confirm the deal")
    summary = sme.locator(".deal-summary")
    expect(summary).to_contain_text(VALUE_SHOWN)
    expect(summary).to_contain_text(DEAL_DESCRIPTION)
    expect(summary).to_contain_text(FEE_SHOWN)
    axe_check(sme)
    sme.get_by_role("button", name="Confirm the deal and the fee").click()
    expect(sme).to_have_url(interest_url)
    expect(flash(sme)).to_contain_text("Thank you: the deal is confirmed and the fee is final.")
    summary = sme.get_by_role("region", name="Introduction to the client").locator(".deal-summary")
    expect(summary).to_contain_text(f"Confirmed ({today_shown})")
    expect(summary).to_contain_text(FEE_SHOWN)

    # The link can't be used twice.
    sme.goto(confirm_url)
    expect(sme.get_by_role("main")).to_contain_text("This deal has already been confirmed.")
    axe_check(sme)

    # "My opportunities" lists the introduction with the client's contact and the final fee.
    sme.goto(server + "/company/opportunities/")
    introductions = sme.get_by_role("region", name=re.compile("^Introductions and deals"))
    expect(introductions).to_contain_text(f"Introduced on {today_shown} to {CLIENT_CONTACT}")
    expect(introductions).to_contain_text(f"Deal: {VALUE_SHOWN}, fee {FEE_SHOWN}.")
    expect(introductions).to_contain_text("Confirmed")
    expect(sme.get_by_role("region", name=re.compile("^Invitations"))).to_contain_text("No open invitations.")
    expressions = sme.get_by_role("region", name=re.compile("^Expressions of interest"))
    expect(expressions.get_by_role("row").filter(has_text=TITLE)).to_contain_text("Introduced to the client")

    # The developer sees the fee as final: nothing left to correct.
    developer.reload()
    panel = developer.get_by_role("region", name="Introduction to the client")
    expect(panel.locator(".deal-summary")).to_contain_text(f"Confirmed ({today_shown})")
    expect(panel.get_by_role("link", name="Correct the deal")).to_have_count(0)
    expect(panel.get_by_role("button", name="Send a new confirmation link")).to_have_count(0)

    # --- Embassy staff of Germany follow the suggestions, the introduction and the fee. ---------
    staff = open_page()
    log_in(staff, server, embassy_de, mfa=True)
    staff.goto(opportunity_url)
    expect(staff.get_by_role("heading", level=1)).to_have_text(TITLE)
    card = suggestion_card(staff, company.name)
    expect(card.locator(".suggestion-decision")).to_have_text("Introduced")
    expect(card).to_contain_text("Shares Serious games, which the opportunity asks for.")
    # Embassy staff follow; the decisions, such as adding a company by hand, are the Lab's.
    expect(staff.get_by_label("Add a company the engine did not suggest")).to_have_count(0)
    introductions = staff.get_by_role("region", name="Introductions")
    row = introductions.get_by_role("row").filter(has_text=company.name)
    expect(row).to_contain_text(CLIENT_CONTACT)
    expect(row).to_contain_text("Won")
    expect(row).to_contain_text(VALUE_SHOWN)
    expect(row).to_contain_text(f"fee {FEE_SHOWN} · Confirmed")
    axe_check(staff)

    open_menu(staff, "For staff")
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Deals").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Deals and fees")
    expect(staff.get_by_role("main")).to_contain_text("The Labs in Germany")
    deals = staff.get_by_role("region", name="1 deal")
    row = deals.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text(company.name)
    expect(row).to_contain_text(developer_a.full_name)
    expect(row).to_contain_text(VALUE_SHOWN)
    expect(row).to_contain_text("3,618.79 EUR")
    expect(row).to_contain_text("Confirmed")
    totals = staff.get_by_role("region", name="Totals").get_by_role("row", name=re.compile("^EUR"))
    # Currency, deals, value, fees due, fees confirmed: the fee counts as confirmed, nothing is due.
    expect(totals.get_by_role("cell")).to_have_text(["1", "48,250.50", "0.00", "3,618.79"])
    axe_check(staff)

    assert not console_errors, console_errors
    # The two refusals on the way answer 400, which the browser logs: nothing else may be logged.
    refused = {f"{server}/opportunities/{opportunity.pk}/interest/", confirm_url}
    unexpected = [e for e in open_page.errors if not ("status of 400" in e and e.rsplit("(", 1)[-1][:-1] in refused)]
    assert not unexpected, unexpected
