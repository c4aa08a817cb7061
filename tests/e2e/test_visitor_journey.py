"""A visitor signs up, verifies the e-mail address, logs in and switches the portal to Dutch."""

import re
from urllib.parse import urlsplit

from django.core import mail
from playwright.sync_api import expect

from tests.e2e.helpers import open_menu

FULL_NAME = "Noor de Vries"
EMAIL = "noor@studio.example"
PASSWORD = "a-long-unusual-passphrase"


def label(text: str) -> re.Pattern:
    """A form label as Django renders it, with or without its trailing colon."""
    return re.compile(rf"^{re.escape(text)}:?$")


def confirmation_path(message) -> str:
    """The path of the confirmation link, whichever host the e-mail names."""
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert match, f"no confirmation link in the e-mail:\n{message.body}"
    return urlsplit(match.group(0)).path


def test_visitor_signs_up_verifies_logs_in_and_switches_to_dutch(
    live_server, page, axe_check, static_responses, console_errors
):
    navigation = page.get_by_role("navigation", name="Main")

    # The home page, with its stylesheets and scripts (hashed names from the manifest).
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Creative Labs")
    bootstrap_css = [status for url, status in static_responses if "/static/vendor/bootstrap/bootstrap.min." in url]
    assert bootstrap_css == [200], static_responses
    assert all(status == 200 for _, status in static_responses), static_responses
    axe_check(page)

    # Sign up through the navigation.
    navigation.get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(live_server.url + "/accounts/signup/")
    axe_check(page)
    page.get_by_label(label("Full name")).fill(FULL_NAME)
    page.get_by_label(re.compile(r"^E-?mail:?$")).fill(EMAIL)
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_label(label("Password (again)")).fill(PASSWORD)
    page.get_by_role("checkbox", name=re.compile("terms")).check()
    page.get_by_role("button", name="Sign Up").click()

    # Not in yet: the address must be verified first.
    expect(page).to_have_url(live_server.url + "/accounts/confirm-email/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    axe_check(page)

    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    page.goto(live_server.url + confirmation_path(message))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Email Address")
    expect(page.get_by_role("main")).to_contain_text(EMAIL)
    axe_check(page)
    page.get_by_role("button", name="Confirm").click()

    # Confirmed, and sent on to log in with the verified address.
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    expect(page.get_by_role("status")).to_contain_text(f"You have confirmed {EMAIL}")
    axe_check(page)
    page.get_by_label(re.compile(r"^E-?mail:?$")).fill(EMAIL)
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(live_server.url + "/")
    open_menu(page, "Account")
    expect(navigation.get_by_role("button", name="Log out")).to_be_visible()
    expect(navigation.get_by_role("link", name="Sign up")).to_have_count(0)

    # Switch to Dutch with the footer's language switcher; the portal answers in Dutch.
    language_switcher = page.get_by_role("contentinfo").get_by_role("form", name="Language")
    language_switcher.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_url(live_server.url + "/")
    dutch_navigation = page.get_by_role("navigation", name="Hoofdmenu")
    open_menu(page, "Account")
    expect(dutch_navigation.get_by_role("button", name="Uitloggen")).to_be_visible()
    axe_check(page)

    assert all(status == 200 for _, status in static_responses), static_responses
    assert not console_errors, console_errors
