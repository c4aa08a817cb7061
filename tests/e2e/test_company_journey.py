"""A new user registers a company, builds a portfolio with images and a PDF, reorders it and
brings a colleague into the team; every page on the way is free of serious axe-core findings."""

import io
import re
from urllib.parse import urlsplit

from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from companies.models import Company
from tests.companies.pdf_builders import pikepdf_bytes

from .test_visitor_journey import confirmation_path, label

OWNER_NAME = "Noor de Vries"
OWNER_EMAIL = "noor@studio.example"
COLLEAGUE_NAME = "Sem Bakker"
COLLEAGUE_EMAIL = "sem@studio.example"
PASSWORD = "a-long-unusual-passphrase"

COMPANY = "Studio Noorderlicht"
FIRST_ITEM = "Harbour pavilion"
SECOND_ITEM = "Museum wayfinding"
EMAIL_LABEL = re.compile(r"^E-?mail:?$")

# A one-page PDF with a correct cross-reference table, as the upload checks require (written by pikepdf).
MINIMAL_PDF = pikepdf_bytes()


def image_file(path, image_format: str, colour: str):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, image_format)
    path.write_bytes(buffer.getvalue())
    return path


def last_mail_to(address: str):
    messages = [message for message in mail.outbox if message.to == [address]]
    assert messages, f"no e-mail to {address}: {[(m.to, m.subject) for m in mail.outbox]}"
    return messages[-1]


def sign_up_and_verify(page, base_url: str, axe_check, *, full_name: str, email: str) -> None:
    """From the sign-up page to the login page, with the address verified through its e-mail."""
    expect(page).to_have_url(base_url + "/accounts/signup/")
    axe_check(page)
    page.get_by_label(label("Full name")).fill(full_name)
    page.get_by_label(EMAIL_LABEL).fill(email)
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_label(label("Password (again)")).fill(PASSWORD)
    page.get_by_role("checkbox", name=re.compile("terms")).check()
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(base_url + "/accounts/confirm-email/")
    axe_check(page)

    page.goto(base_url + confirmation_path(last_mail_to(email)))
    expect(page.get_by_role("main")).to_contain_text(email)
    axe_check(page)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(base_url + "/accounts/login/")
    expect(page.get_by_role("status")).to_contain_text(f"You have confirmed {email}")
    axe_check(page)


def log_in(page, *, email: str) -> None:
    page.get_by_label(EMAIL_LABEL).fill(email)
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def upload(page, path) -> None:
    page.get_by_label(label("Add an image or PDF")).set_input_files(path)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("The file has been added.")


def button_for(action: str, subject: str) -> re.Pattern:
    """A button such as "Make cover" with its visually hidden ": <subject>". Playwright names it
    "Make cover : <subject>": the hidden span is positioned absolutely, so it counts as a block."""
    return re.compile(rf"^{re.escape(action)}\s?: {re.escape(subject)}$")


def wait_for_transitions(page) -> None:
    """Let running CSS transitions end (the button now under the pointer fades into its hover colours)
    so that axe measures the colours that stay, not a frame halfway through."""
    page.evaluate("() => Promise.allSettled(document.getAnimations().map((animation) => animation.finished))")


def portfolio_titles(page):
    return page.locator("#portfolio-list").get_by_role("listitem").get_by_role("link")


def test_new_user_registers_company_builds_portfolio_and_brings_in_a_colleague(
    live_server, page, browser, axe_check, console_errors, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    navigation = page.get_by_role("navigation", name="Main")

    # Sign up, verify and log in.
    page.goto(base + "/")
    axe_check(page)
    navigation.get_by_role("link", name="Sign up").click()
    sign_up_and_verify(page, base, axe_check, full_name=OWNER_NAME, email=OWNER_EMAIL)
    log_in(page, email=OWNER_EMAIL)
    expect(page).to_have_url(base + "/")
    axe_check(page)

    # Register the company from the navigation.
    navigation.get_by_role("link", name="Register your company").click()
    expect(page).to_have_url(base + "/company/register/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register your company")
    axe_check(page)
    page.get_by_label(label("Name")).fill(COMPANY)
    page.get_by_label(re.compile(r"KvK\) number")).fill("12345678")
    page.get_by_label(label("Website")).fill("noorderlicht.example")
    page.get_by_label(label("City")).fill("Groningen")
    page.get_by_label(label("Size")).select_option(label="1–9 people")
    page.get_by_label(label("Founded")).fill("2014")
    page.get_by_label(label("Short pitch")).fill("Spatial and graphic design for public buildings.")
    page.get_by_label(label("Description")).fill(
        "We design pavilions, exhibitions and wayfinding for museums, harbours and city halls. " * 3
    )
    disciplines = page.get_by_role("group", name=label("Disciplines"))
    disciplines.get_by_role("checkbox", name="Architecture", exact=True).check()
    disciplines.get_by_role("checkbox", name="Graphic design", exact=True).check()
    themes = page.get_by_role("group", name=label("Themes of interest"))
    themes.get_by_role("checkbox", name="Water", exact=True).check()
    # The focus countries are checkboxes; every other country is in the list below them.
    targets = page.get_by_role("group", name=label("Target countries"))
    targets.get_by_role("checkbox", name="Germany", exact=True).check()
    targets.get_by_role("checkbox", name="China", exact=True).check()
    targets.get_by_role("listbox", name="Other countries").select_option(label=["Belgium"])
    languages = page.get_by_role("group", name=label("Working languages"))
    for language in ("Dutch", "English", "German"):
        languages.get_by_role("checkbox", name=language, exact=True).check()
    page.get_by_role("button", name="Register company").click()

    expect(page).to_have_url(base + "/company/")
    expect(page.get_by_role("heading", level=1)).to_have_text(COMPANY)
    expect(page.get_by_role("status")).to_contain_text(f"{COMPANY} is registered")
    expect(navigation.get_by_role("link", name="My company")).to_be_visible()
    expect(navigation.get_by_role("link", name="Register your company")).to_have_count(0)
    axe_check(page)
    assert sorted(c.code for c in Company.objects.get(name=COMPANY).target_countries) == ["BE", "CN", "DE"]

    # A portfolio item, then its images and PDF on the edit page.
    page.get_by_role("link", name="Add portfolio item").click()
    expect(page).to_have_url(base + "/company/portfolio/new/")
    axe_check(page)
    page.get_by_label(label("Title")).fill(FIRST_ITEM)
    page.get_by_label(label("Client")).fill("Port of Rotterdam")
    page.get_by_label(label("Year")).fill("2023")
    page.get_by_label(label("Description")).fill("A pavilion on the quay, open to visitors day and night.")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/company/portfolio/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit “{FIRST_ITEM}”")
    edit_url = page.url
    files = page.get_by_role("region", name="Images and PDFs")
    expect(files).to_contain_text("No files yet.")
    axe_check(page)

    upload(page, image_file(tmp_path / "pavilion-night.png", "PNG", "navy"))
    upload(page, image_file(tmp_path / "pavilion-quay.jpg", "JPEG", "orange"))
    brochure_pdf = tmp_path / "pavilion-brochure.pdf"
    brochure_pdf.write_bytes(MINIMAL_PDF)
    upload(page, brochure_pdf)
    expect(page).to_have_url(edit_url)

    thumbnails = files.get_by_role("img")
    expect(thumbnails).to_have_count(2)
    for name in ("pavilion-night.png", "pavilion-quay.jpg"):
        thumbnail = files.get_by_role("img", name=name)
        expect(thumbnail).to_have_attribute("src", re.compile(r"^/files/\d+/thumbnail/$"))
        expect(thumbnail).to_have_js_property("complete", True)
        assert thumbnail.evaluate("img => img.naturalWidth") > 0, f"{name}: the thumbnail did not load"
    brochure = files.get_by_role("link", name="pavilion-brochure.pdf")
    expect(brochure).to_have_attribute("href", re.compile(r"^/files/\d+/$"))
    expect(files.get_by_role("listitem").filter(has_text="pavilion-brochure.pdf")).to_contain_text("PDF")
    download = page.request.get(base + brochure.get_attribute("href"))
    assert download.ok, download.status
    assert download.headers["content-disposition"].startswith("attachment"), download.headers
    assert download.body() == MINIMAL_PDF
    axe_check(page)

    # The first image became the cover; make the second one the cover instead.
    night = files.get_by_role("listitem").filter(has=page.get_by_role("img", name="pavilion-night.png"))
    quay = files.get_by_role("listitem").filter(has=page.get_by_role("img", name="pavilion-quay.jpg"))
    expect(night.get_by_text("Cover", exact=True)).to_be_visible()
    expect(quay.get_by_text("Cover", exact=True)).to_have_count(0)
    quay.get_by_role("button", name=button_for("Make cover", "pavilion-quay.jpg")).click()
    expect(quay.get_by_text("Cover", exact=True)).to_be_visible()
    expect(night.get_by_text("Cover", exact=True)).to_have_count(0)
    expect(night.get_by_role("button", name=button_for("Make cover", "pavilion-night.png"))).to_be_visible()
    expect(quay.get_by_role("button", name=re.compile("^Make cover"))).to_have_count(0)

    # A second item, then reorder on the dashboard.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="My company").click()
    expect(page).to_have_url(base + "/company/")
    page.get_by_role("link", name="Add portfolio item").click()
    page.get_by_label(label("Title")).fill(SECOND_ITEM)
    page.get_by_role("button", name="Save").click()
    # The description is required: the form comes back with the error and keeps the title.
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    expect(page.get_by_label(label("Title"))).to_have_value(SECOND_ITEM)
    axe_check(page)
    page.get_by_label(label("Description")).fill("Signs and maps that guide visitors through a city museum.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit “{SECOND_ITEM}”")
    navigation.get_by_role("link", name="My company").click()
    expect(page).to_have_url(base + "/company/")
    expect(portfolio_titles(page)).to_have_text([FIRST_ITEM, SECOND_ITEM])
    expect(page.locator("#portfolio-list")).to_contain_text("3 files")
    axe_check(page)

    # With JavaScript, htmx swaps the list in place: the page itself is not reloaded.
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name=button_for("Down", FIRST_ITEM)).click()
    expect(portfolio_titles(page)).to_have_text([SECOND_ITEM, FIRST_ITEM])
    assert page.evaluate("window.stillTheSamePage === true"), (
        "the reorder reloaded the page instead of swapping the list"
    )
    expect(page.get_by_role("button", name=button_for("Up", SECOND_ITEM))).to_be_disabled()
    expect(page.get_by_role("button", name=button_for("Down", FIRST_ITEM))).to_be_disabled()
    wait_for_transitions(page)
    axe_check(page)

    # Without JavaScript, the same button posts the form and the dashboard comes back reordered.
    no_js = browser.new_context(locale="en-US", java_script_enabled=False, storage_state=page.context.storage_state())
    no_js.set_default_timeout(10_000)
    try:
        plain = no_js.new_page()
        plain.goto(base + "/company/")
        expect(portfolio_titles(plain)).to_have_text([SECOND_ITEM, FIRST_ITEM])
        plain.get_by_role("button", name=button_for("Up", FIRST_ITEM)).click()
        expect(plain).to_have_url(base + "/company/")
        expect(portfolio_titles(plain)).to_have_text([FIRST_ITEM, SECOND_ITEM])
    finally:
        no_js.close()
    page.reload()
    expect(portfolio_titles(page)).to_have_text([FIRST_ITEM, SECOND_ITEM])

    # Invite a colleague from the team page.
    page.get_by_role("link", name="Manage team and invite colleagues").click()
    expect(page).to_have_url(base + "/company/team/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team of {COMPANY}")
    axe_check(page)
    page.get_by_label(label("Colleague's e-mail address")).fill(COLLEAGUE_EMAIL)
    page.get_by_role("button", name="Send invitation").click()
    expect(page).to_have_url(base + "/company/team/")
    expect(page.get_by_role("status")).to_contain_text(f"The invitation to {COLLEAGUE_EMAIL} will be e-mailed shortly.")
    expect(page.get_by_role("heading", name="Invited")).to_be_visible()
    expect(page.get_by_role("region", name="Members").get_by_role("list").nth(1)).to_contain_text(COLLEAGUE_EMAIL)
    axe_check(page)

    invitation = last_mail_to(COLLEAGUE_EMAIL)
    match = re.search(r"https?://\S+/company/join/[^/\s]+/", invitation.body)
    assert match, f"no join link in the invitation:\n{invitation.body}"
    join_path = urlsplit(match.group(0)).path

    # The colleague, in a browser of their own: follow the link, sign up, verify, log in, join.
    colleague_context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    colleague_context.set_default_timeout(10_000)
    try:
        colleague = colleague_context.new_page()
        colleague_errors: list[str] = []
        colleague.on("console", lambda m: colleague_errors.append(m.text) if m.type == "error" else None)
        colleague.on("pageerror", lambda error: colleague_errors.append(f"uncaught: {error}"))
        visited: list[str] = []
        colleague.on("request", lambda r: visited.append(urlsplit(r.url).path) if r.is_navigation_request() else None)

        colleague.goto(base + join_path)
        expect(colleague.get_by_role("heading", level=1)).to_have_text(f"Join {COMPANY}")
        expect(colleague.get_by_role("main")).to_contain_text(f"{OWNER_NAME} invites you to join {COMPANY}")
        axe_check(colleague)
        colleague.get_by_role("link", name="Create an account").click()
        sign_up_and_verify(colleague, base, axe_check, full_name=COLLEAGUE_NAME, email=COLLEAGUE_EMAIL)

        visited.clear()
        log_in(colleague, email=COLLEAGUE_EMAIL)
        expect(colleague).to_have_url(base + join_path)
        assert "/accounts/continue/" in visited, visited
        expect(colleague.get_by_role("button", name="Join the team")).to_be_visible()
        axe_check(colleague)
        colleague.get_by_role("button", name="Join the team").click()

        expect(colleague).to_have_url(base + "/company/")
        expect(colleague.get_by_role("heading", level=1)).to_have_text(COMPANY)
        expect(colleague.get_by_role("status")).to_contain_text(f"Welcome to {COMPANY}.")
        expect(portfolio_titles(colleague)).to_have_text([FIRST_ITEM, SECOND_ITEM])
        axe_check(colleague)
        assert not colleague_errors, colleague_errors
    finally:
        colleague_context.close()

    # The owner's team page lists the colleague as a member; the invitation is used up.
    page.reload()
    members = page.get_by_role("region", name="Members").get_by_role("list").first.get_by_role("listitem")
    expect(members).to_have_count(2)
    expect(members.filter(has_text=COLLEAGUE_NAME)).to_contain_text(f"{COLLEAGUE_EMAIL} · Member")
    expect(page.get_by_role("heading", name="Invited")).to_have_count(0)
    expect(page.get_by_role("button", name=button_for("Remove", COLLEAGUE_NAME))).to_be_visible()
    axe_check(page)

    assert not console_errors, console_errors
