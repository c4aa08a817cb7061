"""iCalendar (.ics) files of exchanges, built with the `icalendar` library.

Each event carries its start and end in the place's time zone (DTSTART;TZID=Asia/Shanghai:...) with
the VTIMEZONE that zone needs, so calendar programs show the same instant everywhere.
"""

import datetime

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from icalendar import Calendar, Event, Timezone

from .models import Exchange

PRODID = "-//Creative Labs//Exchanges//EN"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def exchange_event(exchange: Exchange) -> Event:
    event = Event()
    event.add("uid", f"exchange-{exchange.pk}@{settings.SITE_URL.split('://')[-1].rstrip('/')}")
    event.add("dtstamp", exchange.updated_at or datetime.datetime.now(datetime.UTC))
    event.add("dtstart", exchange.local_start)
    event.add("dtend", exchange.local_end)
    event.add("summary", exchange.title)
    event.add("description", exchange.description)
    event.add("location", exchange.online_url if exchange.is_online and exchange.online_url else exchange.place)
    event.add("url", settings.SITE_URL + exchange.get_absolute_url())
    event.add("status", "CANCELLED" if exchange.status == Exchange.Status.CANCELLED else "CONFIRMED")
    return event


def meeting_event(meeting) -> Event:
    """An accepted meeting at an exchange, in the exchange's time zone (its VTIMEZONE comes with the exchange)."""
    exchange = meeting.exchange
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{settings.SITE_URL.split('://')[-1].rstrip('/')}")
    event.add("dtstamp", meeting.answered_at or meeting.created_at or datetime.datetime.now(datetime.UTC))
    event.add("dtstart", meeting.local_start)
    event.add("dtend", meeting.local_end)
    requester, invitee = meeting.requester, meeting.invitee
    sides = f"{requester.company or requester.registered_by} – {invitee.company or invitee.registered_by}"
    event.add("summary", f"{sides} ({exchange.title})")
    event.add("description", meeting.message)
    event.add("location", exchange.place)
    event.add("url", settings.SITE_URL + reverse("exchanges:meetings", kwargs={"pk": exchange.pk}))
    event.add("status", "CONFIRMED")
    return event


def calendar_of(exchanges, *, name: str) -> Calendar:
    calendar = _calendar(name)
    exchanges = list(exchanges)
    for zone in sorted({e.time_zone for e in exchanges}):
        starts = [e.starts_at for e in exchanges if e.time_zone == zone]
        ends = [e.ends_at for e in exchanges if e.time_zone == zone]
        calendar.add_component(Timezone.from_tzid(zone, first_date=min(starts).date(), last_date=max(ends).date()))
    for exchange in exchanges:
        calendar.add_component(exchange_event(exchange))
    return calendar


def ics_response(calendar: Calendar, *, filename: str, private: bool = False) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
