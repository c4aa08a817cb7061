import datetime
import zoneinfo

import pytest
from icalendar import Calendar

from exchanges.models import CalendarToken, Registration
from exchanges.services import calendar_token_create, calendar_token_revoke, registration_create

from .factories import ExchangeFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _at(zone: str, *args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))


# 09:00 local on either side of each place's daylight-saving change (EU: 29 March 2026, US: 8 March 2026;
# China has none), and the instants they are.
CASES = [
    ("Europe/Berlin", (2026, 3, 28, 9, 0), datetime.datetime(2026, 3, 28, 8, 0, tzinfo=UTC)),
    ("Europe/Berlin", (2026, 3, 30, 9, 0), datetime.datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
    ("America/New_York", (2026, 3, 7, 9, 0), datetime.datetime(2026, 3, 7, 14, 0, tzinfo=UTC)),
    ("America/New_York", (2026, 3, 9, 9, 0), datetime.datetime(2026, 3, 9, 13, 0, tzinfo=UTC)),
    ("Asia/Shanghai", (2026, 3, 28, 9, 0), datetime.datetime(2026, 3, 28, 1, 0, tzinfo=UTC)),
    ("Asia/Shanghai", (2026, 3, 30, 9, 0), datetime.datetime(2026, 3, 30, 1, 0, tzinfo=UTC)),
]


def _events(content: bytes):
    calendar = Calendar.from_ical(content)
    return calendar, list(calendar.walk("VEVENT"))


def test_the_public_feed_carries_the_right_utc_instants_across_daylight_saving(client, lab_a):
    for zone, local, _utc in CASES:
        start = _at(zone, *local)
        ExchangeFactory(
            lab=lab_a, time_zone=zone, starts_at=start, ends_at=start + datetime.timedelta(hours=3),
            registration_deadline=start.date(),
        )  # fmt: skip
    response = client.get("/exchanges/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar, events = _events(response.content)
    instants = sorted(e.decoded("dtstart").astimezone(UTC) for e in events)
    assert instants == sorted(utc for _zone, _local, utc in CASES)
    # Each start is written in its place's zone (TZID), with the VTIMEZONE a calendar program needs.
    assert {str(e["dtstart"].params["TZID"]) for e in events} == {"Europe/Berlin", "America/New_York", "Asia/Shanghai"}
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {
        "Europe/Berlin",
        "America/New_York",
        "Asia/Shanghai",
    }


def test_an_exchange_ics_parses_with_its_start_and_end(client, lab_a):
    start = _at("Asia/Shanghai", 2026, 11, 3, 14, 30)
    exchange = ExchangeFactory(
        lab=lab_a, time_zone="Asia/Shanghai", starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    _calendar, [event] = _events(client.get(f"/exchanges/{exchange.pk}/calendar.ics").content)
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend").astimezone(UTC) == datetime.datetime(2026, 11, 3, 8, 30, tzinfo=UTC)
    assert str(event["summary"]) == exchange.title_en


def test_personal_feed_lists_confirmed_exchanges_and_refuses_a_revoked_token(client, lab_a, sme_owner):
    mine = ExchangeFactory(lab=lab_a, title_en="Mine")
    ExchangeFactory(lab=lab_a, title_en="Not mine")
    result = registration_create(user=sme_owner, exchange=mine, participants=[sme_owner], motivation="Yes.")
    assert result.registration.state == Registration.State.CONFIRMED
    token = calendar_token_create(user=sme_owner).token
    response = client.get(f"/exchanges/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    _calendar, events = _events(response.content)
    assert [str(e["summary"]) for e in events] == ["Mine"]

    calendar_token_revoke(user=sme_owner)
    assert not CalendarToken.objects.exists()
    assert client.get(f"/exchanges/calendar/{token}.ics").status_code == 404
    # A new address is a new secret; the old one stays refused.
    assert calendar_token_create(user=sme_owner).token != token
    assert client.get(f"/exchanges/calendar/{token}.ics").status_code == 404


def test_the_list_page_links_its_calendar_feed(client, exchange):
    response = client.get("/exchanges/")
    assert b'rel="alternate" type="text/calendar"' in response.content
    assert exchange.title_en.encode() in response.content
