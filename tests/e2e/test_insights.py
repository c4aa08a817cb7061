"""Programme insight in the browser: embassy staff open the dashboard from the menu, read the funnel as a
chart and as its table, narrow the figures by a filter kept in the address, and use the filters and tables
with JavaScript switched off. axe-core runs on each state of the page.

The funnel's table is then downloaded as CSV and as XLSX, with the filter on, and read back.
"""

import csv
import io
import re

import openpyxl
from playwright.sync_api import expect

from tests.e2e.helpers import label, log_in, open_menu
from tests.opportunities.insights.conftest import programme  # noqa: F401 - the data set, as a fixture


def funnel_cell(page, step: str):
    return page.locator("#table-funnel").get_by_role("row").filter(has=page.get_by_role("rowheader", name=step))


def test_embassy_staff_read_and_filter_the_dashboard(
    live_server,
    page,
    browser,
    axe_check,
    console_errors,
    programme,  # noqa: F811 - the fixture imported above
    embassy_de,
):
    server = live_server.url
    log_in(page, server, embassy_de, mfa=True)
    open_menu(page, "For staff")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Insight").click()
    expect(page).to_have_url(server + "/insights/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme insight")
    expect(page.locator("#insight-scope")).to_have_text("The Labs in Germany")

    # The funnel as a chart, and the same figures in the table beside it.
    chart = page.get_by_role("img", name=re.compile(r"^From suggestion to confirmed deal, as a funnel"))
    expect(chart).to_be_visible()
    expect(chart.locator("text").filter(has_text="Interest expressed")).to_have_count(1)
    expect(funnel_cell(page, "Suggested")).to_contain_text("4")
    expect(funnel_cell(page, "Shortlisted")).to_contain_text("75.0")
    expect(funnel_cell(page, "Confirmed by the company")).to_contain_text("1")
    expect(page.get_by_role("img", name=re.compile(r"^Per Lab: Expressions of interest, as bars"))).to_be_visible()
    axe_check(page)

    # Narrow to a theme: the address keeps it, and o2's theme has no pairs yet.
    page.get_by_label(label("Theme")).select_option(label="Elderly care")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/insights/\?.*theme=elderly-care"))
    expect(funnel_cell(page, "Suggested")).to_contain_text("0")
    expect(chart).to_contain_text("Nothing to show for these filters.")
    expect(page.locator("#table-per_theme").get_by_role("rowheader")).to_have_text(["Elderly care"])
    axe_check(page)

    # The funnel's table, downloaded with the filter on, holds what the page shows.
    downloads = page.locator("#table-funnel").locator("xpath=ancestor::div[@role='region']/following-sibling::p[1]")
    with page.expect_download() as csv_download:
        downloads.get_by_role("link", name=re.compile(r"^CSV")).click()
    assert re.fullmatch(r"insights-funnel-\d{4}-\d{2}-\d{2}\.csv", csv_download.value.suggested_filename)
    text = csv_download.value.path().read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[1][0] == "Suggested" and rows[1][1] == "0"
    with page.expect_download() as xlsx_download:
        downloads.get_by_role("link", name=re.compile(r"^XLSX")).click()
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes())).active
    assert [cell.value for cell in sheet[1]] == rows[0]
    assert sheet.cell(row=2, column=1).value == "Suggested" and sheet.cell(row=2, column=2).value == 0

    assert not console_errors
    # A Lab outside the post's country can't be asked for: an error (the browser logs the 400), no figures.
    page.goto(server + "/insights/?lab=lab-b")
    expect(page.get_by_role("alert")).to_contain_text("Lab:")
    expect(page.locator("#table-funnel")).to_have_count(0)
    axe_check(page)

    # Without JavaScript: the filter form and the tables work the same.
    no_js = browser.new_context(locale="en-US", java_script_enabled=False, storage_state=page.context.storage_state())
    no_js.set_default_timeout(10_000)
    try:
        plain = no_js.new_page()
        plain.goto(server + "/insights/")
        plain.get_by_label(label("Period")).select_option(label="All time")
        plain.get_by_role("button", name="Show").click()
        expect(plain).to_have_url(re.compile(r"/insights/\?.*period=all"))
        expect(funnel_cell(plain, "Suggested")).to_contain_text("4")
        per_lab = plain.locator("#table-per_lab")
        expect(per_lab.get_by_role("rowheader")).to_have_text(["Creative Lab Berlin"])
        published = per_lab.get_by_role("link", name="3")
        expect(published).to_have_attribute("href", "/opportunities/?country=DE&lab=lab-a")
    finally:
        no_js.close()
