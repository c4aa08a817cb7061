"""Matchmaking at an exchange: companies to invite, meetings inside the programme, the follow-up."""

import datetime

import pytest
from icalendar import Calendar

from exchanges.matchmaking import MeetingError, meeting_answer, meeting_request, suggest_companies
from exchanges.models import Exchange, ExchangeSuggestion, Meeting
from exchanges.services import exchange_transition, registration_create, registration_set_attendance
from opportunities.models import Notification
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _confirmed(exchange, user):
    return registration_create(user=user, exchange=exchange, participants=[user], motivation="Routes.").registration


@pytest.fixture
def other_owner(db):
    company = CompanyFactory(name="Orbit and Oar", slug="orbit-and-oar")
    return MembershipFactory(company=company, user=UserFactory(email="owner@orbit.example")).user


@pytest.fixture
def two_registered(exchange, sme_owner, other_owner):
    # A programme from a whole hour, as an organiser types it.
    start = exchange.starts_at.replace(minute=0, second=0, microsecond=0)
    Exchange.objects.filter(pk=exchange.pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=4))
    exchange.refresh_from_db()
    return _confirmed(exchange, sme_owner), _confirmed(exchange, other_owner)


def _at(exchange, hours: float):
    return exchange.starts_at + datetime.timedelta(hours=hours)


def test_a_meeting_is_asked_accepted_and_in_both_agendas_and_calendars(
    login, exchange, sme_owner, other_owner, two_registered
):
    own, other = two_registered
    client = login(sme_owner)
    local = (exchange.local_start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/exchanges/{exchange.pk}/meetings/",
        {"invitee": other.pk, "starts_at": local, "minutes": 30, "message": "Bike racks."},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at == _at(exchange, 1) and meeting.requester == own
    assert Notification.objects.filter(user=other_owner, kind="exchange_meeting_requested").exists()
    login(other_owner).post(f"/exchanges/meetings/{meeting.pk}/answer/", {"decision": "accept"})
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.ACCEPTED
    assert Notification.objects.filter(user=sme_owner, kind="exchange_meeting_accepted").exists()
    for user in (sme_owner, other_owner):
        page = login(user).get(f"/exchanges/{exchange.pk}/meetings/")
        assert [m.pk for m in page.context["agenda"]] == [meeting.pk]
        ics = Calendar.from_ical(login(user).get(f"/exchanges/{exchange.pk}/meetings.ics").content)
        starts = [e.decoded("dtstart") for e in ics.walk("VEVENT") if str(e["uid"]).startswith("meeting-")]
        assert starts == [meeting.starts_at]


@pytest.mark.parametrize(
    ("hours", "minutes", "message"),
    [
        (-1, 30, "inside the programme"),  # before it starts
        (3.75, 30, "inside the programme"),  # ends after it ends (4 hours)
        (1, 5, "valid choice"),
    ],
)
def test_a_meeting_outside_the_programme_or_too_short_is_refused_at_the_time(
    login, exchange, sme_owner, two_registered, hours, minutes, message
):
    _own, other = two_registered
    local = (exchange.local_start + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")
    response = login(sme_owner).post(
        f"/exchanges/{exchange.pk}/meetings/",
        {"invitee": other.pk, "starts_at": local, "minutes": minutes, "message": "Kept text."},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in str(errors.get("starts_at") or errors.get("minutes"))
    assert "Kept text." in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_meeting_with_oneself_or_an_overlapping_one_is_refused(exchange, sme_owner, other_owner, two_registered):
    own, other = two_registered
    with pytest.raises(MeetingError, match="yourself"):
        meeting_request(
            user=sme_owner, exchange=exchange, invitee_id=own.pk, starts_at=_at(exchange, 1), minutes=30, message="x"
        )
    first = meeting_request(
        user=sme_owner, exchange=exchange, invitee_id=other.pk, starts_at=_at(exchange, 1), minutes=60, message="x"
    )
    meeting_answer(user=other_owner, meeting=first, accept=True)
    with pytest.raises(MeetingError, match="meeting at that time"):
        meeting_request(
            user=other_owner,
            exchange=exchange,
            invitee_id=own.pk,
            starts_at=_at(exchange, 1.5),
            minutes=30,
            message="y",
        )
    # The same request twice is one request.
    again = meeting_request(
        user=sme_owner, exchange=exchange, invitee_id=other.pk, starts_at=_at(exchange, 1), minutes=60, message="x"
    )
    assert again.pk == first.pk and Meeting.objects.count() == 1


def test_only_the_invitee_answers_and_only_participants_see_meetings(
    login, exchange, sme_owner, other_owner, two_registered, outsider_sme
):
    _own, other = two_registered
    meeting = meeting_request(
        user=sme_owner, exchange=exchange, invitee_id=other.pk, starts_at=_at(exchange, 2), minutes=30, message="x"
    )
    with pytest.raises(MeetingError):
        meeting_answer(user=sme_owner, meeting=meeting, accept=True)
    assert login(outsider_sme).get(f"/exchanges/{exchange.pk}/meetings/").status_code == 403
    assert (
        login(outsider_sme).post(f"/exchanges/meetings/{meeting.pk}/answer/", {"decision": "accept"}).status_code == 404
    )


def test_the_engine_suggests_companies_to_invite_and_an_invitation_is_sent_once(
    login, exchange, developer_a, company, sme_owner
):
    from labs.models import Theme

    mobility = Theme.objects.get(slug="mobility")
    exchange.themes.add(mobility)
    company.themes.add(mobility)
    company.pitch = "Safe cycling routes and mobility plans for cities."
    company.save()
    assert suggest_companies(exchange) >= 1
    suggestion = ExchangeSuggestion.objects.get(exchange=exchange, company=company)
    assert any(part["name"] == "themes" and part["value"] > 0 for part in suggestion.parts)
    client = login(developer_a)
    assert company.name in client.get(f"/exchanges/{exchange.pk}/registrations/").content.decode()
    for _ in range(2):
        client.post(f"/exchanges/suggestions/{suggestion.pk}/invite/")
    assert Notification.objects.filter(user=sme_owner, kind="exchange_invited").count() == 1
    # Counted again, the invitation is kept.
    suggest_companies(exchange)
    assert ExchangeSuggestion.objects.get(exchange=exchange, company=company).invited_at is not None


def test_attendees_get_one_follow_up_with_their_meetings(exchange, developer_a, sme_owner, other_owner, two_registered):
    own, other = two_registered
    meeting = meeting_request(
        user=sme_owner, exchange=exchange, invitee_id=other.pk, starts_at=_at(exchange, 1), minutes=30, message="x"
    )
    meeting_answer(user=other_owner, meeting=meeting, accept=True)
    Exchange.objects.filter(pk=exchange.pk).update(
        starts_at=exchange.starts_at - datetime.timedelta(days=31),
        ends_at=exchange.ends_at - datetime.timedelta(days=31),
    )
    exchange.refresh_from_db()
    exchange_transition(user=developer_a, exchange=exchange, action="hold")
    for _ in range(2):
        registration_set_attendance(user=developer_a, exchange=exchange, attended_ids={own.pk})
    follow_ups = Notification.objects.filter(kind="exchange_follow_up")
    assert list(follow_ups.values_list("user", flat=True)) == [sme_owner.pk]
    assert "Your meetings there: 1" in follow_ups.get().text
    from exchanges.selectors import exchange_figures

    figures = exchange_figures(exchange)
    assert (figures["meetings"], figures["attended"], figures["interests"], figures["deals"]) == (1, 1, 0, 0)


def test_an_exchange_for_companies_and_organisations_takes_an_organisation_member(
    login, exchange, org_member, plain_user
):
    Exchange.objects.filter(pk=exchange.pk).update(audience=Exchange.Audience.ORGANISATIONS)
    client = login(org_member)
    assert client.post(f"/exchanges/{exchange.pk}/register/", {"motivation": "Care homes."}).status_code == 302
    registration = exchange.registrations.get()
    assert registration.company is None and registration.registered_by == org_member
    assert list(registration.participants.all()) == [org_member]
    # Someone with no company and no organisation is not in that audience.
    assert login(plain_user).get(f"/exchanges/{exchange.pk}/register/").status_code == 403


def test_the_programme_dashboard_shows_each_exchange_and_what_came_of_it(
    login, exchange, developer_a, developer_b, sme_owner, other_owner, two_registered
):
    from exchanges.selectors import exchange_figures, exchanges_in_figures
    from tests.opportunities.factories import InterestFactory, OpportunityFactory

    own, other = two_registered
    meeting = meeting_request(
        user=sme_owner, exchange=exchange, invitee_id=other.pk, starts_at=_at(exchange, 1), minutes=30, message="x"
    )
    meeting_answer(user=other_owner, meeting=meeting, accept=True)
    Exchange.objects.filter(pk=exchange.pk).update(
        starts_at=exchange.starts_at - datetime.timedelta(days=31),
        ends_at=exchange.ends_at - datetime.timedelta(days=31),
    )
    exchange.refresh_from_db()
    InterestFactory(company=own.company, opportunity=OpportunityFactory(lab=exchange.lab, status="published"))
    [row] = exchanges_in_figures(developer_a)
    figures = exchange_figures(exchange)
    assert (row.registered, row.attended, row.meetings_held, row.interests, row.deals) == (
        figures["registered"], figures["attended"], figures["meetings"], figures["interests"], figures["deals"],
    ) == (2, 0, 1, 1, 0)  # fmt: skip
    assert list(exchanges_in_figures(developer_b)) == []  # another Lab's
    page = login(developer_a).get("/insights/", {"period": "all"}).content.decode()
    assert "Exchanges and what came of them" in page and exchange.title in page
