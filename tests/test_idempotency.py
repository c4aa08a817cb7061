"""Every write action, sent twice: the second identical request changes nothing and sends nothing.

One table, `ACTIONS`: a row names who posts, where, what, and the effect one request has (rows counted
before and after, e-mails in `mail.outbox`). Each row runs twice: the two requests one after the other
(any database: a double click, a browser re-sending a form), and at the same moment from two threads
with their own client and database connection (PostgreSQL: only there do the row locks that make it
hold really wait for each other). Either way the effect must be exactly that of one request.

A new write action is a new row.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from api.models import ApiKey
from companies.models import CompanyInvitation, Discipline, Membership, PortfolioItem
from companies.services import team_invitation_token
from exchanges.models import CalendarToken, Exchange, ExchangeSuggestion, Meeting, Registration
from labs.models import BusinessDeveloper, Organisation, OrganisationContact, OrganisationMember, RoleInvitation, Theme
from labs.services import role_invitation_token
from networks.models import Answer as NetworkAnswer
from networks.models import HelpRequest, Network
from networks.models import Membership as NetworkMembership
from opportunities.deals.links import deal_confirmation_token
from opportunities.interests.selectors import fee_note_digest
from opportunities.models import (
    Deal,
    Interest,
    Introduction,
    Notification,
    Opportunity,
    OpportunityEvent,
    OutsideWin,
    SavedSearch,
    Status,
    Suggestion,
    SuggestionAction,
)
from tests.conftest import requires_postgres
from tests.factories import UserFactory

from .opportunities.factories import InterestFactory, OpportunityFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class World:
    """The fixtures a row asks for, by attribute."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)


@dataclass(frozen=True)
class Action:
    user: str  # the fixture that posts
    path: Callable[[World], str]
    data: Callable[[World], dict]
    effect: dict[str, int]  # what one request changes: a count in COUNTS -> by how much


def _count(model, **lookups) -> Callable[[World], int]:
    return lambda w: model.objects.filter(**lookups).count()


COUNTS: dict[str, Callable[[World], int]] = {
    "mails": lambda w: len(mail.outbox),
    "notifications": lambda w: Notification.objects.count(),
    "deals": lambda w: Deal.objects.count(),
    "confirmation rounds": lambda w: sum(Deal.objects.values_list("confirmation_round", flat=True)),
    "confirmed deals": _count(Deal, state=Deal.State.CONFIRMED),
    "disputed deals": _count(Deal, state=Deal.State.DISPUTED),
    "introductions": lambda w: Introduction.objects.count(),
    "outcomes recorded": lambda w: Introduction.objects.exclude(outcome_recorded_at=None).count(),
    "interests": _count(Interest, state=Interest.State.SUBMITTED),
    "answered": _count(Interest, state=Interest.State.ANSWERED),
    "withdrawn": _count(Interest, state=Interest.State.WITHDRAWN),
    "decisions": lambda w: SuggestionAction.objects.count(),
    "events": lambda w: OpportunityEvent.objects.count(),
    "opportunities": lambda w: Opportunity.objects.count(),
    "won": _count(Opportunity, status=Status.CLOSED_WON),
    "outside wins": lambda w: OutsideWin.objects.count(),
    "team invitations": lambda w: CompanyInvitation.objects.count(),
    "role invitations": lambda w: RoleInvitation.objects.count(),
    "members": lambda w: Membership.objects.count(),
    "business developers": lambda w: BusinessDeveloper.objects.count(),
    "portfolio items": lambda w: PortfolioItem.objects.count(),
    "themes": lambda w: Theme.objects.count(),
    "organisations": lambda w: Organisation.objects.count(),
    "organisation contacts": lambda w: OrganisationContact.objects.count(),
    "organisation members": lambda w: OrganisationMember.objects.count(),
    "api keys": lambda w: ApiKey.objects.count(),
    "saved searches": lambda w: SavedSearch.objects.count(),
    "renamed searches": _count(SavedSearch, name="Renamed", frequency="weekly"),
    "exchanges": lambda w: Exchange.objects.count(),
    "published exchanges": _count(Exchange, status=Exchange.Status.PUBLISHED),
    "registrations": _count(Registration, state=Registration.State.CONFIRMED),
    "cancelled registrations": _count(Registration, state=Registration.State.CANCELLED),
    "calendar tokens": lambda w: CalendarToken.objects.count(),
    "revoked api keys": lambda w: ApiKey.objects.exclude(revoked_at=None).count(),
    "meetings asked": _count(Meeting, state=Meeting.State.REQUESTED),
    "meetings accepted": _count(Meeting, state=Meeting.State.ACCEPTED),
    "invited companies": lambda w: ExchangeSuggestion.objects.exclude(invited_at=None).count(),
    "networks": lambda w: Network.objects.count(),
    "archived networks": _count(Network, status=Network.Status.ARCHIVED),
    "asking to join": _count(NetworkMembership, state=NetworkMembership.State.PENDING),
    "network members": _count(NetworkMembership, state=NetworkMembership.State.ACCEPTED),
    "help requests": _count(HelpRequest, status=HelpRequest.Status.OPEN),
    "answered requests": _count(HelpRequest, status=HelpRequest.Status.ANSWERED),
    "offers of help": _count(NetworkAnswer, state=NetworkAnswer.State.OFFERED),
    "accepted offers": _count(NetworkAnswer, state=NetworkAnswer.State.ACCEPTED),
}

TODAY = timezone.localdate


def _won(**overrides):
    def data(w):
        values = {
            "outcome": "won",
            "value": "12500.00",
            "currency": "EUR",
            "closed_on": TODAY().isoformat(),
            "description": "Campaign and game.",
            "note": "Signed.",
        }
        return {**values, **overrides}

    return data


def _interest_form(w):
    opportunity = w.opportunity
    return {
        "motivation": "We built Safe Cycling Quest.",
        "contact": w.sme_owner.pk,
        "accept_fee": "on",
        "fee_percentage": str(opportunity.fee_percentage),
        "fee_digest": fee_note_digest(opportunity),
    }


def _key_list(w) -> str:
    """The admin's list of keys, once the key to revoke exists (made before the counts are taken)."""
    assert w.partner_key.pk
    return "/admin/api/apikey/"


def _opportunity_form(w):
    return {
        "lab": w.lab_a.pk,
        "title": "Healthy school playgrounds",
        "summary": "Playgrounds that get children moving.",
        "brief": "A district wants playground designs that fight obesity.",
        "client_name": "District of Mitte",
        "city": "Berlin",
        "themes": [Theme.objects.get(slug="health-obesity").pk],
        "required_disciplines": [Discipline.objects.get(slug="landscape-architecture").pk],
        "budget_band": "25k-100k",
        "currency": "EUR",
        "deadline": (TODAY() + datetime.timedelta(days=21)).isoformat(),
        "languages": ["de", "en"],
        "fee_percentage": "7.5",
        "fee_note": "Introduction and local follow-up.",
    }


ACTIONS: dict[str, Action] = {
    # Introductions and deals
    "introduce": Action(
        "developer_a",
        lambda w: f"/interests/{w.interest.pk}/introduce/",
        lambda w: {"client_contact_name": "Anna Schmidt", "client_contact_email": "anna@berlin.example"},
        # the introduction; the company is told (a notification and its e-mail); one e-mail to each side,
        # each recorded as a notification to the developer
        {"introductions": 1, "answered": 1, "interests": -1, "decisions": 1, "notifications": 3, "mails": 3},
    ),
    "record outcome: won": Action(
        "developer_a",
        lambda w: f"/introductions/{w.introduction.pk}/outcome/",
        _won(),
        # the deal, its first round, the company's notification with its link and the e-mail
        {"deals": 1, "confirmation rounds": 1, "outcomes recorded": 1, "notifications": 1, "mails": 1},
    ),
    "record outcome: won, corrected": Action(
        "developer_a",
        lambda w: f"/introductions/{w.deal.introduction_id}/outcome/",
        _won(value="15000.00"),
        {"confirmation rounds": 1, "outcomes recorded": 1, "notifications": 1, "mails": 1},
    ),
    "record outcome: lost": Action(
        "developer_a",
        lambda w: f"/introductions/{w.introduction.pk}/outcome/",
        lambda w: {"outcome": "lost", "note": "Went with a local agency."},
        {"outcomes recorded": 1},
    ),
    "deal: send a new link": Action(
        "developer_a",
        lambda w: f"/deals/{w.old_deal.pk}/resend/",
        lambda w: {},
        {"confirmation rounds": 1, "notifications": 1, "mails": 1},
    ),
    "deal: confirm": Action(
        "sme_owner",
        lambda w: f"/deals/confirm/{deal_confirmation_token(w.deal)}/",
        lambda w: {"action": "confirm"},
        {"confirmed deals": 1, "notifications": 1, "mails": 1},  # the developer is told
    ),
    "deal: dispute": Action(
        "sme_owner",
        lambda w: f"/deals/confirm/{deal_confirmation_token(w.deal)}/",
        lambda w: {"action": "dispute", "note": "The value was 10,000."},
        {"disputed deals": 1, "notifications": 1, "mails": 1},
    ),
    # Suggestions and expressions of interest
    "suggestion: shortlist": Action(
        "developer_a",
        lambda w: f"/suggestions/{w.suggestion.pk}/shortlist/",
        lambda w: {},
        {"decisions": 1},
    ),
    "suggestion: invite": Action(
        "developer_a",
        lambda w: f"/suggestions/{w.suggestion.pk}/invite/",
        lambda w: {"note": "Your cycling game fits."},
        {"decisions": 1, "notifications": 1, "mails": 1},
    ),
    "suggestion: add by hand": Action(
        "developer_a",
        lambda w: f"/opportunities/{w.opportunity.pk}/suggestions/add/",
        lambda w: {"company": w.company.pk, "note": "Met them in Berlin."},
        {"decisions": 1},
    ),
    "interest: express": Action(
        "sme_owner",
        lambda w: f"/opportunities/{w.opportunity.pk}/interest/",
        _interest_form,
        {"interests": 1, "notifications": 1, "mails": 1},  # the Lab's developer is told
    ),
    "interest: reply": Action(
        "developer_a",
        lambda w: f"/interests/{w.interest.pk}/reply/",
        lambda w: {"reply": "not_selected", "reason": "We chose a studio with a Berlin office."},
        {"answered": 1, "interests": -1, "notifications": 1, "mails": 1},
    ),
    "interest: withdraw": Action(
        "sme_owner",
        lambda w: f"/interests/{w.interest.pk}/withdraw/",
        lambda w: {},
        {"withdrawn": 1, "interests": -1, "notifications": 1, "mails": 1},
    ),
    # The review workflow
    "opportunity: create": Action(
        "developer_a", lambda w: "/opportunities/new/", _opportunity_form, {"opportunities": 1, "events": 1}
    ),
    "opportunity: submit": Action(
        "developer_a",
        lambda w: f"/opportunities/{w.draft.pk}/steps/submit/",
        lambda w: {},
        {"events": 1, "notifications": 1, "mails": 1},  # the embassy staff are told
    ),
    "opportunity: publish": Action(
        "embassy_de",
        lambda w: f"/opportunities/{w.submitted.pk}/steps/publish/",
        lambda w: {},
        {"events": 1, "notifications": 1, "mails": 1},  # the author is told
    ),
    "opportunity: close as won on its deals": Action(
        "developer_a",
        lambda w: f"/opportunities/{w.deal.introduction.interest.opportunity_id}/close-won/",
        lambda w: {"reason": "Both phases signed."},
        {"events": 1, "won": 1},
    ),
    "opportunity: close as won outside the portal": Action(
        "developer_a",
        lambda w: f"/opportunities/{w.opportunity.pk}/close-won/",
        lambda w: {"reason": "The client hired the studio directly.", "value": "92000", "currency": "EUR"},
        {"events": 1, "won": 1, "outside wins": 1},
    ),
    # Teams and roles
    "team: invite a colleague": Action(
        "sme_owner",
        lambda w: "/company/team/",
        lambda w: {"email": "new-colleague@studio.example"},
        {"team invitations": 1, "mails": 1},
    ),
    "team: accept an invitation": Action(
        "invitee",
        lambda w: f"/company/join/{team_invitation_token(w.team_invitation)}/",
        lambda w: {},
        {"members": 1},
    ),
    "roles: invite": Action(
        "admin_user",
        lambda w: "/staff/invitations/",
        lambda w: {"email": "invitee@lab-a.example", "role": "business_developer", "lab": w.lab_a.pk},
        {"role invitations": 1, "mails": 1},
    ),
    "roles: send an invitation again": Action(
        "admin_user",
        lambda w: f"/staff/invitations/{w.old_role_invitation.pk}/resend/",
        lambda w: {},
        {"mails": 1},
    ),
    "roles: withdraw an invitation": Action(
        "admin_user",
        lambda w: f"/staff/invitations/{w.role_invitation.pk}/revoke/",
        lambda w: {},
        {"role invitations": -1},
    ),
    "team: withdraw an invitation": Action(
        "sme_owner",
        lambda w: f"/company/team/invitations/{w.team_invitation.pk}/revoke/",
        lambda w: {},
        {"team invitations": -1},
    ),
    "roles: accept an invitation": Action(
        "invitee",
        lambda w: f"/invitations/{role_invitation_token(w.role_invitation)}/",
        lambda w: {},
        {"business developers": 1},
    ),
    # Organisations (labs/organisations/)
    "organisations: add": Action(
        "embassy_de",
        lambda w: "/organisations/new/",
        lambda w: {"name": "Stadt Köln", "slug": "stadt-koeln", "kind": "city", "country": "DE", "city": "Köln"},
        {"organisations": 1},
    ),
    "organisations: edit": Action(
        "org_member",
        lambda w: f"/organisations/{w.organisation.slug}/edit/",
        lambda w: {"name": "Hanze Ageing", "kind": "applied_sciences", "country": "NL", "city": "Groningen"},
        {},
    ),
    "organisations: add a contact": Action(
        "org_member",
        lambda w: f"/organisations/{w.organisation.slug}/contacts/",
        lambda w: {"name": "Eva Smit", "email": "eva@hanze.example", "opted_in": "on"},
        {"organisation contacts": 1},
    ),
    "organisations: remove a contact": Action(
        "org_member",
        lambda w: f"/organisations/{w.organisation.slug}/contacts/{w.organisation_contact.pk}/remove/",
        lambda w: {},
        {"organisation contacts": -1},
    ),
    "organisations: invite a contact": Action(
        "developer_a",
        lambda w: f"/organisations/{w.organisation.slug}/contacts/{w.organisation_contact.pk}/invite/",
        lambda w: {},
        {"role invitations": 1, "mails": 1},
    ),
    "organisations: accept a member invitation": Action(
        "invitee",
        lambda w: f"/invitations/{role_invitation_token(w.org_invitation)}/",
        lambda w: {},
        {"organisation members": 1},
    ),
    # Portfolio and themes
    "portfolio: new item": Action(
        "sme_owner",
        lambda w: "/company/portfolio/new/",
        lambda w: {
            "title": "Safe Cycling Quest",
            "description": "A game about cycling safely.",
            "visibility": "public",
        },
        {"portfolio items": 1},
    ),
    "themes: new theme": Action(
        "embassy_de",
        lambda w: "/staff/themes/new/",
        lambda w: {"slug": "circular-fashion", "name_en": "Circular fashion", "name_nl": "Circulaire mode"},
        {"themes": 1},
    ),
    # Saved searches (issue 16): the same list and filters saved again are the search saved already.
    "saved search: save": Action(
        "sme_owner",
        lambda w: "/searches/new/",
        lambda w: {"list": "opportunities", "query": "country=DE", "name": "Germany", "frequency": "daily"},
        {"saved searches": 1},
    ),
    "saved search: rename": Action(
        "sme_owner",
        lambda w: f"/searches/{w.saved_search.pk}/edit/",
        lambda w: {"name": "Renamed", "frequency": "weekly"},
        {"renamed searches": 1},
    ),
    "saved search: delete": Action(
        "sme_owner",
        lambda w: f"/searches/{w.saved_search.pk}/delete/",
        lambda w: {},
        {"saved searches": -1},
    ),
    # Partner keys (the admin's pages): a second "Save" is the key issued a moment ago, not a second key.
    "api keys: issue": Action(
        "admin_user",
        lambda w: "/admin/api/apikey/add/",
        lambda w: {
            "partner_name": "Embassy website DE",
            "contact_name": "Greta",
            "contact_email": "web@embassy.example",
            "countries": ["DE"],
        },
        {"api keys": 1},
    ),
    "api keys: revoke": Action(
        "admin_user",
        lambda w: _key_list(w),
        lambda w: {"action": "revoke", "_selected_action": [w.partner_key.pk], "index": 0},
        {"revoked api keys": 1},
    ),
    # Exchanges (exchanges/services.py): each locks the exchange row (or the person's, for a new draft).
    "exchange: new": Action(
        "developer_a",
        lambda w: "/exchanges/new/",
        lambda w: {
            "kind": "theme_session",
            "title_en": "Mobility session",
            "description_en": "About safe cycling.",
            "city": "Berlin",
            "place_country": "DE",
            "time_zone": "Europe/Berlin",
            "local_start": "2031-05-04T09:00",
            "local_end": "2031-05-04T13:00",
            "capacity": "20",
            "registration_deadline": "2031-05-01",
            "audience": "companies",
        },
        {"exchanges": 1},
    ),
    "exchange: publish": Action(
        "developer_a",
        lambda w: f"/exchanges/{w.exchange_draft.pk}/step/",
        lambda w: {"action": "publish"},
        {"published exchanges": 1},
    ),
    "exchange: register": Action(
        "sme_owner",
        lambda w: f"/exchanges/{w.exchange_published.pk}/register/",
        lambda w: {"participants": [w.sme_owner.pk], "motivation": "Safe routes to school."},
        # the registration; its confirmation (a notification and its e-mail)
        {"registrations": 1, "notifications": 1, "mails": 1},
    ),
    "exchange: cancel a registration": Action(
        "sme_owner",
        lambda w: f"/exchanges/registrations/{w.exchange_registration.pk}/cancel/",
        lambda w: {},
        {"cancelled registrations": 1, "registrations": -1},
    ),
    # Theme networks (networks/services.py): each locks the network's, membership's, request's or answer's row.
    "network: new": Action(
        "embassy_de",
        lambda w: "/networks/new/",
        lambda w: {
            "name": "Mobility NL–DE",
            "theme": Theme.objects.get(slug="mobility").pk,
            "countries": ["DE"],
            "description_en": "Safe streets.",
        },
        {"networks": 1},
    ),
    "network: archive": Action(
        "embassy_de", lambda w: f"/networks/{w.network_de.slug}/archive/", lambda w: {}, {"archived networks": 1}
    ),
    "network: ask to join": Action(
        "outsider_sme",
        lambda w: f"/networks/{w.network_de.slug}/join/",
        lambda w: {"motivation": "Bike racks."},
        # the request; the curator's notification and its e-mail
        {"asking to join": 1, "notifications": 1, "mails": 1},
    ),
    "network: accept a member": Action(
        "embassy_de",
        lambda w: f"/networks/memberships/{w.pending_join_de.pk}/decide/",
        lambda w: {"decision": "accept"},
        # Stadt Köln has no member account: no one to tell
        {"asking to join": -1, "network members": 1},
    ),
    "network: add a Lab": Action(
        "embassy_de",
        lambda w: f"/networks/{w.network_de.slug}/members/add/",
        lambda w: {"lab": w.lab_b.pk},
        {"network members": 1},
    ),
    "network: post a request": Action(
        "org_member",
        lambda w: f"/networks/{w.network_de.slug}/requests/new/",
        lambda w: {"title": "A care home to test with", "body": "For six weeks.", "contact": "member@hanze.example"},
        # the request; the other members told: sme_owner and developer_a, each a notification and an e-mail
        {"help requests": 1, "notifications": 2, "mails": 2},
    ),
    "network: offer help": Action(
        "developer_a",
        lambda w: f"/networks/requests/{w.help_request_de.pk}/answer/",
        lambda w: {"message": "We know a workshop.", "contact": "bd@lab-a.example"},
        {"offers of help": 1, "notifications": 1, "mails": 1},
    ),
    "network: accept an offer": Action(
        "sme_owner",
        lambda w: f"/networks/answers/{w.answer_de.pk}/accept/",
        lambda w: {},
        {"offers of help": -1, "accepted offers": 1, "notifications": 1, "mails": 1},
    ),
    "network: mark answered": Action(
        "sme_owner",
        lambda w: f"/networks/requests/{w.accepted_answer_de.request_id}/close/",
        lambda w: {},
        {"help requests": -1, "answered requests": 1},
    ),
    "exchange: ask for a meeting": Action(
        "sme_owner",
        lambda w: f"/exchanges/{w.meeting_pair.exchange_id}/meetings/",
        lambda w: {
            "invitee": w.meeting_pair.pk,
            "starts_at": w.exchange_published.local_start.strftime("%Y-%m-%dT%H:%M"),
            "minutes": "30",
            "message": "Bike racks.",
        },
        # the request; the other side told: a notification and its e-mail
        {"meetings asked": 1, "notifications": 1, "mails": 1},
    ),
    "exchange: accept a meeting": Action(
        "outsider_sme",
        lambda w: f"/exchanges/meetings/{w.meeting_asked.pk}/answer/",
        lambda w: {"decision": "accept"},
        {"meetings asked": -1, "meetings accepted": 1, "notifications": 1, "mails": 1},
    ),
    "exchange: invite a company": Action(
        "developer_a",
        lambda w: f"/exchanges/suggestions/{w.exchange_suggestion.pk}/invite/",
        lambda w: {},
        # outsider_sme, the invited company's owner: a notification and its e-mail
        {"invited companies": 1, "notifications": 1, "mails": 1},
    ),
    "exchange: calendar address": Action(
        "sme_owner",
        lambda w: "/exchanges/mine/calendar/",
        lambda w: {"action": "create"},
        {"calendar tokens": 1},
    ),
}


# --- The objects the rows use ----------------------------------------------------------------------------------


@pytest.fixture
def meeting_pair(exchange_published, sme_owner, outsider_sme):
    """sme_owner's and outsider_sme's companies confirmed for the exchange, whose programme starts on the hour;
    the other one's registration."""
    from exchanges.services import registration_create

    start = exchange_published.starts_at.replace(minute=0, second=0, microsecond=0)
    Exchange.objects.filter(pk=exchange_published.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=4)
    )
    exchange_published.refresh_from_db()
    registration_create(user=sme_owner, exchange=exchange_published, participants=[sme_owner], motivation="Racks.")
    other = registration_create(
        user=outsider_sme, exchange=exchange_published, participants=[outsider_sme], motivation="Routes."
    ).registration
    mail.outbox.clear()
    return other


@pytest.fixture
def meeting_asked(exchange_published, sme_owner, meeting_pair):
    from exchanges.matchmaking import meeting_request

    meeting = meeting_request(
        user=sme_owner, exchange=exchange_published, invitee_id=meeting_pair.pk,
        starts_at=exchange_published.starts_at, minutes=30, message="Bike racks.",
    )  # fmt: skip
    mail.outbox.clear()
    return meeting


@pytest.fixture
def exchange_suggestion(exchange_published, outsider_sme):
    return ExchangeSuggestion.objects.create(
        exchange=exchange_published, company=outsider_sme.membership.company, score=0.5, rank=1
    )


@pytest.fixture
def accepted_answer_de(answer_de):
    answer_de.state = NetworkAnswer.State.ACCEPTED
    answer_de.save()
    return answer_de


@pytest.fixture
def saved_search(sme_owner):
    return SavedSearch.objects.create(user=sme_owner, list="opportunities", query="country=DE", name="Germany")


@pytest.fixture
def exchange_published(lab_a, developer_a):
    from tests.exchanges.factories import ExchangeFactory

    return ExchangeFactory(lab=lab_a, created_by=developer_a)


@pytest.fixture
def exchange_draft(lab_a, developer_a):
    from tests.exchanges.factories import ExchangeFactory

    return ExchangeFactory(lab=lab_a, created_by=developer_a, status=Exchange.Status.DRAFT)


@pytest.fixture
def exchange_registration(exchange_published, sme_owner):
    from exchanges.services import registration_create

    return registration_create(
        user=sme_owner, exchange=exchange_published, participants=[sme_owner], motivation="Yes."
    ).registration


@pytest.fixture
def interest(opportunity, company, sme_owner):
    return InterestFactory(opportunity=opportunity, company=company, submitted_by=sme_owner, contact=sme_owner)


@pytest.fixture
def introduction(interest, developer_a):
    interest.state, interest.reply = Interest.State.ANSWERED, Interest.Reply.INTRODUCED
    interest.save()
    return Introduction.objects.create(
        interest=interest,
        introduced_by=developer_a,
        client_contact_name="Anna Schmidt",
        client_contact_email="anna@berlin.example",
    )


def _deal(introduction, developer, **fields) -> Deal:
    introduction.outcome = "won"
    introduction.outcome_note = "Signed."
    introduction.save()
    values = {
        "value": Decimal("12500.00"),
        "currency": "EUR",
        "closed_on": TODAY(),
        "description": "Campaign and game.",
        "fee_percentage": introduction.interest.accepted_fee_percentage,
        "recorded_by": developer,
        "confirmation_round": 1,
        **fields,
    }
    values["fee_amount"] = (values["value"] * values["fee_percentage"] / 100).quantize(Decimal("0.01"))
    return Deal.objects.create(introduction=introduction, **values)


@pytest.fixture
def deal(introduction, developer_a):
    """Awaiting the company's answer."""
    return _deal(introduction, developer_a)


@pytest.fixture
def old_deal(deal):
    """Awaiting an answer for a while: the developer may send a new link."""
    Deal.objects.filter(pk=deal.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    return deal


@pytest.fixture
def suggestion(opportunity, company):
    return Suggestion.objects.create(
        opportunity=opportunity,
        company=company,
        score=0.5,
        rank_for_opportunity=1,
        engine_version="1",
        computed_at=timezone.now(),
    )


@pytest.fixture
def draft(lab_a, developer_a):
    return OpportunityFactory(lab=lab_a, created_by=developer_a, status=Status.DRAFT, title="Draft")


@pytest.fixture
def submitted(lab_a, developer_a):
    return OpportunityFactory(lab=lab_a, created_by=developer_a, status=Status.SUBMITTED, title="Submitted")


@pytest.fixture
def invitee(db):
    return UserFactory(email="invitee@lab-a.example")  # with the address verified


@pytest.fixture
def team_invitation(company, sme_owner):
    return CompanyInvitation.objects.create(company=company, email="invitee@lab-a.example", invited_by=sme_owner)


@pytest.fixture
def role_invitation(lab_a, admin_user):
    return RoleInvitation.objects.create(
        email="invitee@lab-a.example", role="business_developer", lab=lab_a, invited_by=admin_user
    )


@pytest.fixture
def partner_key(admin_user):
    from api.services import api_key_issue

    return api_key_issue(
        partner_name="Goethe Partner",
        contact_name="Greta",
        contact_email="greta@partner.example",
        scopes=[],
        issued_by=admin_user,
    ).api_key


@pytest.fixture
def organisation_contact(organisation):
    return OrganisationContact.objects.create(
        organisation=organisation, name="Joost de Boer", email="joost@hanze.example", opted_in_at=timezone.now()
    )


@pytest.fixture
def org_invitation(organisation, invitee):
    return RoleInvitation.objects.create(email=invitee.email, role="organisation_member", organisation=organisation)


@pytest.fixture
def old_role_invitation(role_invitation):
    RoleInvitation.objects.filter(pk=role_invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2), emailed_at=timezone.now() - datetime.timedelta(days=2)
    )
    return role_invitation


# --- The test ------------------------------------------------------------------------------------------------


def _prepared(request, name) -> tuple[World, Action, object, dict]:
    action = ACTIONS[name]
    w = World(request)
    user = getattr(w, action.user)
    path = action.path(w)
    # Everyone the actions tell about a change: the Lab's developer, the company's owner, the embassy staff.
    for person in ("developer_a", "sme_owner", "embassy_de"):
        getattr(w, person)
    mail.outbox.clear()
    before = {count: COUNTS[count](w) for count in COUNTS}
    return w, action, (user, path), before


def _changes(w, before) -> dict[str, int]:
    after = {count: COUNTS[count](w) for count in COUNTS}
    return {count: after[count] - before[count] for count in COUNTS if after[count] != before[count]}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ACTIONS)
def test_the_same_request_twice_in_a_row_has_the_effect_of_one(request, name):
    w, action, (user, path), before = _prepared(request, name)
    client = _client(user)
    first = client.post(path, action.data(w))
    assert first.status_code < 400, first.content.decode()[:2000]
    assert _changes(w, before) == action.effect  # the row says what one request does
    second = client.post(path, action.data(w))
    assert second.status_code < 500
    assert _changes(w, before) == action.effect


@requires_postgres
@pytest.mark.parametrize("name", ACTIONS)
def test_the_same_request_twice_at_once_has_the_effect_of_one(request, name):
    w, action, (user, path), before = _prepared(request, name)
    clients = [_client(user), _client(user)]
    payloads = [action.data(w), action.data(w)]
    start = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(index: int) -> None:
        try:
            start.wait(timeout=10)
            statuses.append(clients[index].post(path, payloads[index]).status_code)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection: don't leave it open

    threads = [threading.Thread(target=post, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(statuses) == 2 and all(status < 500 for status in statuses), statuses
    assert min(statuses) < 400, statuses  # one of them did it
    assert _changes(w, before) == action.effect
