"""The demo's exchanges: every kind past and upcoming, by Labs and posts in DE, CN and US, in the places'
time zones; a full one with a waiting list, one waiting for approval, held ones with attendance; idempotent."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from demo.companies import seed_companies
from demo.exchanges import EXCHANGES, seed_exchanges
from demo.labs import seed_programme
from exchanges.models import Exchange, Registration
from exchanges.selectors import exchange_figures, places_taken
from opportunities.models import Notification

pytestmark = pytest.mark.django_db

OWNER = "sme.owner@demo.creativelabs.example"


def _counts() -> tuple:
    return (
        Exchange.objects.count(),
        Exchange.history.count(),
        Registration.objects.count(),
        Registration.history.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def seeded(monkeypatch):
    # The companies without their portfolios' images (tests/demo/test_companies.py): a few seconds less.
    monkeypatch.setattr("demo.companies._seed_portfolio", lambda *args: None)
    seed_programme()
    seed_companies()
    registrations = seed_exchanges()
    return registrations, _counts()


def test_every_kind_past_and_upcoming_by_labs_and_posts_in_their_time_zones(seeded):
    registrations, _ = seeded
    assert Exchange.objects.count() == len(EXCHANGES)
    assert registrations == Registration.objects.count() >= 40
    upcoming, past = Exchange.objects.upcoming(), Exchange.objects.past()
    assert set(upcoming.values_list("kind", flat=True)) == set(Exchange.Kind.values)
    assert set(past.values_list("kind", flat=True)) == set(Exchange.Kind.values)
    assert upcoming.count() + past.count() == Exchange.objects.count()
    assert not past.filter(status=Exchange.Status.PUBLISHED).exists()  # every past one is marked held
    assert Exchange.objects.filter(lab__isnull=False).exists()
    assert set(Exchange.objects.filter(post__isnull=False).values_list("country_id", flat=True)) == {"DE", "CN", "US"}
    zones = set(Exchange.objects.values_list("time_zone", flat=True))
    assert {"Europe/Berlin", "Asia/Shanghai", "America/New_York"} <= zones
    now = timezone.now()
    for exchange in Exchange.objects.all():
        exchange.full_clean()
        assert exchange.title_nl and exchange.description_nl and exchange.themes.exists(), exchange
        assert 8 <= exchange.local_start.hour <= 16, exchange  # a working day's hour where it takes place
        assert exchange.registration_deadline <= exchange.local_start.date(), exchange
        assert exchange.created_at < exchange.published_at < now, exchange
        assert exchange.created_by.pk and (
            exchange.created_by.business_developer.lab_id == exchange.lab_id
            if exchange.lab_id
            else exchange.created_by.embassy_staff.post.country_id == exchange.country_id
        ), exchange
        for registration in exchange.registrations.all():
            assert exchange.published_at < registration.created_at < now, registration
            assert registration.created_at < exchange.registration_closes_at, registration
            assert registration.participants.count() == registration.seats >= 1, registration
            company = registration.company_id
            assert not registration.participants.exclude(membership__company_id=company).exists(), registration


def test_a_full_exchange_with_a_waiting_list_approval_and_attendance(seeded):
    waiting = Registration.objects.filter(state=Registration.State.WAITING)
    full = [
        exchange
        for exchange in Exchange.objects.upcoming()
        if places_taken(exchange) == exchange.capacity and exchange.registrations.filter(state="waiting").exists()
    ]
    assert len(full) == 1 and waiting.count() >= 2
    assert not waiting.exclude(exchange=full[0]).exists()

    upcoming = Exchange.objects.upcoming()
    pending = Registration.objects.filter(state=Registration.State.PENDING)
    assert pending.exists() and all(r.exchange.requires_approval and r.exchange in upcoming for r in pending)
    assert pending.filter(registered_by__email=OWNER, seats=2).exists()  # the demo owner and a colleague
    assert Registration.objects.filter(state=Registration.State.REFUSED).exists()

    for exchange in Exchange.objects.filter(status=Exchange.Status.HELD):
        figures = exchange_figures(exchange)
        assert 0 < figures["attended"] < figures["registered"], exchange
        assert not exchange.registrations.filter(state=Registration.State.CONFIRMED, attended=None).exists()
        # The messages sent while it lay ahead name its real date, and are read by now.
        for registration in exchange.registrations.filter(state=Registration.State.CONFIRMED):
            told = Notification.objects.filter(dedupe_key__startswith=f"exchange_registered:{registration.pk}:")
            assert told.exists(), registration
            for notification in told.select_related("user"):
                with override(notification.user.preferred_language):
                    when = f"{date_format(exchange.local_start, 'DATETIME_FORMAT')} ({exchange.time_zone})"
                assert notification.params["when"] == when, notification
                assert notification.read_at is not None and notification.created_at < exchange.starts_at
    assert Registration.objects.filter(registered_by__email=OWNER, attended=True).exists()
    assert Registration.objects.filter(registered_by__email=OWNER, exchange__in=upcoming).count() >= 2
    assert not Notification.objects.filter(kind__startswith="exchange_", emailed_at=None).exists()


def test_meetings_inside_the_programmes_accepted_and_asked(seeded):
    from exchanges.models import Meeting

    meetings = Meeting.objects.select_related("exchange")
    assert {m.state for m in meetings} == {Meeting.State.ACCEPTED, Meeting.State.REQUESTED}
    for meeting in meetings:
        assert meeting.exchange.starts_at <= meeting.starts_at < meeting.ends_at <= meeting.exchange.ends_at, meeting
    held = meetings.filter(exchange__status=Exchange.Status.HELD, state=Meeting.State.ACCEPTED)
    assert held.exists() and all(exchange_figures(m.exchange)["meetings"] >= 1 for m in held)
    assert meetings.filter(exchange__in=Exchange.objects.upcoming()).exists()


def test_seeding_twice_changes_nothing(seeded):
    registrations, counts = seeded
    assert seed_exchanges() == registrations
    assert _counts() == counts
