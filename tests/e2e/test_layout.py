"""The layout on a desktop (1366 × 900) and a phone (390 × 844), in English and Dutch, for every role.

On the desktop the navbar fits on one line, its menus (<details> styled as dropdowns) open inside the
window and are axe-clean; on the phone the brand and the toggler keep a gutter, and the opportunity list
and the company directory fold their filters, so the result count and the first result are on the first
screen. No page scrolls sideways. Each role logs in once; the languages and sizes reuse its context.
Without JavaScript the menus still open and the phone shows the navbar's links.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import roles_of
from opportunities.models import Status
from tests.e2e.helpers import log_in, open_menu
from tests.factories import CompanyFactory
from tests.opportunities.factories import OpportunityFactory

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
LISTS = ("/opportunities/", "/companies/")

# Role → (the user's fixture, None for a visitor; the role's own page).
ROLES = {
    "visitor": (None, "/companies/"),
    "company owner": ("sme_owner", "/company/"),
    "organisation member": ("org_member", "/organisations/hanze-ageing/edit/"),
    "business developer": ("developer_a", "/lab/"),
    "embassy staff": ("embassy_de", "/review/"),
    "programme admin": ("admin_user", "/insights/"),
}

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# The top of every top-level item of the navbar, and how much taller its content is than the brand's line.
NAVBAR_ROWS = """() => {
  const navbar = document.querySelector(".navbar");
  const style = getComputedStyle(navbar);
  const content = navbar.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  const items = [...navbar.querySelectorAll("#main-nav > .navbar-nav > .nav-item")];
  return {
    tops: [...new Set(items.map((item) => Math.round(item.getBoundingClientRect().top)))],
    extra: content - navbar.querySelector(".navbar-brand").offsetHeight,
  };
}"""
ENTRIES_OUTSIDE = """(entries) => entries
  .filter((entry) => { const box = entry.getBoundingClientRect(); return box.left < 0 || box.right > innerWidth; })
  .map((entry) => entry.textContent.trim())"""
GUTTERS = """() => [
  document.querySelector(".navbar-brand").getBoundingClientRect().left,
  window.innerWidth - document.querySelector(".navbar-toggler").getBoundingClientRect().right,
]"""


@pytest.fixture
def listed(lab_a):
    """Enough published opportunities and listed companies to fill more than a phone's screen."""
    for number in range(4):
        OpportunityFactory(lab=lab_a, status=Status.PUBLISHED, title=f"Cycling campaign {number}")
        CompanyFactory(name=f"Studio {number}", is_listed=True)


def visit(page, url: str, language: str) -> None:
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert page.evaluate(OVERFLOW) <= 0, f"{page.url} scrolls sideways at {page.viewport_size['width']} px"


def check_desktop(page, url: str, language: str) -> None:
    visit(page, url, language)
    rows = page.evaluate(NAVBAR_ROWS)
    assert len(rows["tops"]) == 1 and rows["extra"] <= 1, f"the navbar takes more than one line on {page.url}"
    if url.endswith(LISTS):
        expect(page.locator("details.filter-fold form")).to_be_visible()
        expect(page.locator("details.filter-fold > summary")).to_be_hidden()


def check_menus(page, axe_check) -> None:
    """Open each menu of the navbar in turn: its entries show, within the window's width; axe-check the
    page with the last one open."""
    summaries = page.locator("header nav summary")
    assert summaries.count() > 0
    for index in range(summaries.count()):
        summary = summaries.nth(index)
        expect(summary).to_have_text(re.compile(r"\w"))
        summary.click()
        entries = summary.locator("xpath=..").locator(".dropdown-item")
        expect(entries.first).to_be_visible()
        outside = entries.evaluate_all(ENTRIES_OUTSIDE)
        assert not outside, f"menu entries {outside} stick out of the window on {page.url}"
        assert page.evaluate(OVERFLOW) <= 0, f"an open menu makes {page.url} scroll sideways"
    axe_check(page)


def check_phone(page, url: str, language: str) -> None:
    visit(page, url, language)
    brand_gutter, toggler_gutter = page.evaluate(GUTTERS)
    assert brand_gutter >= 12 and toggler_gutter >= 12, "the brand or the toggler touches the screen's edge"
    if url.endswith(LISTS):
        expect(page.locator("details.filter-fold > summary")).to_be_visible()
        expect(page.locator("details.filter-fold form")).to_be_hidden()
        expect(page.locator("#results").get_by_text(re.compile(r"^\d+ \w+$"))).to_be_in_viewport(ratio=1)  # the count
        expect(page.locator("#results h3 a").first).to_be_in_viewport(ratio=1)


@pytest.mark.parametrize("role", list(ROLES))
def test_layout_on_desktop_and_phone(role, request, live_server, browser, axe_check, listed):
    fixture, own_page = ROLES[role]
    server = live_server.url
    pages = list(dict.fromkeys(["/", own_page, *LISTS]))  # the last is a list
    context = browser.new_context(locale="en-US", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        if fixture:
            user = request.getfixturevalue(fixture)
            log_in(page, server, user, mfa=roles_of(user).requires_mfa)
        for language in ("en", "nl"):
            context.add_cookies([{"name": "django_language", "value": language, "url": server}])
            page.set_viewport_size(DESKTOP)
            for path in pages:
                check_desktop(page, server + path, language)
            check_menus(page, axe_check)

            page.set_viewport_size(PHONE)
            for path in pages:
                check_phone(page, server + path, language)
            # The toggler shows the links; a menu opens in place, still inside the screen.
            page.locator(".navbar-toggler").click()
            expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
            check_menus(page, axe_check)
            page.locator("details.filter-fold > summary").click()
            expect(page.locator("details.filter-fold form")).to_be_visible()
            assert page.evaluate(OVERFLOW) <= 0, "the unfolded filters make the page scroll sideways"
    finally:
        context.close()


def test_menus_without_javascript_and_by_keyboard(live_server, browser, page, console_errors, embassy_de):
    """Embassy staff reach a staff page through the menu with JavaScript off, on a desktop and a phone;
    with it on, the keyboard opens a menu and Escape or a click elsewhere closes it."""
    server = live_server.url
    log_in(page, server, embassy_de, mfa=True)
    summary = page.locator("header nav summary", has_text="For staff")
    staff_menu = summary.locator("xpath=..")
    summary.focus()
    page.keyboard.press("Enter")
    expect(staff_menu).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(staff_menu.get_by_role("link", name="Review queue")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(staff_menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    open_menu(page, "For staff")
    page.get_by_role("heading", level=1).click()
    expect(staff_menu).not_to_have_attribute("open", "")
    assert not console_errors, console_errors

    no_js = browser.new_context(
        locale="en-US", java_script_enabled=False, storage_state=page.context.storage_state(), viewport=PHONE
    )
    no_js.set_default_timeout(10_000)
    try:
        plain = no_js.new_page()
        for viewport in (PHONE, DESKTOP):
            plain.set_viewport_size(viewport)
            plain.goto(server + "/")
            expect(plain.locator(".navbar-toggler")).to_be_hidden()
            open_menu(plain, "For staff")
            plain.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
            expect(plain.get_by_role("heading", level=1)).to_have_text("Review queue")
        # On the phone the filters unfold without JavaScript too.
        plain.set_viewport_size(PHONE)
        plain.goto(server + "/opportunities/")
        plain.locator("details.filter-fold > summary").click()
        expect(plain.locator("details.filter-fold form")).to_be_visible()
    finally:
        no_js.close()
