"""Demo exchanges around themes (`data/exchanges.json`): past and upcoming ones of every kind, and registrations.

Eleven exchanges, each kind both past and upcoming, organised by the demo's Labs and by posts in DE, CN and
US, at their places' times in the places' own time zones (Europe/Berlin, Asia/Shanghai, America/New_York,
and Europe/Amsterdam for the delegations that visit the Netherlands). Demo companies register with their
members as participants: the demo owner of Studio Fietsveilig (`data/companies.json`) and the contact
people of the deal story (`data/deals.json`, created here as `demo.deals` does when that story has not
run yet). Among them: an upcoming matchmaking day that is full with two companies on its waiting list,
registrations waiting for approval on a trade mission that needs it (one approved, one refused), and past
exchanges marked held with their attendance recorded.

Everything goes through `exchanges.services` with the demo's business developers and embassy staff as
organisers (`by`), so the rules hold: places, waiting list, approval, attendance only once held. The
services refuse the past (no registration after the deadline, no "held" before the start), so a past
exchange is made 52 weeks later than it happened (the same weekday and local time), registered for while
that is open, then dated back with a queryset update and marked held. Then every exchange is dated back:
published `announced` days before its start (at the latest an hour before the seed), registrations
spread in their order between then and the deadline (or the seed), decisions a day later, history and
notifications with them; the notifications of a past exchange say its real date and are read. The
services' notifications are kept in the app and marked as e-mailed, so no e-mail leaves while seeding.

Keys of an exchange: kind, lab (slug) or post ([country, city]), by (the organiser's e-mail), title_en,
title_nl, en, nl (descriptions), themes (slugs), city, place_country, venue, or online_url (online),
time_zone, days (of the start from the seed's day, negative in the past), start and end (local times),
length (days, 1 unless given), capacity, deadline (days before the start), audience, approval, announced,
registrations: by (a company member's e-mail), with (more members taking part), motivation, decide
(approve or refuse, by the organiser), attended (of a past one); meetings: by and with (a confirmed participant
each), hours (after the start), minutes, message, accepted (or still asked), made while the exchange lies
ahead and moved back with it. Idempotent: an exchange whose English
title exists for its organiser is left alone, with its registrations.
"""

import datetime
import zoneinfo

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from accounts.models import User
from companies.models import Company, Membership
from exchanges.matchmaking import meeting_answer, meeting_request
from exchanges.models import Exchange, Meeting, Registration
from exchanges.services import (
    exchange_create,
    exchange_transition,
    registration_create,
    registration_decide,
    registration_set_attendance,
)
from labs.models import Lab, Post, Theme
from opportunities.models import Notification
from opportunities.notifications.messages import render_message

from .accounts import demo_user
from .deals import CONTACTS
from .loader import load

EXCHANGES: list[dict] = load("exchanges.json")["exchanges"]

# How much later than it happened a past exchange is made: whole weeks, so the weekday stays.
AHEAD = datetime.timedelta(weeks=52)

# The notifications of a registration (`exchanges.services`, keyed "<kind>:<registration>:<user>") and
# when each was sent: on registering, on the organiser's decision, or once the exchange was held.
REGISTRATION_KINDS = {
    "exchange_pending": "registered",
    "exchange_waiting": "registered",
    "exchange_registered": "decided",
    "exchange_refused": "decided",
    "exchange_moved_up": "decided",
    "exchange_follow_up": "held",
}
# The notifications of a meeting ("<kind>:<meeting>:<user>"): sent as the meeting was asked or answered.
MEETING_KINDS = ("exchange_meeting_requested", "exchange_meeting_accepted", "exchange_meeting_declined")


def seed_exchanges() -> int:
    """Create the demo exchanges that don't exist yet; returns how many registrations the demo's exchanges hold.

    Needs the Labs, posts and staff (`demo.labs.seed_programme`) and the companies (`demo.companies`).
    """
    with transaction.atomic():
        now = timezone.now()
        before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
        people: dict[str, User] = {}
        exchanges = []
        for spec in EXCHANGES:
            organiser = _organiser(spec)
            exchange = Exchange.objects.filter(title_en=spec["title_en"], **organiser).first()
            if exchange is None:
                exchange = _seed(spec, organiser, people, now)
            exchanges.append(exchange)
        # The demo tells its story in the app only: mark its notifications as sent, so no e-mail goes out.
        Notification.objects.filter(
            pk__gt=before, opportunity=None, kind__startswith="exchange_", emailed_at=None
        ).update(emailed_at=now)
        return Registration.objects.filter(exchange__in=exchanges).count()


def _organiser(spec: dict) -> dict:
    if "lab" in spec:
        return {"lab": Lab.objects.select_related("country").get(slug=spec["lab"]), "post": None}
    country, city = spec["post"]
    return {"lab": None, "post": Post.objects.select_related("country").get(country_id=country, city=city)}


def _local(day: datetime.date, clock: str, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(clock), tzinfo=zone)


def _seed(spec: dict, organiser: dict, people: dict, now: datetime.datetime) -> Exchange:
    zone = zoneinfo.ZoneInfo(spec["time_zone"])
    first_day = timezone.localtime(now, zone).date() + datetime.timedelta(days=spec["days"])
    last_day = first_day + datetime.timedelta(days=spec.get("length", 1) - 1)
    past = spec["days"] < 0
    # A past exchange is made while its registration is open, and moved back below.
    ahead = AHEAD if past else datetime.timedelta(0)
    author = User.objects.get(email=spec["by"])
    online = "online_url" in spec
    exchange = exchange_create(
        user=author,
        themes=list(Theme.objects.filter(slug__in=spec["themes"])),
        **organiser,
        country=(organiser["lab"] or organiser["post"]).country,
        kind=Exchange.Kind(spec["kind"]),
        title_en=spec["title_en"],
        title_nl=spec["title_nl"],
        description_en=spec["en"],
        description_nl=spec["nl"],
        is_online=online,
        online_url=spec.get("online_url", ""),
        city=spec.get("city", ""),
        place_country=spec.get("place_country", ""),
        venue=spec.get("venue", ""),
        time_zone=spec["time_zone"],
        starts_at=_local(first_day + ahead, spec["start"], zone),
        ends_at=_local(last_day + ahead, spec["end"], zone),
        capacity=spec["capacity"],
        registration_deadline=first_day + ahead - datetime.timedelta(days=spec["deadline"]),
        audience=Exchange.Audience(spec["audience"]),
        requires_approval=spec["approval"],
    )
    exchange_transition(user=author, exchange=exchange, action="publish")
    registrations = []
    for entry in spec["registrations"]:
        person = _member(entry["by"], people)
        participants = [person] + [_member(email, people) for email in entry.get("with", [])]
        result = registration_create(
            user=person, exchange=exchange, participants=participants, motivation=entry["motivation"]
        )
        registrations.append((result.registration, entry))
    for registration, entry in registrations:
        if "decide" in entry:
            registration_decide(user=author, registration=registration, approve=entry["decide"] == "approve")
    for entry in spec.get("meetings", []):
        _meet(exchange, entry, people)
    if past:
        Meeting.objects.filter(exchange=exchange).update(starts_at=F("starts_at") - ahead, ends_at=F("ends_at") - ahead)
        Exchange.objects.filter(pk=exchange.pk).update(
            starts_at=_local(first_day, spec["start"], zone),
            ends_at=_local(last_day, spec["end"], zone),
            registration_deadline=first_day - datetime.timedelta(days=spec["deadline"]),
        )
        exchange_transition(user=author, exchange=exchange, action="hold")
        attended = {registration.pk for registration, entry in registrations if entry.get("attended")}
        registration_set_attendance(user=author, exchange=exchange, attended_ids=attended)
    exchange.refresh_from_db()
    _date_back(exchange, spec, registrations, now, moved=past)
    return exchange


def _meet(exchange: Exchange, entry: dict, people: dict) -> None:
    """A meeting between two confirmed participants, `hours` after the start, accepted or still asked."""
    asking, asked = _member(entry["by"], people), _member(entry["with"], people)
    invitee = exchange.registrations.get(participants=asked, state=Registration.State.CONFIRMED)
    meeting = meeting_request(
        user=asking,
        exchange=exchange,
        invitee_id=invitee.pk,
        starts_at=exchange.starts_at + datetime.timedelta(hours=entry["hours"]),
        minutes=entry["minutes"],
        message=entry["message"],
    )
    if entry["accepted"]:
        meeting_answer(user=asked, meeting=meeting, accept=True)


def _member(email: str, people: dict) -> User:
    """A company member's login: one made by the companies' seed, or a deal-story contact made here."""
    if email not in people:
        user = User.objects.filter(email=email, membership__isnull=False).first()
        if user is None:
            slug, contact = next((s, c) for s, c in CONTACTS.items() if c["email"] == email)
            company = Company.objects.get(slug=slug)
            person = demo_user(contact["email"], contact["full_name"], language=contact["language"])
            membership, created = Membership.objects.update_or_create(
                user=person, defaults={"company": company, "role": Membership.Role.OWNER}
            )
            if created:  # the contact registered the company, as in demo.deals
                Membership.objects.filter(pk=membership.pk).update(created_at=company.created_at)
            user = User.objects.get(pk=person.pk)
        people[email] = user
    return people[email]


def _date_back(exchange: Exchange, spec: dict, registrations: list, now: datetime.datetime, *, moved: bool) -> None:
    """Date the exchange, its registrations, their history and notifications back (the module's docstring)."""
    hour, day = datetime.timedelta(hours=1), datetime.timedelta(days=1)
    published = min(exchange.starts_at - datetime.timedelta(days=spec["announced"]), now - hour)
    created = published - 2 * day
    first, closes = published + day, min(exchange.registration_closes_at, now) - hour
    if first >= closes:
        raise ValueError(f"{spec['title_en']}: announced too late for its registrations (see `announced`)")
    held = min(exchange.ends_at + day, now) if exchange.status == Exchange.Status.HELD else None
    Exchange.objects.filter(pk=exchange.pk).update(
        created_at=created, published_at=published, updated_at=held or published
    )
    if moved:  # the versions from before the move say the real dates too
        exchange.history.update(
            starts_at=exchange.starts_at,
            ends_at=exchange.ends_at,
            registration_deadline=exchange.registration_deadline,
        )
    moments = {Exchange.Status.DRAFT: created, Exchange.Status.PUBLISHED: published, Exchange.Status.HELD: held}
    for status, moment in moments.items():
        exchange.history.filter(status=status).update(history_date=moment)
    for index, (registration, entry) in enumerate(registrations, start=1):
        registered = first + (closes - first) * index / (len(registrations) + 1)
        decided = min(registered + day, closes) if "decide" in entry else registered
        Registration.objects.filter(pk=registration.pk).update(created_at=registered, updated_at=held or decided)
        # Its versions: as registered (`registration` is the service's answer then), decided, attendance once held.
        versions = Registration.history.filter(id=registration.pk, attended=None)
        versions.filter(state=registration.state).update(history_date=registered)
        versions.exclude(state=registration.state).update(history_date=decided)
        Registration.history.filter(id=registration.pk, attended__isnull=False).update(history_date=held or decided)
        times = {"registered": registered, "decided": decided, "held": held or decided}
        for kind, when in REGISTRATION_KINDS.items():
            told = times[when]
            notifications = Notification.objects.filter(dedupe_key__startswith=f"{kind}:{registration.pk}:")
            notifications.update(created_at=told, read_at=told + hour if held else None)
            if moved:
                _say_the_real_date(notifications, exchange)
    # Meetings were arranged as registration closed; a past exchange's notifications name the real slot.
    for meeting in Meeting.objects.filter(exchange=exchange):
        Meeting.objects.filter(pk=meeting.pk).update(
            created_at=closes, answered_at=closes + hour if meeting.answered_at else None
        )
        for kind in MEETING_KINDS:
            notifications = Notification.objects.filter(dedupe_key__startswith=f"{kind}:{meeting.pk}:")
            notifications.update(created_at=closes, read_at=closes + hour if held else None)
            if moved:
                for notification in notifications.select_related("user"):
                    with override(notification.user.preferred_language):
                        slot = f"{date_format(meeting.local_start, 'DATETIME_FORMAT')} ({exchange.time_zone})"
                        params = {**notification.params, "slot": slot}
                        notification.params = params
                        notification.message = render_message(notification.kind, params)[:300]
                    notification.save(update_fields=["params", "message"])


def _say_the_real_date(notifications, exchange: Exchange) -> None:
    """A notification written while a past exchange lay ahead names that date: write the real one, as the service."""
    for notification in notifications.select_related("user"):
        with override(notification.user.preferred_language):
            when = f"{date_format(exchange.local_start, 'DATETIME_FORMAT')} ({exchange.time_zone})"
            params = {**notification.params, "when": when}
            notification.params, notification.message = params, render_message(notification.kind, params)[:300]
        notification.save(update_fields=["params", "message"])
