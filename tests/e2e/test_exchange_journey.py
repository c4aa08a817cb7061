"""An exchange from its start to its figures: the business developer of Lab A (two-factor) creates a matchmaking
day in Berlin and publishes it; the engine suggests a company working on mobility, which the developer invites.
Its owner sees the invitation, registers and takes the .ics; a second company registers too; the first asks
the second for a meeting inside the programme (a time outside it is refused at the field, the message kept),
the second accepts, and both see it in their agenda. The exchange is held: attendance is recorded and the
figures show on its page. Then, without JavaScript, both register for a second exchange and agree on a meeting
there. axe-core runs on every distinct page on the way."""

import datetime
import re
import zoneinfo
from pathlib import Path

from django.db.models import F
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from exchanges.models import Exchange, ExchangeSuggestion, Meeting, Registration
from labs.models import Theme
from tests.e2e.helpers import label, log_in
from tests.exchanges.factories import ExchangeFactory
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
COMPANY = "Studio Fietsveilig"
OTHER = "Orbit and Oar"

TITLE = "Mobility matchmaking day Berlin"
DESCRIPTION = "Dutch designers of cycling and mobility meet the Berlin districts that plan safe bike routes to school."
MOTIVATION = "We design bike racks and safe cycling routes for schools."
OTHER_MOTIVATION = "We build cargo bikes for city logistics."
TOPIC = "Bike parking at Berlin schools, and a pilot together."
OUT_OF_PROGRAMME = "After the programme: would the evening suit you?"

SECOND_TITLE = "Cycling logistics session"
SECOND_TOPIC = "Cargo bikes for school deliveries."


def meeting_form(page):
    return page.get_by_role("region", name="Request a meeting")


def agenda_row(page, other: str):
    return page.get_by_role("region", name="Your agenda").get_by_role("row").filter(has_text=other)


def register_for(page, server: str, exchange: Exchange, motivation: str, axe_check=None) -> None:
    page.goto(f"{server}/exchanges/{exchange.pk}/")
    page.get_by_role("link", name="Register", exact=True).click()
    expect(page).to_have_url(f"{server}/exchanges/{exchange.pk}/register/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Register for “{exchange.title_en}”")
    # The person registering takes part unless they say otherwise.
    expect(
        page.get_by_role("group", name=label("Who of your company takes part")).get_by_role("checkbox")
    ).to_be_checked()
    if axe_check:
        axe_check(page)
    page.get_by_label(label("Why you want to take part")).fill(motivation)
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page).to_have_url(f"{server}/exchanges/{exchange.pk}/")
    expect(page.get_by_role("status")).to_contain_text("You are registered. A confirmation e-mail will be sent.")
    expect(page.get_by_role("region", name="Your registration")).to_contain_text("Confirmed · 1 person")


def request_meeting(page, other: str, starts: str, topic: str) -> None:
    form = meeting_form(page)
    form.get_by_label(label("Whom to meet")).select_option(label=other)
    form.get_by_label(label("Starts (local time of the exchange)")).fill(starts)
    form.get_by_label(label("How long")).select_option(label="30 minutes")
    form.get_by_label(label("What you would like to talk about")).fill(topic)
    form.get_by_role("button", name="Send the request").click()


def test_an_exchange_from_its_start_to_its_figures(
    live_server,
    page,
    open_page,
    browser,
    axe_check,
    console_errors,
    developer_a,
    sme_owner,
    company,
):
    server = live_server.url
    mobility = Theme.objects.get(slug="mobility")
    # The company the engine should suggest: on the exchange's theme, and its pitch about the same.
    company.pitch = "Safe cycling routes and bike racks for schools: mobility that children use."
    company.save()
    company.themes.add(mobility)
    other_company = CompanyFactory(name=OTHER, slug="orbit-and-oar", pitch="Cargo bikes for city logistics.")
    other_company.themes.add(mobility)
    other_owner = MembershipFactory(company=other_company, user=UserFactory(email="owner@orbit.example")).user

    day = (timezone.localtime(timezone.now(), BERLIN) + datetime.timedelta(weeks=3)).date()
    starts_at = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=BERLIN)
    ends_at = datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=BERLIN)

    # 1. The business developer of Lab A (two-factor) creates the exchange, publishes it and invites the
    # company the engine suggests.
    organiser = page
    log_in(organiser, server, developer_a, mfa=True)
    organiser.goto(server + "/exchanges/new/")
    expect(organiser.get_by_role("heading", level=1)).to_have_text("New exchange")
    axe_check(organiser)
    organiser.get_by_label(label("Kind")).select_option(label="Matchmaking day")
    organiser.get_by_label(label("Title (English)")).fill(TITLE)
    organiser.get_by_label(label("Description (English)")).fill(DESCRIPTION)
    organiser.get_by_role("group", name=label("Themes")).get_by_label("Mobility", exact=True).check()
    organiser.get_by_label(label("City")).fill("Berlin")
    organiser.get_by_label(label("Country of the place")).select_option("DE")
    organiser.get_by_label(label("Time zone")).fill("Europe/Berlin")
    organiser.get_by_label(label("Starts (local time of the place)")).fill(f"{day.isoformat()}T09:00")
    organiser.get_by_label(label("Ends (local time of the place)")).fill(f"{day.isoformat()}T17:00")
    organiser.get_by_label(label("Places")).fill("20")
    organiser.get_by_label(label("Registration deadline")).fill((day - datetime.timedelta(days=7)).isoformat())
    organiser.get_by_label(label("Who may register")).select_option(label="Members of a creative company")
    organiser.get_by_role("button", name="Save").click()
    exchange = Exchange.objects.get(title_en=TITLE)
    exchange_url = f"{server}/exchanges/{exchange.pk}/"
    assert (exchange.starts_at, exchange.ends_at, exchange.time_zone) == (starts_at, ends_at, "Europe/Berlin")
    assert exchange.lab == developer_a.business_developer.lab and exchange.status == Exchange.Status.DRAFT
    expect(organiser).to_have_url(exchange_url)
    expect(organiser.get_by_role("status")).to_contain_text("The exchange is saved as a draft.")
    expect(organiser.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(organiser.get_by_role("main")).to_contain_text("Status: Draft")
    expect(organiser.get_by_role("main")).to_contain_text("(local time, Europe/Berlin)")
    expect(organiser.get_by_role("main")).to_contain_text("Creative Lab Berlin")
    axe_check(organiser)
    organiser.get_by_role("button", name="Publish").click()
    expect(organiser).to_have_url(exchange_url)
    expect(organiser.get_by_role("main")).not_to_contain_text("Status: Draft")
    expect(organiser.get_by_role("button", name="Mark held")).to_be_visible()
    axe_check(organiser)
    # The engine ran after the commit of the publish (an eager Celery task on the live server).
    assert ExchangeSuggestion.objects.filter(exchange=exchange, company=company).exists()

    organiser.get_by_role("link", name="Registrations and attendance").click()
    manage_url = f"{exchange_url}registrations/"
    expect(organiser).to_have_url(manage_url)
    expect(organiser.get_by_role("heading", level=1)).to_have_text(f"Registrations for “{TITLE}”")
    expect(organiser.get_by_role("main")).to_contain_text("No registrations yet.")
    to_invite = organiser.get_by_role("region", name="Companies to invite")
    suggested = to_invite.locator("div").filter(has=organiser.get_by_role("link", name=COMPANY))
    expect(suggested).to_contain_text("Works on Mobility.")
    expect(suggested).to_contain_text(re.compile(r"The profile is about .+ too\."))
    expect(suggested).to_contain_text("Works in Germany already.")
    axe_check(organiser)
    suggested.get_by_role("button", name=re.compile(rf"^Invite\s?: {COMPANY}$")).click()
    expect(organiser).to_have_url(manage_url)
    expect(organiser.get_by_role("status")).to_contain_text(f"{COMPANY} is invited.")
    suggested = (
        organiser.get_by_role("region", name="Companies to invite")
        .locator("div")
        .filter(has=organiser.get_by_role("link", name=COMPANY))
    )
    expect(suggested).to_contain_text(re.compile(r"Invited on \S+"))
    expect(suggested.get_by_role("button", name=re.compile("^Invite"))).to_have_count(0)

    # 2. The company's owner sees the invitation, registers, and takes the exchange into the calendar.
    sme = open_page()
    log_in(sme, server, sme_owner, mfa=False)
    sme.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(sme).to_have_url(server + "/notifications/")
    expect(sme.get_by_role("main")).to_contain_text(f"You are invited to “{TITLE}”")
    axe_check(sme)
    sme.get_by_role("navigation", name="Main").get_by_role("link", name="Exchanges").click()
    expect(sme).to_have_url(server + "/exchanges/")
    upcoming = sme.get_by_role("region", name="Upcoming")
    expect(upcoming).to_contain_text("Matchmaking day")
    axe_check(sme)
    upcoming.get_by_role("link", name=TITLE).click()
    expect(sme).to_have_url(exchange_url)
    expect(sme.get_by_role("region", name="For the organiser")).to_have_count(0)
    axe_check(sme)
    register_for(sme, server, exchange, MOTIVATION, axe_check=axe_check)
    axe_check(sme)

    with sme.expect_download() as ics_download:
        sme.get_by_role("link", name="Add to your calendar (.ics)").click()
    download = ics_download.value
    assert download.suggested_filename == f"exchange-{exchange.pk}.ics"
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == TITLE
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    event_start = event.decoded("DTSTART")
    assert event_start == starts_at
    assert event_start.replace(tzinfo=None) == datetime.datetime.combine(day, datetime.time(9, 0))
    assert event.decoded("DTEND") == ends_at

    # 3. The second company registers; the first asks it for a meeting inside the programme.
    partner = open_page()
    log_in(partner, server, other_owner, mfa=False)
    register_for(partner, server, exchange, OTHER_MOTIVATION)

    sme.reload()
    sme.get_by_role("link", name="Meetings: whom to meet and your agenda").click()
    meetings_url = f"{exchange_url}meetings/"
    expect(sme).to_have_url(meetings_url)
    expect(sme.get_by_role("heading", level=1)).to_have_text(f"Meetings at “{TITLE}”")
    expect(sme.get_by_role("main")).to_contain_text("meetings are arranged inside it")
    expect(sme.get_by_role("region", name="Your agenda")).to_contain_text("No meetings yet.")
    whom = sme.get_by_role("region", name="Whom to meet")
    expect(whom.get_by_role("listitem").filter(has_text=OTHER)).to_contain_text("1 theme in common")
    axe_check(sme)

    # A time after the programme ends is refused at the field, and what was typed is kept.
    request_meeting(sme, OTHER, f"{day.isoformat()}T18:00", OUT_OF_PROGRAMME)
    expect(sme).to_have_url(meetings_url)
    starts = meeting_form(sme).get_by_label(label("Starts (local time of the exchange)"))
    expect(starts).to_have_attribute("aria-invalid", "true")
    expect(starts).to_have_accessible_description(
        re.compile(r"Choose a time inside the programme: .+ \(Europe/Berlin\)\.")
    )
    expect(meeting_form(sme).get_by_label(label("What you would like to talk about"))).to_have_value(OUT_OF_PROGRAMME)
    expect(starts).to_have_value(f"{day.isoformat()}T18:00")
    assert not Meeting.objects.exists()
    axe_check(sme)

    request_meeting(sme, OTHER, f"{day.isoformat()}T11:00", TOPIC)
    expect(sme).to_have_url(meetings_url)
    expect(sme.get_by_role("status")).to_contain_text("Your request has been sent; you will hear when they answer.")
    expect(agenda_row(sme, OTHER)).to_contain_text(TOPIC)
    expect(agenda_row(sme, OTHER)).to_contain_text("Requested")
    expect(agenda_row(sme, OTHER).get_by_role("button", name="Accept")).to_have_count(0)
    meeting = Meeting.objects.get()
    assert meeting.starts_at == datetime.datetime.combine(day, datetime.time(11, 0), tzinfo=BERLIN)
    assert meeting.ends_at - meeting.starts_at == datetime.timedelta(minutes=30)
    axe_check(sme)

    # 4. The second company is told, accepts, and both have the meeting in their agenda.
    partner.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(partner.get_by_role("main")).to_contain_text(f"{COMPANY} asks to meet you at “{TITLE}”")
    partner.goto(exchange_url)
    partner.get_by_role("link", name="Meetings: whom to meet and your agenda").click()
    expect(partner).to_have_url(meetings_url)
    expect(agenda_row(partner, COMPANY)).to_contain_text("Requested")
    axe_check(partner)
    agenda_row(partner, COMPANY).get_by_role("button", name="Accept", exact=True).click()
    expect(partner).to_have_url(meetings_url)
    expect(partner.get_by_role("status")).to_contain_text("Your answer has been sent.")
    expect(agenda_row(partner, COMPANY)).to_contain_text("Accepted")
    expect(agenda_row(partner, COMPANY).get_by_role("button")).to_have_count(0)
    axe_check(partner)
    sme.reload()
    expect(agenda_row(sme, OTHER)).to_contain_text(TOPIC)
    expect(agenda_row(sme, OTHER)).to_contain_text("Accepted")
    assert Meeting.objects.get().state == Meeting.State.ACCEPTED

    # 5. The organiser marks the exchange held and records attendance; its page shows the figures.
    organiser.goto(exchange_url)
    organiser.get_by_role("button", name="Mark held").click()
    expect(organiser.get_by_role("status")).to_contain_text("An exchange can be marked held once it has started.")
    # The service refuses "held" before the exchange has started: move the exchange and its meeting into
    # the past (a queryset update, outside the services) as if the day had come and gone.
    shift = (starts_at - timezone.now()) + datetime.timedelta(days=2)
    Exchange.objects.filter(pk=exchange.pk).update(starts_at=F("starts_at") - shift, ends_at=F("ends_at") - shift)
    Meeting.objects.filter(exchange=exchange).update(starts_at=F("starts_at") - shift, ends_at=F("ends_at") - shift)
    organiser.reload()
    organiser.get_by_role("button", name="Mark held").click()
    expect(organiser).to_have_url(exchange_url)
    expect(organiser.get_by_role("main")).to_contain_text("Status: Held")
    expect(organiser.get_by_role("button", name="Mark held")).to_have_count(0)
    figures = organiser.get_by_role("region", name="In figures")
    expect(figures.get_by_role("listitem")).to_contain_text(["Registered: 2", "Attended: 0", "Meetings held: 1"])
    axe_check(organiser)

    organiser.get_by_role("link", name="Registrations and attendance").click()
    expect(organiser).to_have_url(manage_url)
    rows = organiser.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text=COMPANY)).to_contain_text(MOTIVATION)
    expect(rows.filter(has_text=OTHER)).to_contain_text("Confirmed")
    expect(organiser.get_by_role("region", name="Meetings")).to_contain_text(f"{COMPANY} – {OTHER} · Accepted")
    axe_check(organiser)
    organiser.get_by_role("checkbox", name=f"{COMPANY} attended").check()
    organiser.get_by_role("checkbox", name=f"{OTHER} attended").check()
    organiser.get_by_role("button", name="Save attendance").click()
    expect(organiser).to_have_url(manage_url)
    expect(organiser.get_by_role("status")).to_contain_text("Attendance is saved.")
    expect(organiser.get_by_role("checkbox", name=f"{COMPANY} attended")).to_be_checked()
    expect(organiser.get_by_role("checkbox", name=f"{OTHER} attended")).to_be_checked()
    assert set(exchange.registrations.values_list("attended", flat=True)) == {True}

    organiser.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=TITLE).click()
    expect(organiser).to_have_url(exchange_url)
    figures = organiser.get_by_role("region", name="In figures")
    expect(figures.get_by_role("listitem")).to_contain_text(["Registered: 2", "Attended: 2", "Meetings held: 1"])
    sme.goto(server + "/notifications/")
    expect(sme.get_by_role("main")).to_contain_text(f"Thank you for taking part in “{TITLE}”. Your meetings there: 1.")
    assert organiser.evaluate("typeof window.htmx") == "object"

    # 6. Without JavaScript: both companies register for a second exchange and agree on a meeting there.
    second_day = day + datetime.timedelta(days=7)
    second = ExchangeFactory(
        lab=developer_a.business_developer.lab,
        created_by=developer_a,
        title_en=SECOND_TITLE,
        starts_at=datetime.datetime.combine(second_day, datetime.time(10, 0), tzinfo=BERLIN),
    )
    second_url = f"{server}/exchanges/{second.pk}/"
    no_js_sme = browser.new_context(
        locale="en-US", java_script_enabled=False, storage_state=sme.context.storage_state()
    )
    no_js_partner = browser.new_context(
        locale="en-US", java_script_enabled=False, storage_state=partner.context.storage_state()
    )
    try:
        for context in (no_js_sme, no_js_partner):
            context.set_default_timeout(10_000)
        plain_sme = no_js_sme.new_page()
        plain_partner = no_js_partner.new_page()
        register_for(plain_sme, server, second, MOTIVATION)
        assert plain_sme.evaluate("typeof window.htmx") == "undefined", "the page's scripts ran"
        register_for(plain_partner, server, second, OTHER_MOTIVATION)
        assert set(second.registrations.values_list("state", flat=True)) == {Registration.State.CONFIRMED}

        plain_sme.get_by_role("link", name="Meetings: whom to meet and your agenda").click()
        expect(plain_sme).to_have_url(f"{second_url}meetings/")
        request_meeting(plain_sme, OTHER, f"{second_day.isoformat()}T11:00", SECOND_TOPIC)
        expect(plain_sme.get_by_role("status")).to_contain_text("Your request has been sent")
        expect(agenda_row(plain_sme, OTHER)).to_contain_text("Requested")

        plain_partner.goto(f"{second_url}meetings/")
        agenda_row(plain_partner, COMPANY).get_by_role("button", name="Accept", exact=True).click()
        expect(plain_partner).to_have_url(f"{second_url}meetings/")
        expect(plain_partner.get_by_role("status")).to_contain_text("Your answer has been sent.")
        expect(agenda_row(plain_partner, COMPANY)).to_contain_text(SECOND_TOPIC)
        expect(agenda_row(plain_partner, COMPANY)).to_contain_text("Accepted")
        plain_sme.reload()
        expect(agenda_row(plain_sme, OTHER)).to_contain_text("Accepted")
        second_meeting = Meeting.objects.get(exchange=second)
        assert second_meeting.state == Meeting.State.ACCEPTED
        assert second_meeting.starts_at == datetime.datetime.combine(second_day, datetime.time(11, 0), tzinfo=BERLIN)
    finally:
        no_js_sme.close()
        no_js_partner.close()

    assert not console_errors, console_errors
    assert not open_page.errors, open_page.errors
