"""A theme network from start to the first help given: the embassy staff in Germany start "Mobility NL–DE"; an
organisation and a company ask to join and are accepted; the organisation asks the network for help, the
matching engine suggests the company, which offers its help; the organisation accepts, each sees the other's
contact, and the network counts who helped whom. Then, without JavaScript, another company asks to join and
offers its help on a second request. axe-core runs on every distinct page on the way."""

import re

from playwright.sync_api import expect

from networks.models import Answer, HelpRequest, Membership, Network, RequestSuggestion
from tests.e2e.helpers import label, log_in

NETWORK = "Mobility NL–DE"
COMPANY = "Studio Fietsveilig"
ORGANISATION = "Hanze Healthy Ageing"
OUTSIDER = "Outsider Design"

TITLE = "Bike racks for school streets"
DETAILS = "We look for Dutch designs of bike racks for schools, to show German cities what works."
REQUESTER_CONTACT = "member@hanze.example, +31 50 123 4567"
OFFER = "We designed the bike racks of forty Dutch schools and share our drawings."
HELPER_CONTACT = "owner@studio.example, +31 10 765 4321"

SECOND_TITLE = "Bike parking at a German school"
SECOND_DETAILS = "A school in Köln wants a test site for bike racks; who has done one?"
OUTSIDER_OFFER = "We can visit the school in Köln next month."
OUTSIDER_CONTACT = "owner@outsider.example"


def members_row(page, name: str):
    return page.get_by_role("region", name="Members").get_by_role("row").filter(has_text=name)


def ask_to_join(page, server: str, slug: str, motivation: str, axe_check=None) -> None:
    page.goto(f"{server}/networks/{slug}/")
    page.get_by_role("link", name="Ask to join").click()
    expect(page).to_have_url(f"{server}/networks/{slug}/join/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join “{NETWORK}”")
    if axe_check:
        axe_check(page)
    page.get_by_label(label("What you bring and what you look for")).fill(motivation)
    page.get_by_role("button", name="Ask to join").click()
    expect(page).to_have_url(f"{server}/networks/{slug}/")
    expect(page.get_by_role("status")).to_contain_text(f"You have asked to join “{NETWORK}”; a curator will answer.")
    expect(page.get_by_role("main")).to_contain_text("You have asked to join; a curator will answer.")
    expect(page.get_by_role("link", name="Ask to join")).to_have_count(0)


def accept_join(curator, server: str, slug: str, member: str) -> None:
    curator.goto(f"{server}/networks/{slug}/")
    asking = curator.get_by_role("region", name="Asking to join")
    expect(asking).to_contain_text(member)
    asking.get_by_role("button", name=re.compile(rf"^Accept\s?: {re.escape(member)}$")).click()
    expect(curator).to_have_url(f"{server}/networks/{slug}/#pending")
    expect(curator.get_by_role("status")).to_contain_text(f"Your answer has been sent to {member}.")
    expect(members_row(curator, member)).to_be_visible()


def test_a_network_from_its_start_to_the_first_help_given(
    live_server,
    page,
    open_page,
    browser,
    axe_check,
    console_errors,
    embassy_de,
    org_member,
    sme_owner,
    company,
    outsider_sme,
):
    server = live_server.url
    company.pitch = "Bike racks and safe cycling for schools."
    company.description = "We design bicycle parking and bike racks for schools, from the first sketch to the racks."
    company.save()

    # 1. The embassy staff in Germany (two-factor) start the network.
    curator = page
    log_in(curator, server, embassy_de, mfa=True)
    curator.get_by_role("navigation", name="Main").get_by_role("link", name="Networks").click()
    expect(curator).to_have_url(server + "/networks/")
    expect(curator.get_by_role("heading", level=1)).to_have_text("Theme networks")
    expect(curator.get_by_role("main")).to_contain_text("No network fits these filters.")
    axe_check(curator)
    curator.get_by_role("link", name="New network").click()
    expect(curator).to_have_url(server + "/networks/new/")
    expect(curator.get_by_role("heading", level=1)).to_have_text("New network")
    axe_check(curator)
    curator.get_by_label(label("Name")).fill(NETWORK)
    curator.get_by_label(label("Theme")).select_option(label="Mobility")
    curator.get_by_role("checkbox", name="Germany", exact=True).check()
    curator.get_by_label(label("Description (English)")).fill(
        "Cities, schools and designers of the Netherlands and Germany on cycling, walking and public transport."
    )
    curator.get_by_role("button", name="Save").click()
    network = Network.objects.get(name=NETWORK)
    slug = network.slug
    network_url = f"{server}/networks/{slug}/"
    expect(curator).to_have_url(network_url)
    expect(curator.get_by_role("heading", level=1)).to_have_text(NETWORK)
    expect(curator.get_by_role("status")).to_contain_text(f"The network “{NETWORK}” has been created.")
    expect(curator.get_by_role("main")).to_contain_text("Mobility · the Netherlands – Germany")
    expect(curator.get_by_role("region", name="Members")).to_contain_text("No members yet.")
    expect(curator.get_by_role("region", name="Who helped whom")).to_contain_text("No help accepted yet.")
    axe_check(curator)

    # 2. The organisation member and the company owner ask to join; the curator accepts both.
    requester = open_page()
    log_in(requester, server, org_member, mfa=False)
    ask_to_join(requester, server, slug, "Our students test bike parking at schools.", axe_check=axe_check)
    axe_check(requester)
    helper = open_page()
    log_in(helper, server, sme_owner, mfa=False)
    ask_to_join(helper, server, slug, "We design bike racks for schools.")
    assert set(network.memberships.values_list("state", flat=True)) == {Membership.State.PENDING}

    curator.reload()
    asking = curator.get_by_role("region", name="Asking to join")
    expect(asking).to_contain_text(ORGANISATION)
    expect(asking).to_contain_text("Our students test bike parking at schools.")
    expect(asking).to_contain_text(COMPANY)
    expect(asking).to_contain_text("We design bike racks for schools.")
    axe_check(curator)
    accept_join(curator, server, slug, ORGANISATION)
    accept_join(curator, server, slug, COMPANY)
    expect(curator.get_by_role("region", name="Asking to join")).to_have_count(0)
    expect(members_row(curator, ORGANISATION)).to_contain_text("helped 0 · was helped 0")
    expect(members_row(curator, COMPANY)).to_contain_text("helped 0 · was helped 0")

    # 3. The organisation asks the network for help, in words that fit the company's profile.
    requester.goto(network_url)
    requester.get_by_role("link", name="Ask the network for help").click()
    expect(requester).to_have_url(f"{network_url}requests/new/")
    expect(requester.get_by_role("heading", level=1)).to_have_text("Ask the network for help")
    axe_check(requester)
    requester.get_by_label(label("What you are looking for")).fill(TITLE)
    requester.get_by_label(label("Details")).fill(DETAILS)
    requester.get_by_label(label("Your contact")).fill(REQUESTER_CONTACT)
    requester.get_by_role("button", name="Post the request").click()
    help_request = HelpRequest.objects.get(title=TITLE)
    request_url = f"{server}/networks/requests/{help_request.pk}/"
    expect(requester).to_have_url(request_url)
    expect(requester.get_by_role("status")).to_contain_text("Your request has been posted to the network's members.")
    expect(requester.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(requester.get_by_role("main")).to_contain_text(f"Asked by {ORGANISATION} (NL)")
    expect(requester.get_by_role("region", name="Offers of help")).to_contain_text("No offers of help yet.")
    # The engine ran after the commit and suggests the company.
    suggestions = RequestSuggestion.objects.filter(request=help_request)
    assert list(suggestions.values_list("membership__company", flat=True)) == [company.pk]
    suggested = requester.get_by_role("region", name="Members who may be able to help")
    expect(suggested.get_by_role("link", name=COMPANY)).to_be_visible()
    expect(suggested).to_contain_text("Works in Germany already.")
    axe_check(requester)

    # 4. The company finds the request among those that fit it, explained, and offers its help.
    helper.get_by_role("navigation", name="Main").get_by_role("link", name="Networks").click()
    helper.get_by_role("link", name="Requests for help that fit you").click()
    expect(helper).to_have_url(server + "/networks/for-you/")
    expect(helper.get_by_role("heading", level=1)).to_have_text("Requests for help that fit you")
    fitting = helper.get_by_role("article").filter(has=helper.get_by_role("link", name=TITLE))
    expect(fitting).to_contain_text(f"{NETWORK} · {ORGANISATION}")
    expect(fitting).to_contain_text(re.compile(r"The profile is about .+ too\."))
    expect(fitting).to_contain_text("Works in Germany already.")
    axe_check(helper)
    fitting.get_by_role("link", name=TITLE).click()
    expect(helper).to_have_url(request_url)
    offer_form = helper.get_by_role("region", name="I can help")
    expect(offer_form).to_be_visible()
    expect(helper.get_by_role("region", name="Offers of help")).to_have_count(0)
    axe_check(helper)
    offer_form.get_by_label(label("How you can help")).fill(OFFER)
    offer_form.get_by_label(label("Your contact")).fill(HELPER_CONTACT)
    offer_form.get_by_role("button", name="Offer my help").click()
    expect(helper).to_have_url(request_url)
    expect(helper.get_by_role("status")).to_contain_text("Your offer has been sent to the requester.")
    own_offer = helper.get_by_role("region", name="Your offer")
    expect(own_offer).to_contain_text(OFFER)
    expect(own_offer).to_contain_text("Waiting for the requester to accept.")
    expect(helper.get_by_role("main")).not_to_contain_text(REQUESTER_CONTACT)
    axe_check(helper)

    # 5. The organisation sees the offer, accepts it and sees the company's contact; then marks it answered.
    requester.reload()
    offers = requester.get_by_role("region", name="Offers of help")
    expect(offers).to_contain_text(COMPANY)
    expect(offers).to_contain_text(OFFER)
    expect(offers).not_to_contain_text(HELPER_CONTACT)
    offers.get_by_role("button", name=re.compile(rf"^Accept this offer\s?: {COMPANY}$")).click()
    expect(requester).to_have_url(request_url)
    expect(requester.get_by_role("status")).to_contain_text("Accepted: you now see each other's contact.")
    offers = requester.get_by_role("region", name="Offers of help")
    expect(offers).to_contain_text(f"Contact: {HELPER_CONTACT}")
    expect(offers.get_by_role("button", name=re.compile("^Accept this offer"))).to_have_count(0)
    axe_check(requester)
    requester.get_by_role("button", name="Mark answered").click()
    expect(requester).to_have_url(request_url)
    expect(requester.get_by_role("status")).to_contain_text("The request is marked “Answered”.")
    expect(requester.get_by_role("heading", level=1)).to_contain_text("Answered")
    expect(requester.get_by_role("button", name="Mark answered")).to_have_count(0)
    assert HelpRequest.objects.get(pk=help_request.pk).status == HelpRequest.Status.ANSWERED

    # 6. The company now sees the organisation's contact.
    helper.reload()
    own_offer = helper.get_by_role("region", name="Your offer")
    expect(own_offer).to_contain_text(f"Accepted. The requester's contact: {REQUESTER_CONTACT}")

    # 7. The network counts who helped whom.
    helper.goto(network_url)
    expect(members_row(helper, COMPANY)).to_contain_text("helped 1 · was helped 0")
    expect(members_row(helper, ORGANISATION)).to_contain_text("helped 0 · was helped 1")
    reciprocity = helper.get_by_role("region", name="Who helped whom")
    expect(reciprocity).to_contain_text("1 offer of help accepted.")
    expect(reciprocity.get_by_role("listitem")).to_have_text(["NL → NL: 1"])
    requests = helper.get_by_role("region", name="Requests for help")
    expect(requests.get_by_role("article").filter(has_text=TITLE)).to_contain_text("Answered")
    expect(requests.get_by_role("article").filter(has_text=TITLE)).to_contain_text("1 offer of help")
    axe_check(helper)
    assert helper.evaluate("typeof window.htmx") == "object"

    # 9. Without JavaScript: another company asks to join, and offers its help on a second request.
    no_js = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    no_js.set_default_timeout(10_000)
    no_js_requester = browser.new_context(
        locale="en-US", java_script_enabled=False, storage_state=requester.context.storage_state()
    )
    no_js_requester.set_default_timeout(10_000)
    try:
        outsider = no_js.new_page()
        log_in(outsider, server, outsider_sme, mfa=False)
        assert outsider.evaluate("typeof window.htmx") == "undefined", "the page's scripts ran"
        ask_to_join(outsider, server, slug, "Bike parking for German schools.")
        accept_join(curator, server, slug, OUTSIDER)

        plain_requester = no_js_requester.new_page()
        plain_requester.goto(network_url)
        plain_requester.get_by_role("link", name="Ask the network for help").click()
        plain_requester.get_by_label(label("What you are looking for")).fill(SECOND_TITLE)
        plain_requester.get_by_label(label("Details")).fill(SECOND_DETAILS)
        plain_requester.get_by_label(label("Your contact")).fill(REQUESTER_CONTACT)
        plain_requester.get_by_role("button", name="Post the request").click()
        second = HelpRequest.objects.get(title=SECOND_TITLE)
        second_url = f"{server}/networks/requests/{second.pk}/"
        expect(plain_requester).to_have_url(second_url)
        expect(plain_requester.get_by_role("status")).to_contain_text("Your request has been posted")

        outsider.goto(second_url)
        offer_form = outsider.get_by_role("region", name="I can help")
        offer_form.get_by_label(label("How you can help")).fill(OUTSIDER_OFFER)
        offer_form.get_by_label(label("Your contact")).fill(OUTSIDER_CONTACT)
        offer_form.get_by_role("button", name="Offer my help").click()
        expect(outsider).to_have_url(second_url)
        expect(outsider.get_by_role("status")).to_contain_text("Your offer has been sent to the requester.")
        expect(outsider.get_by_role("region", name="Your offer")).to_contain_text(OUTSIDER_OFFER)
        assert Answer.objects.get(request=second).membership.company.name == OUTSIDER

        plain_requester.reload()
        offers = plain_requester.get_by_role("region", name="Offers of help")
        expect(offers).to_contain_text(OUTSIDER_OFFER)
        offers.get_by_role("button", name=re.compile(rf"^Accept this offer\s?: {OUTSIDER}$")).click()
        expect(plain_requester.get_by_role("region", name="Offers of help")).to_contain_text(
            f"Contact: {OUTSIDER_CONTACT}"
        )
        outsider.reload()
        expect(outsider.get_by_role("region", name="Your offer")).to_contain_text(
            f"Accepted. The requester's contact: {REQUESTER_CONTACT}"
        )
    finally:
        no_js.close()
        no_js_requester.close()

    assert not console_errors, console_errors
    assert not open_page.errors, open_page.errors
