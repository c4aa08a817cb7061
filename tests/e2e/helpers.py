"""Helpers the browser tests share: form labels, the authenticator code, and logging in."""

import re
import time

from allauth.mfa import app_settings as mfa_settings
from playwright.sync_api import expect

from demo.accounts import totp_code
from tests.factories import PASSWORD, TOTP_SECRET


def label(text: str) -> re.Pattern:
    """A form label as Django renders it, with or without its trailing colon."""
    return re.compile(rf"^{re.escape(text)}:?$")


def current_totp_code() -> str:
    """The authenticator code of now, from a period with time left to use it.

    allauth accepts only the current period's code (no tolerance): near the end of a period,
    wait for the next one rather than send a code that expires on its way.
    """
    left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left < 3:
        time.sleep(left + 0.1)
    return totp_code(TOTP_SECRET)


def log_in(page, server_url: str, user, *, mfa: bool, axe_check=None) -> None:
    """Log in through the login page (and the two-factor page); axe-check them if asked."""
    page.goto(server_url + "/accounts/login/")
    if axe_check:
        axe_check(page)
    page.get_by_label(re.compile(r"^E-?mail:?$")).fill(user.email)
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if mfa:
        expect(page).to_have_url(server_url + "/accounts/2fa/authenticate/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
        if axe_check:
            axe_check(page)
        page.get_by_label(label("Code")).fill(current_totp_code())
        page.get_by_role("button", name="Sign In").click()
    # Log out is in the account menu, which stays closed: there, but not visible.
    expect(log_out_button(page)).to_have_count(1)


def open_menu(page, name: str) -> None:
    """Open the main navigation's menu `name` ("For staff", "Account", "Countries"): a <details>, so also
    without JavaScript."""
    page.locator("header nav").locator("summary", has_text=name).click()


def log_out_button(page):
    """The Log out button in the account menu of the main navigation, whether the menu is open or not."""
    return page.locator("header nav").get_by_role("button", name="Log out", include_hidden=True)
