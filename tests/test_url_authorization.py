"""Who may open what: every URL of the project, declared per role and checked with real requests.

`test_every_url_has_a_declaration` walks the project's URL resolver and fails for any URL pattern
without a declaration (and for declarations whose URL no longer exists). `test_url_authorization`
then requests every declared URL once per role and compares the response with the declaration.

Adding a URL (later issues do this):

1. Add a row to `EXPECTATIONS`, keyed by the pattern's full name (`namespace:name`; the route string
   for a pattern without a name, then also give `path=`). Columns are the roles, in the order
   visitor (anonymous), sme (`sme_owner`), developer (`developer_a`), embassy (`embassy_de`),
   admin (`admin_user`), then `org=` (`org_member`, an organisation member with no other role: every
   row of a URL added since that role exists declares it; older rows may leave it out); each cell is an outcome:
     200, 400, 403, 404, 405, ...  the status code;
     LOGIN                         a redirect to the login page with ?next= this URL;
     Redirect("/x/", next=...)     a redirect to exactly that place (`then=` checks where it leads);
   never 500.
2. URL arguments go in `kwargs=`: a dict, or a function of `w`, through which any fixture is
   available by name (`w.lab_a.slug`, `w.own_file.pk`); the objects used here are the fixtures below.
3. POST-only actions: declare `method="POST"` (and `data=`) for the action and add a `name[GET]`
   row expecting 405. More cases for one URL (a bogus and a valid token, another company's object)
   are rows keyed `name[what]`; everything after `[` is only a label.
4. `reauthenticated=True` logs in through the login form (and the TOTP step) instead of
   `force_login`, for pages behind allauth's "enter your password again".

The Django admin (namespace `admin`) has a rule instead of rows: visitors are sent to the admin
login and from there to allauth's login page, logged-in non-staff get 403 there, admins get 200.
The rule is checked on the index, every app index and the changelist and add page of every
registered model; rows in `EXPECTATIONS` add or override admin cases (login, logout, objects).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from companies.models import CompanyInvitation, PortfolioFile, PortfolioItem, Visibility
from companies.services import team_invitation_token
from labs.models import OrganisationContact, RoleInvitation, Theme
from labs.services import role_invitation_token
from opportunities.deals.links import deal_confirmation_token

from .factories import PASSWORD, CompanyFactory

pytestmark = pytest.mark.django_db

# Role -> the fixture that is that person (None: not logged in).
ROLES: dict[str, str | None] = {
    "visitor": None,
    "sme": "sme_owner",
    "developer": "developer_a",
    "embassy": "embassy_de",
    "admin": "admin_user",
    "partner": "partner_owner",
    "org": "org_member",
}

ADMIN_NAMESPACE = "admin"


# --- Outcomes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A redirect to `to` (path and query compared as parsed, so encoding does not matter).

    next=True: the query also carries ?next=<the requested URL>. to may be a function of `w`.
    then: what the redirect target answers when followed (with GET, as the browser would).
    """

    to: str | Callable[[World], str]
    next: bool = False
    then: Outcome | None = None
    status: int = 302

    def __str__(self) -> str:
        to = "<computed>" if callable(self.to) else self.to
        suffix = "?next=<this URL>" if self.next else ""
        return f"{self.status} -> {to}{suffix}" + (f" then {self.then}" if self.then is not None else "")


Outcome = int | Redirect

LOGIN = Redirect("/accounts/login/", next=True)
REAUTHENTICATE = Redirect("/accounts/reauthenticate/", next=True)
HOME = Redirect("/")
# The admin sends whoever is not staff to its own login page, which allauth's secure_admin_login
# turns into a redirect to the portal's login page (visitors) or a 403 (logged-in non-staff).
ADMIN_LOGIN = Redirect("/admin/login/", next=True, then=LOGIN)
ADMIN_DENIED = Redirect("/admin/login/", next=True, then=403)


@dataclass(frozen=True)
class Expect:
    """One row of the matrix: the outcome per role, and how to make the request."""

    visitor: Outcome
    sme: Outcome
    developer: Outcome
    embassy: Outcome
    admin: Outcome
    # sme_owner while the company is Lab A's partner: where not given, the same as `sme`.
    partner: Outcome | None = None
    org: Outcome | None = None  # the organisation member; None only on rows older than that role
    kwargs: dict[str, Any] | Callable[[World], dict[str, Any]] = field(default_factory=dict)
    method: str = "GET"
    data: dict[str, Any] | Callable[[World], dict[str, Any]] | None = None
    query: dict[str, str] | None = None
    path: str | None = None  # for patterns without a name
    reauthenticated: bool = False  # entered the password again, as allauth asks before sensitive pages

    def __post_init__(self):
        for role in ROLES:
            if role == "org" and self.org is None:
                continue
            outcome = self.outcome(role)
            assert isinstance(outcome, Redirect) or (isinstance(outcome, int) and outcome < 500), outcome

    def outcome(self, role: str) -> Outcome:
        if role == "partner" and self.partner is None:
            return self.sme
        return getattr(self, role)


class World:
    """Fixtures by attribute, created only when a row asks for them."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name: str):
        return self._request.getfixturevalue(name)


# --- Objects the rows use -----------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32  # served as stored; its content does not matter here


@pytest.fixture(scope="module")
def _handler():
    """One request handler for all cases: loading the middleware (WhiteNoise indexes every static
    file) would otherwise take most of the run."""
    return Client().handler


@pytest.fixture
def client(_handler):
    client = Client()
    client.handler = _handler
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _item(company, visibility: str, title: str) -> PortfolioItem:
    return PortfolioItem.objects.create(company=company, title=title, description="Work.", visibility=visibility)


def _image(item: PortfolioItem) -> PortfolioFile:
    stored = PortfolioFile(
        item=item, kind=PortfolioFile.Kind.IMAGE, original_name="work.png", content_type="image/png", size_bytes=40
    )
    stored.file.save("work.png", ContentFile(PNG), save=False)
    stored.thumbnail.save("work-thumb.png", ContentFile(PNG), save=False)
    stored.save()
    return stored


@pytest.fixture
def company_with_logo(company, media):
    company.logo.save("logo.png", ContentFile(PNG))
    return company


@pytest.fixture
def unlisted_company(media):
    company = CompanyFactory(name="Unlisted Studio", slug="unlisted-studio", is_listed=False)
    company.logo.save("logo.png", ContentFile(PNG))
    return company


@pytest.fixture
def own_item(company):
    """A public portfolio item of sme_owner's company."""
    return _item(company, Visibility.PUBLIC, "Own public work")


@pytest.fixture
def own_file(own_item, media):
    return _image(own_item)


@pytest.fixture
def other_company(outsider_sme):
    return outsider_sme.membership.company


@pytest.fixture
def other_item(other_company):
    """An item of a company sme_owner does not belong to, visible to programme staff only."""
    return _item(other_company, Visibility.LAB, "Their Lab-only work")


@pytest.fixture
def lab_only_file(other_item, media):
    return _image(other_item)


@pytest.fixture
def private_file(other_company, media):
    return _image(_item(other_company, Visibility.PRIVATE, "Their private work"))


@pytest.fixture
def theme(db):
    return Theme.objects.active().first()  # seeded by a migration


@pytest.fixture
def partner_owner(sme_owner, company, lab_a):
    """sme_owner while the company is Lab A's current partner (with two-factor authentication, as asked)."""
    import datetime

    from django.utils import timezone

    from labs.models import LabPartner
    from tests.factories import give_mfa

    # Current from yesterday (a row's `partner_draft_a` may have made it, not yet started, for the other roles).
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    LabPartner.objects.update_or_create(lab=lab_a, company=company, defaults={"starts_on": yesterday})
    sme_owner.__dict__.pop("_roles", None)
    return give_mfa(sme_owner)


@pytest.fixture
def partner_draft_a(opportunity_factory, lab_a, company, sme_owner):
    """A draft of Lab A posted for its partner, sme_owner's company; the partnership is current only for
    the partner role (`partner_owner`), so for everyone else the company is no partner (yet)."""
    import datetime

    from django.utils import timezone

    from labs.models import LabPartner

    partnership, _ = LabPartner.objects.get_or_create(
        lab=lab_a, company=company, defaults={"starts_on": timezone.localdate() + datetime.timedelta(days=30)}
    )
    opportunity = opportunity_factory(lab_a, "draft", created_by=sme_owner)
    opportunity.partner = partnership
    opportunity.save()
    return opportunity


@pytest.fixture
def colleague_membership(sme_colleague):
    return sme_colleague.membership


@pytest.fixture
def role_invitation(lab_a):
    return RoleInvitation.objects.create(email="invitee@lab-a.example", role="business_developer", lab=lab_a)


@pytest.fixture
def org_invitation(organisation):
    return RoleInvitation.objects.create(
        email="invitee@hanze.example", role="organisation_member", organisation=organisation
    )


@pytest.fixture
def organisation_contact(organisation):
    from django.utils import timezone

    return OrganisationContact.objects.create(
        organisation=organisation, name="Joost de Boer", email="joost@hanze.example", opted_in_at=timezone.now()
    )


@pytest.fixture
def other_contact(other_organisation):
    from django.utils import timezone

    return OrganisationContact.objects.create(
        organisation=other_organisation, name="Katrin Weber", email="katrin@koeln.example", opted_in_at=timezone.now()
    )


@pytest.fixture
def team_invitation(company):
    return CompanyInvitation.objects.create(company=company, email="new-colleague@studio.example")


@pytest.fixture
def other_team_invitation(other_company):
    return CompanyInvitation.objects.create(company=other_company, email="their-colleague@outsider.example")


@pytest.fixture
def opportunity_factory(db):
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from companies.models import Discipline
    from opportunities.models import Opportunity

    def make(lab, status, created_by=None):
        opportunity = Opportunity.objects.create(
            lab=lab,
            country=lab.country,
            title=f"{status} at {lab.slug}",
            summary="Summary.",
            brief="Brief.",
            city=lab.city,
            deadline=timezone.localdate() + datetime.timedelta(days=30),
            fee_percentage=Decimal("5"),
            status=status,
            created_by=created_by,
        )
        opportunity.required_disciplines.add(Discipline.objects.first())
        return opportunity

    return make


@pytest.fixture
def draft_a(opportunity_factory, lab_a, developer_a):
    return opportunity_factory(lab_a, "draft", created_by=developer_a)


@pytest.fixture
def submitted_a(opportunity_factory, lab_a, developer_a):
    return opportunity_factory(lab_a, "submitted", created_by=developer_a)


@pytest.fixture
def published_a(opportunity_factory, lab_a, developer_a):
    return opportunity_factory(lab_a, "published", created_by=developer_a)


@pytest.fixture
def submitted_b(opportunity_factory, lab_b):
    return opportunity_factory(lab_b, "submitted")


@pytest.fixture
def attachment_a(published_a, media):
    from opportunities.models import OpportunityAttachment

    attachment = OpportunityAttachment(opportunity=published_a, original_name="brief.pdf", size_bytes=20)
    attachment.file.save("brief.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return attachment


# Introductions and deals (area B): an expression of interest of sme_owner's company in a Lab A opportunity.
@pytest.fixture
def interest_a(published_a, company, sme_owner):
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from opportunities.models import Interest

    return Interest.objects.create(
        opportunity=published_a,
        company=company,
        submitted_by=sme_owner,
        contact=sme_owner,
        motivation="We made Safe Cycling Quest.",
        accepted_fee_percentage=Decimal("5"),
        fee_accepted_at=timezone.now(),
        reply_due=timezone.now() + datetime.timedelta(days=7),
    )


@pytest.fixture
def introduction_a(interest_a, developer_a):
    from opportunities.models import Introduction

    return Introduction.objects.create(
        interest=interest_a,
        introduced_by=developer_a,
        client_contact_name="Anna Schmidt",
        client_contact_email="anna@berlin.example",
    )


@pytest.fixture
def deal_a(introduction_a, developer_a):
    import datetime
    from decimal import Decimal

    from opportunities.models import Deal

    introduction_a.outcome = "won"
    introduction_a.save()
    return Deal.objects.create(
        introduction=introduction_a,
        value=Decimal("10000.00"),
        currency="EUR",
        closed_on=datetime.date.today(),
        description="Campaign and game.",
        fee_percentage=Decimal("5.00"),
        fee_amount=Decimal("500.00"),
        recorded_by=developer_a,
        confirmation_round=1,
    )


# Suggestions and expressions of interest (area A); interest_a is area B's fixture above.


@pytest.fixture
def published_b(opportunity_factory, lab_b):
    return opportunity_factory(lab_b, "published")


def _suggestion(opportunity, company):
    from django.utils import timezone

    from opportunities.models import Suggestion

    return Suggestion.objects.create(
        opportunity=opportunity,
        company=company,
        score=0.5,
        rank_for_opportunity=1,
        engine_version="1",
        computed_at=timezone.now(),
    )


@pytest.fixture
def suggestion_a(published_a, company):
    return _suggestion(published_a, company)


@pytest.fixture
def suggestion_b(published_b, company):
    return _suggestion(published_b, company)


@pytest.fixture
def other_interest(published_a, other_company):
    from tests.opportunities.factories import InterestFactory

    return InterestFactory(opportunity=published_a, company=other_company)


@pytest.fixture
def other_interest_b(published_b, other_company):
    """Another company's interest in Lab B's (Chinese) opportunity."""
    from tests.opportunities.factories import InterestFactory

    return InterestFactory(opportunity=published_b, company=other_company)


@pytest.fixture
def unsubscribe_token(sme_colleague):
    """A link to stop status e-mails, for a person who is none of the roles above (area C)."""
    from opportunities.notifications.preferences import unsubscribe_token

    return unsubscribe_token(sme_colleague, "status")


@pytest.fixture
def saved_search(sme_owner):
    """The SME owner's saved search of the opportunities in Germany (issue 16)."""
    from opportunities.models import SavedSearch

    return SavedSearch.objects.create(user=sme_owner, list="opportunities", query="country=DE", name="Germany")


@pytest.fixture
def worker_heartbeat(db):
    """The heartbeat a worker records every minute, just recorded (the row's URL takes no arguments)."""
    from creativelabs.health import record_worker_heartbeat

    record_worker_heartbeat.delay()
    return {}


@pytest.fixture
def partner_key(db):
    """A partner's API key, as the admin's issue page makes it (api/services.py)."""
    from api.services import api_key_issue
    from tests.factories import UserFactory

    issuer = UserFactory(email="issuer@programme.example", is_staff=True)
    return api_key_issue(
        partner_name="Goethe Partner",
        contact_name="Greta",
        contact_email="greta@partner.example",
        scopes=["country:DE"],
        issued_by=issuer,
    ).api_key


# Exchanges (exchanges/): a published one of Lab A with sme_owner's company registered, a draft of Lab A,
# a published one of Lab B (another country), and sme_owner's calendar feed address.
@pytest.fixture
def exchange_a(lab_a, developer_a):
    from tests.exchanges.factories import ExchangeFactory

    return ExchangeFactory(lab=lab_a, created_by=developer_a)


@pytest.fixture
def exchange_draft_a(lab_a, developer_a):
    from exchanges.models import Exchange
    from tests.exchanges.factories import ExchangeFactory

    return ExchangeFactory(lab=lab_a, created_by=developer_a, status=Exchange.Status.DRAFT)


@pytest.fixture
def exchange_b(lab_b):
    from tests.exchanges.factories import ExchangeFactory

    return ExchangeFactory(lab=lab_b, city="Shanghai", place_country="CN", time_zone="Asia/Shanghai")


@pytest.fixture
def registration_a(exchange_a, sme_owner):
    from exchanges.services import registration_create

    return registration_create(
        user=sme_owner, exchange=exchange_a, participants=[sme_owner], motivation="Safe routes."
    ).registration


@pytest.fixture
def meeting_a(registration_a, exchange_a):
    """A meeting sme_owner's company asked of another participant of exchange_a."""
    from exchanges.matchmaking import meeting_request
    from exchanges.services import registration_create
    from tests.factories import MembershipFactory, UserFactory

    other = MembershipFactory(company=CompanyFactory(name="Orbit and Oar"), user=UserFactory()).user
    invitee = registration_create(user=other, exchange=exchange_a, participants=[other], motivation="x").registration
    return meeting_request(
        user=registration_a.registered_by, exchange=exchange_a, invitee_id=invitee.pk,
        starts_at=exchange_a.starts_at, minutes=30, message="Bike racks.",
    )  # fmt: skip


@pytest.fixture
def exchange_suggestion_a(exchange_a, outsider_sme):
    from exchanges.models import ExchangeSuggestion

    company = outsider_sme.membership.company
    return ExchangeSuggestion.objects.create(exchange=exchange_a, company=company, score=0.5, rank=1)


@pytest.fixture
def exchange_suggestion_b(exchange_b, outsider_sme):
    from exchanges.models import ExchangeSuggestion

    company = outsider_sme.membership.company
    return ExchangeSuggestion.objects.create(exchange=exchange_b, company=company, score=0.5, rank=1)


@pytest.fixture
def calendar_token_sme(sme_owner):
    from exchanges.services import calendar_token_create

    return calendar_token_create(user=sme_owner).token


# --- The matrix ---------------------------------------------------------------------------------

BOGUS_TOKEN = "not-a-real-token"
ORG_EDIT = Redirect(lambda w: f"/organisations/{w.organisation.slug}/edit/")
OTHER_EDIT = Redirect(lambda w: f"/organisations/{w.other_organisation.slug}/edit/")
MANAGE_A = Redirect(lambda w: f"/exchanges/{w.registration_a.exchange_id}/registrations/")
MEETINGS_A = Redirect(lambda w: f"/exchanges/{w.meeting_a.exchange_id}/meetings/")
INVITED_A = Redirect(lambda w: f"/exchanges/{w.exchange_suggestion_a.exchange_id}/registrations/")
INVITED_B = Redirect(lambda w: f"/exchanges/{w.exchange_suggestion_b.exchange_id}/registrations/")
NETWORK_DE = Redirect(lambda w: f"/networks/{w.network_de.slug}/")
NETWORK_CN = Redirect(lambda w: f"/networks/{w.network_cn.slug}/")
REQUEST_DE = Redirect(lambda w: f"/networks/requests/{w.help_request_de.pk}/")

# fmt: off
EXPECTATIONS: dict[str, Expect] = {
    # Portal pages                          visitor  sme      developer  embassy  admin
    "home":                          Expect(200,     200,     200,       200,     200),
    "privacy":                       Expect(200,     200,     200,       200,     200),
    "robots":                        Expect(200,     200,     200,       200,     200),
    # The programme in figures: public, small counts hidden, no one named (opportunities/insights/public.py).
    "insights:programme":            Expect(200,     200,     200,       200,     200),
    # Load balancers and monitoring: no login. With a broker, the worker is a check: a heartbeat first.
    "health":                        Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: w.worker_heartbeat),
    "set_language":                  Expect(HOME,    HOME,    HOME,      HOME,    HOME,
                                            method="POST", data={"language": "en"}),
    "set_language[GET]":             Expect(405,     405,     405,       405,     405),
    "labs:country":                  Expect(200,     200,     200,       200,     200, kwargs={"code": "de"}),
    "labs:country[not a focus one]": Expect(404,     404,     404,       404,     404, kwargs={"code": "nl"}),
    "labs:lab":                      Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"slug": w.lab_a.slug}),
    "labs:lab[unknown]":             Expect(404,     404,     404,       404,     404, kwargs={"slug": "no-such-lab"}),
    "labs:theme_list":               Expect(200,     200,     200,       200,     200),
    "labs:theme":                    Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"slug": w.theme.slug}),
    "labs:theme[unknown]":           Expect(404,     404,     404,       404,     404, kwargs={"slug": "no-theme"}),
    "labs:invitation_list":          Expect(LOGIN,   403,     403,       403,     200),
    "labs:invitation_resend":        Expect(LOGIN,   403,     403,       403,     Redirect("/staff/invitations/"),
                                            method="POST", kwargs=lambda w: {"pk": w.role_invitation.pk}),
    "labs:invitation_resend[GET]":   Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.role_invitation.pk}),
    "labs:invitation_revoke":        Expect(LOGIN,   403,     403,       403,     Redirect("/staff/invitations/"),
                                            method="POST", kwargs=lambda w: {"pk": w.role_invitation.pk}),
    "labs:invitation_revoke[GET]":   Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.role_invitation.pk}),
    "labs:invitation_accept":        Expect(400,     400,     400,       400,     400, kwargs={"token": BOGUS_TOKEN}),
    "labs:invitation_accept[valid]": Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"token": role_invitation_token(w.role_invitation)}),

    # Companies                             visitor  sme      developer  embassy  admin
    "companies:directory":           Expect(200,     200,     200,       200,     200),
    "companies:detail":              Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"slug": w.company.slug}),
    "companies:detail[unlisted]":    Expect(404,     404,     200,       200,     200,
                                            kwargs=lambda w: {"slug": w.unlisted_company.slug}),
    "companies:logo":                Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"slug": w.company_with_logo.slug}),
    "companies:logo[unlisted]":      Expect(404,     404,     200,       200,     200,
                                            kwargs=lambda w: {"slug": w.unlisted_company.slug}),
    "companies:logo[none]":          Expect(404,     404,     404,       404,     404,
                                            kwargs=lambda w: {"slug": w.company.slug}),
    "companies:file":                Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.own_file.pk}),
    "companies:file[lab only]":      Expect(404,     404,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.lab_only_file.pk}),
    "companies:file[private]":       Expect(404,     404,     404,       404,     404,
                                            kwargs=lambda w: {"pk": w.private_file.pk}),
    "companies:thumbnail":           Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.own_file.pk}),
    "companies:thumbnail[lab only]": Expect(404,     404,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.lab_only_file.pk}),
    "companies:thumbnail[private]":  Expect(404,     404,     404,       404,     404,
                                            kwargs=lambda w: {"pk": w.private_file.pk}),
    "companies:dashboard":           Expect(LOGIN,   200,     403,       403,     403),
    "companies:dashboard_suggestions": Expect(LOGIN, 200,     403,       403,     403),
    "companies:register":            Expect(LOGIN,   Redirect("/company/"), 403, 403,     403),
    "companies:edit":                Expect(LOGIN,   200,     403,       403,     403),
    "companies:delete":              Expect(LOGIN,   200,     403,       403,     403),
    "companies:team":                Expect(LOGIN,   200,     403,       403,     403),
    "companies:team_remove":         Expect(LOGIN,   Redirect("/company/team/"), 403, 403,  403,
                                            method="POST", kwargs=lambda w: {"pk": w.colleague_membership.pk}),
    "companies:team_remove[other company]":
                                     Expect(LOGIN,   404,     403,       403,     403,
                                            method="POST", kwargs=lambda w: {"pk": w.outsider_sme.membership.pk}),
    "companies:team_remove[GET]":    Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.colleague_membership.pk}),
    "companies:team_invitation_revoke":
                                     Expect(LOGIN,   Redirect("/company/team/"), 403, 403,  403,
                                            method="POST", kwargs=lambda w: {"pk": w.team_invitation.pk}),
    "companies:team_invitation_revoke[other company]":
                                     Expect(LOGIN,   404,     403,       403,     403,
                                            method="POST", kwargs=lambda w: {"pk": w.other_team_invitation.pk}),
    "companies:team_invitation_revoke[GET]":
                                     Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.team_invitation.pk}),
    "companies:team_make_owner":     Expect(LOGIN,   Redirect("/company/team/"), 403, 403,  403,
                                            method="POST", kwargs=lambda w: {"pk": w.colleague_membership.pk}),
    "companies:team_make_owner[other company]":
                                     Expect(LOGIN,   404,     403,       403,     403,
                                            method="POST", kwargs=lambda w: {"pk": w.outsider_sme.membership.pk}),
    "companies:team_make_owner[GET]":
                                     Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.colleague_membership.pk}),
    "companies:join":                Expect(400,     400,     400,       400,     400, kwargs={"token": BOGUS_TOKEN}),
    "companies:join[valid]":         Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"token": team_invitation_token(w.team_invitation)}),
    "companies:portfolio_new":       Expect(LOGIN,   200,     403,       403,     403),
    "companies:portfolio_edit":      Expect(LOGIN,   200,     403,       403,     403,
                                            kwargs=lambda w: {"pk": w.own_item.pk}),
    "companies:portfolio_edit[other company]":
                                     Expect(LOGIN,   404,     403,       403,     403,
                                            kwargs=lambda w: {"pk": w.other_item.pk}),
    "companies:portfolio_delete":    Expect(LOGIN,   200,     403,       403,     403,
                                            kwargs=lambda w: {"pk": w.own_item.pk}),
    # Deleting (POST) another company's item.
    "companies:portfolio_delete[other company]":
                                     Expect(LOGIN,   404,     403,       403,     403,
                                            method="POST", kwargs=lambda w: {"pk": w.other_item.pk}),
    "companies:portfolio_move":      Expect(LOGIN,   Redirect("/company/"), 403, 403,       403,
                                            method="POST", data={"direction": "up"},
                                            kwargs=lambda w: {"pk": w.own_item.pk}),
    "companies:portfolio_move[other company]":
                                     Expect(LOGIN,   404,     403,       403,     403,
                                            method="POST", data={"direction": "up"},
                                            kwargs=lambda w: {"pk": w.other_item.pk}),
    "companies:portfolio_move[GET]": Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.own_item.pk}),
    # Without a file: the form is shown again with its error.
    "companies:portfolio_file_add":  Expect(LOGIN,   400,     403,       403,     403,
                                            method="POST", kwargs=lambda w: {"pk": w.own_item.pk}),
    "companies:portfolio_file_add[other company]":
                                     Expect(LOGIN,   404,     403,       403,     403,
                                            method="POST", kwargs=lambda w: {"pk": w.other_item.pk}),
    "companies:portfolio_file_add[GET]":
                                     Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.own_item.pk}),
    "companies:portfolio_file_delete":
                                     Expect(LOGIN,   Redirect(lambda w: f"/company/portfolio/{w.own_item.pk}/"),
                                            403,     403,     403,
                                            method="POST", kwargs=lambda w: {"pk": w.own_file.pk}),
    "companies:portfolio_file_delete[other company]":
                                     Expect(LOGIN,   404,     403,       403,     403,
                                            method="POST", kwargs=lambda w: {"pk": w.lab_only_file.pk}),
    "companies:portfolio_file_delete[GET]":
                                     Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.own_file.pk}),
    "companies:portfolio_file_cover":
                                     Expect(LOGIN,   Redirect(lambda w: f"/company/portfolio/{w.own_item.pk}/"),
                                            403,     403,     403,
                                            method="POST", kwargs=lambda w: {"pk": w.own_file.pk}),
    "companies:portfolio_file_cover[other company]":
                                     Expect(LOGIN,   404,     403,       403,     403,
                                            method="POST", kwargs=lambda w: {"pk": w.lab_only_file.pk}),
    "companies:portfolio_file_cover[GET]":
                                     Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.own_file.pk}),
    "companies:portfolio_file_move": Expect(LOGIN,   Redirect(lambda w: f"/company/portfolio/{w.own_item.pk}/"),
                                            403,     403,     403,
                                            method="POST", data={"direction": "up"},
                                            kwargs=lambda w: {"pk": w.own_file.pk}),
    "companies:portfolio_file_move[other company]":
                                     Expect(LOGIN,   404,     403,       403,     403,
                                            method="POST", data={"direction": "up"},
                                            kwargs=lambda w: {"pk": w.lab_only_file.pk}),
    "companies:portfolio_file_move[GET]":
                                     Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.own_file.pk}),

    # Opportunities                      visitor  sme      developer  embassy  admin
    "opportunities:list":            Expect(200,     200,     200,       200,     200),
    "opportunities:create":          Expect(LOGIN,   403,     200,       200,     200),
    # Atom feeds: public, the same document for everyone; an unknown country, theme or Lab is a 404.
    "opportunities:feed":            Expect(200,     200,     200,       200,     200),
    "opportunities:feed_country":    Expect(200,     200,     200,       200,     200, kwargs={"code": "de"}),
    "opportunities:feed_country[not a focus one]":
                                     Expect(404,     404,     404,       404,     404, kwargs={"code": "nl"}),
    "opportunities:feed_theme":      Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"slug": w.theme.slug}),
    "opportunities:feed_theme[unknown]":
                                     Expect(404,     404,     404,       404,     404, kwargs={"slug": "no-theme"}),
    "opportunities:feed_lab":        Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"slug": w.lab_a.slug}),
    "opportunities:feed_lab[unknown]":
                                     Expect(404,     404,     404,       404,     404, kwargs={"slug": "no-such-lab"}),
    "opportunities:detail":          Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.published_a.pk}),
    # The suggestions part of the page, polled while a recompute is on its way (issue 16).
    "opportunities:suggestions":     Expect(LOGIN,   403,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.published_a.pk}),
    "opportunities:suggestions[draft]": Expect(LOGIN, 404,    200,       404,     200,
                                            kwargs=lambda w: {"pk": w.draft_a.pk}),
    "opportunities:detail[draft]":   Expect(404,     404,     200,       404,     200,
                                            kwargs=lambda w: {"pk": w.draft_a.pk}),
    "opportunities:detail[other country submitted]":
                                     Expect(404,     404,     404,       404,     200,
                                            kwargs=lambda w: {"pk": w.submitted_b.pk}),
    "opportunities:edit":            Expect(LOGIN,   403,     200,       404,     200,
                                            kwargs=lambda w: {"pk": w.draft_a.pk}),
    "opportunities:transition":      Expect(LOGIN,   403,     Redirect(lambda w: f"/opportunities/{w.draft_a.pk}/"),
                                            404,     Redirect(lambda w: f"/opportunities/{w.draft_a.pk}/"),
                                            method="POST", kwargs=lambda w: {"pk": w.draft_a.pk, "name": "submit"}),
    "opportunities:transition[publish]":
                                     Expect(LOGIN,   403,     403,
                                            Redirect(lambda w: f"/opportunities/{w.submitted_a.pk}/"),
                                            Redirect(lambda w: f"/opportunities/{w.submitted_a.pk}/"),
                                            method="POST",
                                            kwargs=lambda w: {"pk": w.submitted_a.pk, "name": "publish"}),
    "opportunities:transition[other country]":
                                     Expect(LOGIN,   403,     404,       404,
                                            Redirect(lambda w: f"/opportunities/{w.submitted_b.pk}/"),
                                            method="POST",
                                            kwargs=lambda w: {"pk": w.submitted_b.pk, "name": "publish"}),
    "opportunities:transition[GET]": Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.draft_a.pk, "name": "submit"}),
    "opportunities:close_won":       Expect(LOGIN,   403,     200,       403,     200,
                                            kwargs=lambda w: {"pk": w.published_a.pk}),
    "opportunities:close_won[POST]": Expect(LOGIN,   403,     Redirect(lambda w: f"/opportunities/{w.published_a.pk}/"),
                                            403,     Redirect(lambda w: f"/opportunities/{w.published_a.pk}/"),
                                            method="POST", data={"reason": "Won through the client's own tender."},
                                            kwargs=lambda w: {"pk": w.published_a.pk}),
    "opportunities:close_won[POST no reason]":
                                     Expect(LOGIN,   403,     200,       403,     200,
                                            method="POST", data={"reason": ""},
                                            kwargs=lambda w: {"pk": w.published_a.pk}),
    "opportunities:close_won[draft]":
                                     Expect(LOGIN,   403,     Redirect(lambda w: f"/opportunities/{w.draft_a.pk}/"),
                                            404,     Redirect(lambda w: f"/opportunities/{w.draft_a.pk}/"),
                                            kwargs=lambda w: {"pk": w.draft_a.pk}),
    "opportunities:attachment_add":  Expect(LOGIN,   403,     Redirect(lambda w: f"/opportunities/{w.draft_a.pk}/"),
                                            404,     Redirect(lambda w: f"/opportunities/{w.draft_a.pk}/"),
                                            method="POST", kwargs=lambda w: {"pk": w.draft_a.pk}),
    "opportunities:attachment_add[GET]":
                                     Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.draft_a.pk}),
    "opportunities:attachment":      Expect(LOGIN,   200,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.attachment_a.pk}),
    "opportunities:feature":         Expect(LOGIN,   403,     403,
                                            Redirect(lambda w: f"/opportunities/{w.published_a.pk}/"),
                                            Redirect(lambda w: f"/opportunities/{w.published_a.pk}/"),
                                            method="POST", kwargs=lambda w: {"pk": w.published_a.pk}),
    "opportunities:feature[GET]":    Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.published_a.pk}),
    "opportunities:lab_workspace":   Expect(LOGIN,   403,     200,       403,     403),
    "opportunities:review_queue":    Expect(LOGIN,   403,     403,       200,     200),
    "labs:theme_manage":    Expect(LOGIN,   403,     403,       200,     200),
    "labs:theme_create":    Expect(LOGIN,   403,     403,       200,     200),
    "labs:theme_edit":      Expect(LOGIN,   403,     403,       200,     200,
                                            kwargs=lambda w: {"slug": w.theme.slug}),
    "labs:theme_archive":   Expect(LOGIN,   403,     403,       Redirect("/staff/themes/"),
                                            Redirect("/staff/themes/"),
                                            method="POST", kwargs=lambda w: {"slug": w.theme.slug}),
    "labs:theme_archive[GET]":
                                     Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"slug": w.theme.slug}),
    # Organisations (labs/organisations/): public profiles; staff add and edit, a member edits their own.
    "labs:organisation_list":        Expect(200,     200,     200,       200,     200, org=200),
    "labs:organisation_list[filters]":
                                     Expect(200,     200,     200,       200,     200, org=200,
                                            query={"kind": "city", "country": "DE", "theme": "mobility", "q": "x"}),
    "labs:organisation":             Expect(200,     200,     200,       200,     200, org=200,
                                            kwargs=lambda w: {"slug": w.organisation.slug}),
    "labs:organisation[unknown]":    Expect(404,     404,     404,       404,     404, org=404,
                                            kwargs={"slug": "no-organisation"}),
    "labs:organisation_create":      Expect(LOGIN,   403,     200,       200,     200, org=403),
    "labs:organisation_edit":        Expect(LOGIN,   403,     200,       200,     200, org=200,
                                            kwargs=lambda w: {"slug": w.organisation.slug}),
    "labs:organisation_edit[another one]":
                                     Expect(LOGIN,   403,     200,       200,     200, org=404,
                                            kwargs=lambda w: {"slug": w.other_organisation.slug}),
    "labs:organisation_contact_add": Expect(LOGIN,   403,     ORG_EDIT,  ORG_EDIT, ORG_EDIT, org=ORG_EDIT,
                                            method="POST", kwargs=lambda w: {"slug": w.organisation.slug},
                                            data={"name": "Eva Smit", "email": "eva@hanze.example", "opted_in": "on"}),
    "labs:organisation_contact_add[another one]":
                                     Expect(LOGIN,   403,     OTHER_EDIT, OTHER_EDIT, OTHER_EDIT, org=404,
                                            method="POST", kwargs=lambda w: {"slug": w.other_organisation.slug},
                                            data={"name": "Eva Smit", "email": "eva@koeln.example", "opted_in": "on"}),
    "labs:organisation_contact_add[GET]":
                                     Expect(405,     405,     405,       405,     405, org=405,
                                            kwargs=lambda w: {"slug": w.organisation.slug}),
    "labs:organisation_contact_remove":
                                     Expect(LOGIN,   403,     ORG_EDIT,  ORG_EDIT, ORG_EDIT, org=ORG_EDIT,
                                            method="POST", kwargs=lambda w: {"slug": w.organisation.slug,
                                                                             "pk": w.organisation_contact.pk}),
    "labs:organisation_contact_remove[another one]":
                                     Expect(LOGIN,   403,     OTHER_EDIT, OTHER_EDIT, OTHER_EDIT, org=404,
                                            method="POST", kwargs=lambda w: {"slug": w.other_organisation.slug,
                                                                             "pk": w.other_contact.pk}),
    "labs:organisation_contact_remove[GET]":
                                     Expect(405,     405,     405,       405,     405, org=405,
                                            kwargs=lambda w: {"slug": w.organisation.slug,
                                                              "pk": w.organisation_contact.pk}),
    "labs:organisation_contact_invite":
                                     Expect(LOGIN,   403,     ORG_EDIT,  ORG_EDIT, ORG_EDIT, org=403,
                                            method="POST", kwargs=lambda w: {"slug": w.organisation.slug,
                                                                             "pk": w.organisation_contact.pk}),
    "labs:organisation_contact_invite[GET]":
                                     Expect(405,     405,     405,       405,     405, org=405,
                                            kwargs=lambda w: {"slug": w.organisation.slug,
                                                              "pk": w.organisation_contact.pk}),
    "labs:invitation_accept[organisation member]":
                                     Expect(200,     200,     200,       200,     200, org=200,
                                            kwargs=lambda w: {"token": role_invitation_token(w.org_invitation)}),
    "notifications:list":   Expect(LOGIN,   200,     200,       200,     200),
    "notifications:read":
                                     Expect(LOGIN,   Redirect("/notifications/"), Redirect("/notifications/"),
                                            Redirect("/notifications/"), Redirect("/notifications/"), method="POST"),
    "notifications:read[GET]":
                                     Expect(405,     405,     405,       405,     405),
    # Saved searches (issue 16): each person's own; the company directory's for programme staff only.
    "searches:list":                 Expect(LOGIN,   200,     200,       200,     200),
    "searches:new":                  Expect(LOGIN,   200,     200,       200,     200,
                                            query={"list": "opportunities", "query": "country=DE"}),
    "searches:new[companies]":       Expect(LOGIN,   403,     200,       200,     200,
                                            query={"list": "companies", "query": "q=games"}),
    "searches:new[unknown list]":    Expect(LOGIN,   404,     404,       404,     404, query={"list": "deals"}),
    "searches:new[POST]":            Expect(LOGIN,   Redirect("/searches/"), Redirect("/searches/"),
                                            Redirect("/searches/"), Redirect("/searches/"), method="POST",
                                            data={"list": "opportunities", "query": "country=DE", "name": "Germany",
                                                  "frequency": "daily"}),
    "searches:open":                 Expect(LOGIN,   Redirect("/opportunities/?country=DE"), 404, 404, 404,
                                            kwargs=lambda w: {"pk": w.saved_search.pk}),
    "searches:edit":                 Expect(LOGIN,   200,     404,       404,     404,
                                            kwargs=lambda w: {"pk": w.saved_search.pk}),
    "searches:delete":               Expect(LOGIN,   Redirect("/searches/"), 404, 404, 404, method="POST",
                                            kwargs=lambda w: {"pk": w.saved_search.pk}),
    "searches:delete[GET]":          Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.saved_search.pk}),

    # Introductions and deals (area B)      visitor  sme      developer  embassy  admin
    "opportunities:introduce":       Expect(LOGIN,   403,     200,       403,     200,
                                            kwargs=lambda w: {"pk": w.interest_a.pk}),
    "opportunities:record_outcome":  Expect(LOGIN,   403,     200,       403,     200,
                                            kwargs=lambda w: {"pk": w.introduction_a.pk}),
    "opportunities:deal_resend":     Expect(LOGIN,   403,     Redirect(lambda w: f"/interests/{w.interest_a.pk}/"),
                                            403,     Redirect(lambda w: f"/interests/{w.interest_a.pk}/"),
                                            method="POST", kwargs=lambda w: {"pk": w.deal_a.pk}),
    "opportunities:deal_resend[GET]":
                                     Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.deal_a.pk}),
    "opportunities:deal_confirm":    Expect(LOGIN,   400,     400,       400,     400, kwargs={"token": BOGUS_TOKEN}),
    # Only members of the deal's company may answer; to everyone else the deal does not exist.
    "opportunities:deal_confirm[valid]":
                                     Expect(LOGIN,   200,     404,       404,     404,
                                            kwargs=lambda w: {"token": deal_confirmation_token(w.deal_a)}),
    "opportunities:deal_overview":   Expect(LOGIN,   403,     200,       200,     200),
    "opportunities:deal_export":     Expect(LOGIN,   403,     200,       200,     200),

    # Programme insight                     visitor  sme      developer  embassy  admin
    "insights:dashboard":            Expect(LOGIN,   403,     200,       200,     200),
    # Another Lab (Shanghai's, in China): outside a Berlin developer's and a German post's choices.
    "insights:dashboard[other lab]": Expect(LOGIN,   403,     400,       400,     200,
                                            kwargs=lambda w: {} if w.lab_b else {}, query={"lab": "lab-b"}),
    "insights:dashboard[bad date]":  Expect(LOGIN,   403,     400,       400,     400, query={"start": "2025-13-01"}),
    "insights:export":               Expect(LOGIN,   403,     200,       200,     200,
                                            kwargs={"key": "funnel", "fmt": "csv"}),
    "insights:export[xlsx, a list]": Expect(LOGIN,   403,     200,       200,     200,
                                            kwargs={"key": "awaiting_deals", "fmt": "xlsx"}),
    "insights:export[other lab]":    Expect(LOGIN,   403,     400,       400,     200,
                                            kwargs=lambda w: {"key": "per_lab", "fmt": "csv"} if w.lab_b else {},
                                            query={"lab": "lab-b"}),
    "insights:export[no such table]": Expect(LOGIN,  403,     404,       404,     404,
                                            kwargs={"key": "salaries", "fmt": "csv"}),
    "insights:export[no such format]": Expect(LOGIN, 403,     404,       404,     404,
                                            kwargs={"key": "funnel", "fmt": "pdf"}),

    # Suggestions and expressions of interest (area A)
    #                                       visitor  sme      developer  embassy  admin
    "opportunities:suggestion_add":  Expect(LOGIN,   403,     200,       403,     200,
                                            kwargs=lambda w: {"pk": w.published_a.pk}, query={"q": "studio"}),
    "opportunities:suggestion_add[other lab]":
                                     Expect(LOGIN,   403,     404,       403,     200,
                                            kwargs=lambda w: {"pk": w.published_b.pk}),
    "opportunities:suggestion_add[POST]":
                                     Expect(LOGIN,   403,     Redirect(lambda w: f"/opportunities/{w.published_a.pk}/"),
                                            403,     Redirect(lambda w: f"/opportunities/{w.published_a.pk}/"),
                                            method="POST", kwargs=lambda w: {"pk": w.published_a.pk},
                                            data=lambda w: {"company": w.other_company.pk}),
    # No company chosen: the search page again, with the error.
    "opportunities:suggestion_add[POST invalid]":
                                     Expect(LOGIN,   403,     400,       403,     400,
                                            method="POST", kwargs=lambda w: {"pk": w.published_a.pk}),
    "opportunities:suggestion_decide":
                                     Expect(LOGIN,   403,     Redirect(lambda w: f"/opportunities/{w.published_a.pk}/"),
                                            403,     Redirect(lambda w: f"/opportunities/{w.published_a.pk}/"),
                                            method="POST",
                                            kwargs=lambda w: {"pk": w.suggestion_a.pk, "action": "shortlist"}),
    "opportunities:suggestion_decide[other lab]":
                                     Expect(LOGIN,   403,     404,       403,
                                            Redirect(lambda w: f"/opportunities/{w.published_b.pk}/"),
                                            method="POST",
                                            kwargs=lambda w: {"pk": w.suggestion_b.pk, "action": "shortlist"}),
    "opportunities:suggestion_decide[unknown action]":
                                     Expect(LOGIN,   403,     404,       403,     404, method="POST",
                                            kwargs=lambda w: {"pk": w.suggestion_a.pk, "action": "promote"}),
    "opportunities:suggestion_decide[GET]":
                                     Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.suggestion_a.pk, "action": "shortlist"}),
    "opportunities:interest_express":
                                     Expect(LOGIN,   200,     403,       403,     403,
                                            kwargs=lambda w: {"pk": w.published_a.pk}),
    "opportunities:interest_express[draft]":
                                     Expect(LOGIN,   404,     403,       403,     403,
                                            kwargs=lambda w: {"pk": w.draft_a.pk}),
    # Nothing filled in: the form again, with its errors.
    "opportunities:interest_express[POST invalid]":
                                     Expect(LOGIN,   400,     403,       403,     403, method="POST",
                                            kwargs=lambda w: {"pk": w.published_a.pk}),
    "opportunities:interest_detail": Expect(LOGIN,   200,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.interest_a.pk}),
    "opportunities:interest_detail[other company]":
                                     Expect(LOGIN,   404,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.other_interest.pk}),
    "opportunities:interest_detail[other lab]":
                                     Expect(LOGIN,   404,     404,       404,     200,
                                            kwargs=lambda w: {"pk": w.other_interest_b.pk}),
    "opportunities:interest_withdraw":
                                     Expect(LOGIN,   Redirect(lambda w: f"/interests/{w.interest_a.pk}/"),
                                            403,     403,     403,
                                            method="POST", kwargs=lambda w: {"pk": w.interest_a.pk}),
    "opportunities:interest_withdraw[other company]":
                                     Expect(LOGIN,   404,     403,       403,     403,
                                            method="POST", kwargs=lambda w: {"pk": w.other_interest.pk}),
    "opportunities:interest_withdraw[GET]":
                                     Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.interest_a.pk}),
    "opportunities:interest_reply":  Expect(LOGIN,   403,     Redirect(lambda w: f"/interests/{w.interest_a.pk}/"),
                                            403,     Redirect(lambda w: f"/interests/{w.interest_a.pk}/"),
                                            method="POST", kwargs=lambda w: {"pk": w.interest_a.pk},
                                            data={"reply": "more_info"}),
    "opportunities:interest_reply[other lab]":
                                     Expect(LOGIN,   403,     404,       403,
                                            Redirect(lambda w: f"/interests/{w.other_interest_b.pk}/"),
                                            method="POST", kwargs=lambda w: {"pk": w.other_interest_b.pk},
                                            data={"reply": "more_info"}),
    "opportunities:interest_reply[GET]":
                                     Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.interest_a.pk}),
    "opportunities:my_opportunities":
                                     Expect(LOGIN,   200,     403,       403,     403),
    # Suggestions and expressions are made in the portal, never added in the admin.
    "admin:opportunities_suggestion_add":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403),
    "admin:opportunities_interest_add":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403),
    # The match queue is the worker's: shown (a change failing again and again stands out), never edited.
    "admin:opportunities_matchqueue_add":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403),
    "admin:opportunities_interest_change":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200,
                                            kwargs=lambda w: {"object_id": w.interest_a.pk}),
    "admin:opportunities_suggestion_change":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200,
                                            kwargs=lambda w: {"object_id": w.suggestion_a.pk}),

    # The public API (api/): JSON for everyone, whoever is logged in; a partner's key is a header, not a login.
    #                                       visitor  sme      developer  embassy  admin
    "api:index":                     Expect(Redirect("/api/v1/docs"), Redirect("/api/v1/docs"),
                                            Redirect("/api/v1/docs"), Redirect("/api/v1/docs"),
                                            Redirect("/api/v1/docs")),
    # ninja's own pattern for the prefix, behind api:index: only reversed, never reached.
    "api:api-root":                  Expect(Redirect("/api/v1/docs"), Redirect("/api/v1/docs"),
                                            Redirect("/api/v1/docs"), Redirect("/api/v1/docs"),
                                            Redirect("/api/v1/docs")),
    "api:openapi-json":              Expect(200,     200,     200,       200,     200),
    "api:openapi-view":              Expect(200,     200,     200,       200,     200),
    "api:opportunities":             Expect(200,     200,     200,       200,     200),
    "api:opportunity":               Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"opportunity_id": w.published_a.pk}),
    "api:opportunity[draft]":        Expect(404,     404,     404,       404,     404,
                                            kwargs=lambda w: {"opportunity_id": w.draft_a.pk}),
    "api:opportunity[not a number]": Expect(422,     422,     422,       422,     422,
                                            kwargs={"opportunity_id": "seven"}),
    "api:opportunities[POST]":       Expect(405,     405,     405,       405,     405, method="POST"),
    "api:themes":                    Expect(200,     200,     200,       200,     200),
    "api:countries":                 Expect(200,     200,     200,       200,     200),
    "api:labs":                      Expect(200,     200,     200,       200,     200),
    "api:posts":                     Expect(200,     200,     200,       200,     200),
    "api:companies":                 Expect(200,     200,     200,       200,     200),
    "api:company":                   Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"company_id": w.company.pk}),
    "api:company[unlisted]":         Expect(404,     404,     404,       404,     404,
                                            kwargs=lambda w: {"company_id": w.unlisted_company.pk}),
    "api:networks":                  Expect(200,     200,     200,       200,     200,     org=200),
    "api:network":                   Expect(200,     200,     200,       200,     200,     org=200,
                                            kwargs=lambda w: {"slug": w.network_de.slug}),
    "api:network[unknown]":          Expect(404,     404,     404,       404,     404,     org=404,
                                            kwargs={"slug": "no-such-network"}),
    "api:exchanges":                 Expect(200,     200,     200,       200,     200),
    "api:exchange":                  Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"exchange_id": w.exchange_a.pk}),
    "api:exchange[draft]":           Expect(404,     404,     404,       404,     404,
                                            kwargs=lambda w: {"exchange_id": w.exchange_draft_a.pk}),
    # Partner keys: issued (the key shown once) and revoked by admins; a key is never edited or deleted.
    "admin:api_apikey_change":       Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200,
                                            kwargs=lambda w: {"object_id": w.partner_key.pk}),
    "admin:api_apikey_delete":       Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403,
                                            kwargs=lambda w: {"object_id": w.partner_key.pk}),

    # The portal's account pages          visitor  sme      developer  embassy  admin
    "accounts:profile":              Expect(LOGIN,   200,     200,       200,     200),
    "accounts:mfa_required":         Expect(LOGIN,   200,     200,       200,     200),
    # Nothing pending: back home.
    "accounts:continue":             Expect(LOGIN,   HOME,    HOME,      HOME,    HOME),
    "accounts:privacy":              Expect(LOGIN,   200,     200,       200,     200),
    "accounts:privacy_export":       Expect(LOGIN,   200,     200,       200,     200),
    "accounts:privacy_data":         Expect(LOGIN,   200,     200,       200,     200),
    "accounts:delete":               Expect(LOGIN,   REAUTHENTICATE, REAUTHENTICATE, REAUTHENTICATE, REAUTHENTICATE),
    "accounts:delete[reauthenticated]":
                                     Expect(LOGIN,   200,     200,       200,     200, reauthenticated=True),
    # Alerts, digests and unsubscribe (issue 6, area C). The link works without logging in, for its own person.
    "notifications:settings":
                                     Expect(LOGIN,   200,     200,       200,     200),
    "notifications:unsubscribe":          Expect(400,     400,     400,       400,     400,
                                            kwargs={"category": "status", "token": BOGUS_TOKEN}),
    "notifications:unsubscribe[valid]":   Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"category": "status", "token": w.unsubscribe_token}),
    # The one-click POST of RFC 8058 (no CSRF token) turns that one kind of e-mail off.
    "notifications:unsubscribe[POST]":    Expect(200,     200,     200,       200,     200, method="POST",
                                            kwargs=lambda w: {"category": "status", "token": w.unsubscribe_token}),
    "notifications:unsubscribe[other kind]":
                                     Expect(400,     400,     400,       400,     400,
                                            kwargs=lambda w: {"category": "matches", "token": w.unsubscribe_token}),

    # allauth: account                      visitor  sme      developer  embassy  admin
    "account_login":                 Expect(200,     HOME,    HOME,      HOME,    HOME),
    "account_signup":                Expect(200,     HOME,    HOME,      HOME,    HOME),
    # Logged in: a page asking to confirm (logging out is a POST); not logged in: nothing to do.
    "account_logout":                Expect(HOME,    200,     200,       200,     200),
    "account_logout[POST]":          Expect(HOME,    HOME,    HOME,      HOME,    HOME, method="POST"),
    "account_inactive":              Expect(200,     200,     200,       200,     200),
    "account_reauthenticate":        Expect(LOGIN,   200,     200,       200,     200),
    "account_request_reauthentication_code":
                                     Expect(LOGIN,   200,     200,       200,     200),
    "account_confirm_reauthentication_code":
                                     Expect(LOGIN,   Redirect("/accounts/reauthenticate/code/"),
                                            Redirect("/accounts/reauthenticate/code/"),
                                            Redirect("/accounts/reauthenticate/code/"),
                                            Redirect("/accounts/reauthenticate/code/")),
    "account_email":                 Expect(LOGIN,   200,     200,       200,     200),
    "account_email_verification_sent":
                                     Expect(200,     200,     200,       200,     200),
    # A bogus key shows allauth's "link invalid or expired" page.
    "account_confirm_email":         Expect(200,     200,     200,       200,     200, kwargs={"key": BOGUS_TOKEN}),
    "account_change_password":       Expect(LOGIN,   200,     200,       200,     200),
    # Everyone here has a password, so "set" becomes "change".
    "account_set_password":          Expect(LOGIN,   Redirect("/accounts/password/change/"),
                                            Redirect("/accounts/password/change/"),
                                            Redirect("/accounts/password/change/"),
                                            Redirect("/accounts/password/change/")),
    "account_reset_password":        Expect(200,     200,     200,       200,     200),
    "account_reset_password_done":   Expect(200,     200,     200,       200,     200),
    # A bogus key shows allauth's "bad token" page.
    "account_reset_password_from_key":
                                     Expect(200,     200,     200,       200,     200,
                                            kwargs={"uidb36": "1", "key": "set-" + BOGUS_TOKEN}),
    "account_reset_password_from_key_done":
                                     Expect(200,     200,     200,       200,     200),
    # No login by code in progress.
    "account_confirm_login_code":    Expect(Redirect("/accounts/login/"), HOME, HOME, HOME,   HOME),

    # allauth: two-factor                   visitor  sme      developer  embassy  admin
    "mfa_index":                     Expect(LOGIN,   200,     200,       200,     200),
    # No login in progress.
    "mfa_authenticate":              Expect(Redirect("/accounts/login/"), HOME, HOME, HOME,   HOME),
    "mfa_reauthenticate":            Expect(LOGIN,   Redirect("/accounts/reauthenticate/"), 200, 200, 200),
    "mfa_activate_totp":             Expect(LOGIN,   REAUTHENTICATE, REAUTHENTICATE, REAUTHENTICATE, REAUTHENTICATE),
    "mfa_activate_totp[reauthenticated]":
                                     Expect(LOGIN,   200,     Redirect("/accounts/2fa/totp/deactivate/"),
                                            Redirect("/accounts/2fa/totp/deactivate/"),
                                            Redirect("/accounts/2fa/totp/deactivate/"), reauthenticated=True),
    # sme_owner has no TOTP to deactivate.
    "mfa_deactivate_totp":           Expect(LOGIN,   404,     REAUTHENTICATE, REAUTHENTICATE, REAUTHENTICATE),
    "mfa_deactivate_totp[reauthenticated]":
                                     Expect(LOGIN,   404,     200,       200,     200, reauthenticated=True),
    # Nobody here has generated recovery codes yet.
    "mfa_view_recovery_codes":       Expect(LOGIN,   404,     404,       404,     404),
    "mfa_download_recovery_codes":   Expect(LOGIN,   404,     404,       404,     404),
    "mfa_generate_recovery_codes":   Expect(LOGIN,   REAUTHENTICATE, REAUTHENTICATE, REAUTHENTICATE, REAUTHENTICATE),
    # sme_owner sees the form, which refuses to generate codes without another factor.
    "mfa_generate_recovery_codes[reauthenticated]":
                                     Expect(LOGIN,   200,     200,       200,     200, reauthenticated=True),

    # Django admin: the namespace rule (see admin_rule) plus these
    #                                       visitor      sme           developer     embassy       admin
    "admin:login":                   Expect(LOGIN,       403,          403,          403,          Redirect("/admin/")),
    # Logging out is a POST; a GET by anyone who is not staff is sent to the admin index.
    "admin:logout":                  Expect(Redirect("/admin/"), Redirect("/admin/"), Redirect("/admin/"),
                                            Redirect("/admin/"), 405),
    "admin:password_change":         Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200),
    "admin:password_change_done":    Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200),
    "admin:jsi18n":                  Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200),
    # Without (or with wrong) parameters the autocomplete refuses everyone.
    "admin:autocomplete":            Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403),
    "admin:autocomplete[valid]":     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200,
                                            query={"app_label": "companies", "model_name": "membership",
                                                   "field_name": "company", "term": "studio"}),
    "admin:view_on_site":            Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED,
                                            Redirect(lambda w: f"/companies/{w.company.slug}/"),
                                            kwargs=lambda w: _content_object(w.company)),
    # Deals are recorded through the portal, which computes the fee (area B).
    "admin:opportunities_deal_add":  Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403),
    # Opportunities are posted, companies registered and introductions made through the portal (services,
    # workflow, owner); the admin edits what exists, through the same services.
    "admin:opportunities_opportunity_add":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403),
    "admin:companies_company_add":   Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403),
    "admin:opportunities_introduction_add":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403),
    # Each change, with who made it (django-simple-history). An old version's page (positional arguments, not
    # reversible here) is looked at and refused a restore in tests/opportunities/test_history.py.
    "admin:opportunities_opportunity_history":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200,
                                            kwargs=lambda w: {"object_id": w.published_a.pk}),
    "admin:opportunities_deal_change":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200,
                                            kwargs=lambda w: {"object_id": w.deal_a.pk}),
    "admin:companies_company_history":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200,
                                            kwargs=lambda w: {"object_id": w.company.pk}),
    # Digests sent are a record the worker writes, not something to add by hand.
    "admin:accounts_sentdigest_add": Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403),
    # Notifications are written by notifications.services.notify, never added by hand.
    "admin:opportunities_notification_add":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403),
    "admin:labs_lab_change":         Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200,
                                            kwargs=lambda w: {"object_id": w.lab_a.pk}),
    "admin:labs_lab_history":        Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200,
                                            kwargs=lambda w: {"object_id": w.lab_a.pk}),
    "admin:labs_lab_delete":         Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200,
                                            kwargs=lambda w: {"object_id": w.lab_a.pk}),
    "admin:companies_company_change":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200,
                                            kwargs=lambda w: {"object_id": w.company.pk}),
    "admin:accounts_user_change":    Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 200,
                                            kwargs=lambda w: {"object_id": w.plain_user.pk}),
    # An unknown address under /admin/ gives nothing away to whoever is not staff.
    "admin/(?P<url>.*)$":            Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 404,
                                            path="/admin/no-such-page/"),

    # Exchanges (exchanges/): public list, page, .ics and feeds; organisers of the Lab or country manage.
    #                                       visitor  sme      developer  embassy  admin
    "exchanges:list":                Expect(200,     200,     200,       200,     200),
    "exchanges:feed":                Expect(200,     200,     200,       200,     200),
    "exchanges:detail":              Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.exchange_a.pk}),
    "exchanges:detail[draft]":       Expect(404,     404,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.exchange_draft_a.pk}),
    "exchanges:ics":                 Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.exchange_a.pk}),
    "exchanges:ics[draft]":          Expect(404,     404,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.exchange_draft_a.pk}),
    "exchanges:personal_feed":       Expect(404,     404,     404,       404,     404, kwargs={"token": BOGUS_TOKEN}),
    "exchanges:personal_feed[valid]":
                                     Expect(200,     200,     200,       200,     200,
                                            kwargs=lambda w: {"token": w.calendar_token_sme}),
    "exchanges:create":              Expect(LOGIN,   403,     200,       200,     200),
    "exchanges:mine":                Expect(LOGIN,   200,     200,       200,     200),
    "exchanges:calendar_token":      Expect(LOGIN,   Redirect("/exchanges/mine/"), Redirect("/exchanges/mine/"),
                                            Redirect("/exchanges/mine/"), Redirect("/exchanges/mine/"),
                                            method="POST", data={"action": "create"}),
    "exchanges:calendar_token[GET]": Expect(405,     405,     405,       405,     405),
    "exchanges:edit":                Expect(LOGIN,   403,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.exchange_a.pk}),
    "exchanges:edit[other Lab]":     Expect(LOGIN,   403,     404,       404,     200,
                                            kwargs=lambda w: {"pk": w.exchange_b.pk}),
    "exchanges:step":                Expect(LOGIN,   403,
                                            Redirect(lambda w: f"/exchanges/{w.exchange_draft_a.pk}/"),
                                            Redirect(lambda w: f"/exchanges/{w.exchange_draft_a.pk}/"),
                                            Redirect(lambda w: f"/exchanges/{w.exchange_draft_a.pk}/"),
                                            method="POST", data={"action": "publish"},
                                            kwargs=lambda w: {"pk": w.exchange_draft_a.pk}),
    "exchanges:step[other Lab]":     Expect(LOGIN,   403,     404,       404,
                                            Redirect(lambda w: f"/exchanges/{w.exchange_b.pk}/"),
                                            method="POST", data={"action": "cancel"},
                                            kwargs=lambda w: {"pk": w.exchange_b.pk}),
    "exchanges:step[GET]":           Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.exchange_a.pk}),
    "exchanges:manage":              Expect(LOGIN,   403,     200,       200,     200,
                                            kwargs=lambda w: {"pk": w.exchange_a.pk}),
    "exchanges:manage[other Lab]":   Expect(LOGIN,   403,     404,       404,     200,
                                            kwargs=lambda w: {"pk": w.exchange_b.pk}),
    # Only company members register for a companies' exchange; a draft is not there for outsiders.
    "exchanges:register":            Expect(LOGIN,   200,     403,       403,     403,
                                            kwargs=lambda w: {"pk": w.exchange_a.pk}),
    "exchanges:register[draft]":     Expect(LOGIN,   404,     403,       403,     403,
                                            kwargs=lambda w: {"pk": w.exchange_draft_a.pk}),
    "exchanges:decide":              Expect(LOGIN,   403,
                                            MANAGE_A, MANAGE_A, MANAGE_A,
                                            method="POST", data={"approve": "1"},
                                            kwargs=lambda w: {"pk": w.registration_a.pk}),
    "exchanges:decide[GET]":         Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.registration_a.pk}),
    "exchanges:cancel":              Expect(LOGIN,   Redirect(lambda w: f"/exchanges/{w.registration_a.exchange_id}/"),
                                            404,     404,       404,
                                            method="POST", kwargs=lambda w: {"pk": w.registration_a.pk}),
    # Meetings: the confirmed participants (sme_owner's company); organisers are sent to the registrations page.
    "exchanges:meetings":            Expect(LOGIN,   200,     MANAGE_A,  MANAGE_A, MANAGE_A, org=403,
                                            kwargs=lambda w: {"pk": w.registration_a.exchange_id}),
    "exchanges:meetings_ics":        Expect(LOGIN,   200,     403,       403,     403,     org=403,
                                            kwargs=lambda w: {"pk": w.registration_a.exchange_id}),
    # Only the invitee answers: the requester is told so on the meetings page; no one else finds the meeting.
    "exchanges:meeting_answer":      Expect(LOGIN,   MEETINGS_A,
                                            404,     404,       404,     org=404, method="POST",
                                            data={"decision": "accept"}, kwargs=lambda w: {"pk": w.meeting_a.pk}),
    "exchanges:meeting_answer[GET]": Expect(405,     405,     405,       405,     405,     org=405,
                                            kwargs=lambda w: {"pk": w.meeting_a.pk}),
    "exchanges:invite":              Expect(LOGIN,   403,     INVITED_A, INVITED_A, INVITED_A, org=403, method="POST",
                                            kwargs=lambda w: {"pk": w.exchange_suggestion_a.pk}),
    "exchanges:invite[other Lab]":   Expect(LOGIN,   403,     404,       404,     INVITED_B, org=403, method="POST",
                                            kwargs=lambda w: {"pk": w.exchange_suggestion_b.pk}),
    "exchanges:invite[GET]":         Expect(405,     405,     405,       405,     405,     org=405,
                                            kwargs=lambda w: {"pk": w.exchange_suggestion_a.pk}),
    "exchanges:cancel[GET]":         Expect(405,     405,     405,       405,     405,
                                            kwargs=lambda w: {"pk": w.registration_a.pk}),
    # Theme networks (networks/): public list, page and requests; embassy staff of the country and admins curate;
    # members (the company, the organisation, Lab A) post and answer; the requester accepts and closes.
    #                                       visitor  sme      developer  embassy  admin
    "networks:list":                 Expect(200,     200,     200,       200,     200,     org=200),
    "networks:create":               Expect(LOGIN,   403,     403,       200,     200,     org=403),
    "networks:for_you":              Expect(LOGIN,   200,     200,       200,     200,     org=200),
    "networks:detail":               Expect(200,     200,     200,       200,     200,     org=200,
                                            kwargs=lambda w: {"slug": w.network_de.slug}),
    "networks:detail[unknown]":      Expect(404,     404,     404,       404,     404,     org=404,
                                            kwargs={"slug": "no-such-network"}),
    "networks:edit":                 Expect(LOGIN,   403,     403,       200,     200,     org=403,
                                            kwargs=lambda w: {"slug": w.network_de.slug}),
    "networks:edit[other country]":  Expect(LOGIN,   403,     403,       404,     200,     org=403,
                                            kwargs=lambda w: {"slug": w.network_cn.slug}),
    "networks:archive":              Expect(LOGIN,   403,     403,       NETWORK_DE, NETWORK_DE, org=403,
                                            method="POST", kwargs=lambda w: {"slug": w.network_de.slug}),
    "networks:archive[other country]":
                                     Expect(LOGIN,   403,     403,       404,     NETWORK_CN, org=403,
                                            method="POST", kwargs=lambda w: {"slug": w.network_cn.slug}),
    "networks:archive[GET]":         Expect(405,     405,     405,       405,     405,     org=405,
                                            kwargs=lambda w: {"slug": w.network_de.slug}),
    "networks:join":                 Expect(LOGIN,   200,     403,       403,     403,     org=200,
                                            kwargs=lambda w: {"slug": w.network_cn.slug}),
    "networks:member_add":           Expect(LOGIN,   403,     403,       NETWORK_DE, NETWORK_DE, org=403,
                                            method="POST", data=lambda w: {"lab": w.lab_a.pk},
                                            kwargs=lambda w: {"slug": w.network_de.slug}),
    "networks:member_add[GET]":      Expect(405,     405,     405,       405,     405,     org=405,
                                            kwargs=lambda w: {"slug": w.network_de.slug}),
    "networks:decide":               Expect(LOGIN,   403,     403,       NETWORK_DE, NETWORK_DE, org=403,
                                            method="POST", data={"decision": "accept"},
                                            kwargs=lambda w: {"pk": w.pending_join_de.pk}),
    "networks:decide[GET]":          Expect(405,     405,     405,       405,     405,     org=405,
                                            kwargs=lambda w: {"pk": w.pending_join_de.pk}),
    # Members post: the company, Lab A's business developer and the organisation; the post is no member.
    "networks:request_create":       Expect(LOGIN,   200,     200,       403,     403,     org=200,
                                            kwargs=lambda w: {"slug": w.network_de.slug}),
    "networks:request":              Expect(200,     200,     200,       200,     200,     org=200,
                                            kwargs=lambda w: {"pk": w.help_request_de.pk}),
    "networks:request[unknown]":     Expect(404,     404,     404,       404,     404,     org=404,
                                            kwargs={"pk": 999999}),
    # The requester cannot answer their own request, the organisation has answered already: the form again.
    "networks:answer":               Expect(LOGIN,   200,     REQUEST_DE, 403,    403,     org=200,
                                            method="POST",
                                            data={"message": "We know a workshop.", "contact": "bd@lab-a.example"},
                                            kwargs=lambda w: {"pk": w.answer_de.request_id}),
    "networks:answer[GET]":          Expect(405,     405,     405,       405,     405,     org=405,
                                            kwargs=lambda w: {"pk": w.help_request_de.pk}),
    "networks:request_close":        Expect(LOGIN,   REQUEST_DE, 403,    403,     403,     org=403,
                                            method="POST", kwargs=lambda w: {"pk": w.help_request_de.pk}),
    "networks:request_close[GET]":   Expect(405,     405,     405,       405,     405,     org=405,
                                            kwargs=lambda w: {"pk": w.help_request_de.pk}),
    # The answer is the requester's to accept; curators and its helper see it, others do not find it.
    "networks:answer_accept":        Expect(LOGIN,   REQUEST_DE, 404,    403,     403,     org=403,
                                            method="POST", kwargs=lambda w: {"pk": w.answer_de.pk}),
    "networks:answer_accept[GET]":   Expect(405,     405,     405,       405,     405,     org=405,
                                            kwargs=lambda w: {"pk": w.answer_de.pk}),
    # Exchanges and registrations are made and changed in the portal, through the services.
    "admin:exchanges_exchange_add":  Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403),
    "admin:exchanges_registration_add":
                                     Expect(ADMIN_LOGIN, ADMIN_DENIED, ADMIN_DENIED, ADMIN_DENIED, 403),
}
# fmt: on

# Where a Lab partner (sme_owner while the company is Lab A's partner) is answered otherwise than the plain
# SME owner: it passes the role check of a business developer's pages, then finds only its own opportunities
# (the rows' objects are the Lab's, so not found: 404), and sees its own deals.
_PARTNER_NOT_FOUND = [
    "opportunities:edit",
    "opportunities:transition",
    "opportunities:transition[publish]",
    "opportunities:transition[other country]",
    "opportunities:close_won[draft]",
    "opportunities:attachment_add",
    "opportunities:introduce",
    "opportunities:record_outcome",
    "opportunities:deal_resend",
    "opportunities:suggestion_add",
    "opportunities:suggestion_add[other lab]",
    "opportunities:suggestion_add[POST]",
    "opportunities:suggestion_add[POST invalid]",
    "opportunities:suggestion_decide",
    "opportunities:suggestion_decide[other lab]",
    "opportunities:suggestion_decide[unknown action]",
    "opportunities:interest_reply",
    "opportunities:interest_reply[other lab]",
]
# A partner signs in with two factors, like the programme's staff: its two-factor pages answer as theirs.
_PARTNER_AS_DEVELOPER = [
    "mfa_reauthenticate",
    "mfa_activate_totp[reauthenticated]",
    "mfa_deactivate_totp",
    "mfa_deactivate_totp[reauthenticated]",
]
_PARTNER_OUTCOMES = {
    **dict.fromkeys(_PARTNER_NOT_FOUND, 404),
    **{key: EXPECTATIONS[key].developer for key in _PARTNER_AS_DEVELOPER},
    "opportunities:create": 200,
    "opportunities:deal_overview": 200,
    "opportunities:deal_export": 200,
}
for _key, _outcome in _PARTNER_OUTCOMES.items():
    EXPECTATIONS[_key] = replace(EXPECTATIONS[_key], partner=_outcome)

_TO_PARTNER_DRAFT = Redirect(lambda w: f"/opportunities/{w.partner_draft_a.pk}/")

# fmt: off
# The partner's own opportunity (for the other roles the company's partnership has not started yet).
EXPECTATIONS.update({
    "opportunities:edit[partner's draft]":
                                     Expect(LOGIN,   403,     200,       404,     200,     partner=200,
                                            kwargs=lambda w: {"pk": w.partner_draft_a.pk}),
    "opportunities:detail[partner's draft]":
                                     Expect(404,     404,     200,       404,     200,     partner=200,
                                            kwargs=lambda w: {"pk": w.partner_draft_a.pk}),
    "opportunities:transition[partner's draft]":
                                     Expect(LOGIN,   403,     _TO_PARTNER_DRAFT, 404,     _TO_PARTNER_DRAFT,
                                            partner=_TO_PARTNER_DRAFT,
                                            method="POST",
                                            kwargs=lambda w: {"pk": w.partner_draft_a.pk, "name": "submit"}),
})
# fmt: on


def _content_object(obj) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType

    return {"content_type_id": ContentType.objects.get_for_model(obj).pk, "object_id": obj.pk}


# --- Walking the URL patterns -------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # namespace:name, or the route for a pattern without a name
    route: str
    namespace: str


def url_patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from url_patterns(entry, route, inner)
        else:
            assert isinstance(entry, URLPattern), entry
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Pattern(key=name or route, route=route, namespace=namespace)


def is_admin(pattern: Pattern) -> bool:
    return pattern.namespace == ADMIN_NAMESPACE or pattern.namespace.startswith(f"{ADMIN_NAMESPACE}:")


def base_name(key: str) -> str:
    """The pattern a key declares: `name[what]` is a further case of `name`."""
    return key[: key.rindex("[")] if key.endswith("]") else key


def admin_rule() -> dict[str, Expect]:
    """The admin namespace's rule, applied to its index, app indexes, changelists and add pages."""
    from django.contrib import admin

    rule = {
        "visitor": ADMIN_LOGIN,
        "sme": ADMIN_DENIED,
        "developer": ADMIN_DENIED,
        "embassy": ADMIN_DENIED,
        "org": ADMIN_DENIED,
    }
    cases = {"admin:index": Expect(**rule, admin=200)}
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        cases[f"admin:app_list[{app_label}]"] = Expect(**rule, admin=200, kwargs={"app_label": app_label})
    for pattern in url_patterns():
        if is_admin(pattern) and pattern.key.endswith(("_changelist", "_add")):
            cases[pattern.key] = Expect(**rule, admin=200)
    return cases


MATRIX: dict[str, Expect] = {**admin_rule(), **EXPECTATIONS}

# (key, role) cases that show a known app bug: still declared as designed, expected to fail until fixed.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _cases():
    for key in MATRIX:
        for role in ROLES:
            if getattr(MATRIX[key], role) is None:
                continue  # a row older than the organisation member role
            bug = KNOWN_BUGS.get((key, role))
            marks = [pytest.mark.xfail(reason=bug, strict=True)] if bug else []
            yield pytest.param(key, role, id=f"{key}-{role}", marks=marks)


# --- The tests ----------------------------------------------------------------------------------


def test_every_url_has_a_declaration():
    patterns = list(url_patterns())
    existing = {pattern.key for pattern in patterns}
    declared = {base_name(key) for key in EXPECTATIONS}
    undeclared = sorted(
        f"{pattern.key}  (/{pattern.route})"
        for pattern in patterns
        if not is_admin(pattern) and pattern.key not in declared
    )
    stale = sorted(key for key in EXPECTATIONS if base_name(key) not in existing)
    problems = []
    if undeclared:
        problems.append("URLs without a declaration in EXPECTATIONS:\n  " + "\n  ".join(undeclared))
    if stale:
        problems.append("Declarations for URLs that no longer exist:\n  " + "\n  ".join(stale))
    assert not problems, "\n".join(problems)


def test_the_admin_rule_exercises_every_registered_model():
    from django.contrib import admin

    for model in admin.site._registry:
        opts = model._meta
        for page in ("changelist", "add"):
            assert f"admin:{opts.app_label}_{opts.model_name}_{page}" in MATRIX, (model, page)


@pytest.mark.parametrize(("key", "role"), list(_cases()))
def test_url_authorization(key, role, client, request):
    expect = MATRIX[key]
    w = World(request)
    kwargs = expect.kwargs(w) if callable(expect.kwargs) else expect.kwargs
    path = expect.path or reverse(base_name(key), kwargs=kwargs)
    if expect.query:
        path = f"{path}?{urlencode(expect.query)}"
    data = expect.data(w) if callable(expect.data) else expect.data
    if ROLES[role]:
        client.force_login(getattr(w, ROLES[role]))
        if expect.reauthenticated:
            _reauthenticate(client)

    what = f"{expect.method} {path} as {role}"
    response = _request(client, expect.method, path, data, what)
    _check(client, response, expect.outcome(role), path, w, what)


def _reauthenticate(client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, f"could not reauthenticate: {_describe(response)}"


def _request(client, method: str, path: str, data, what: str):
    try:
        response = getattr(client, method.lower())(path, data or {})
    except Exception as error:  # noqa: BLE001 - any exception here is what a visitor sees as a 500
        pytest.fail(f"{what}: 500 ({error!r})")
    assert response.status_code < 500, f"{what}: {response.status_code}"
    return response


def _describe(response) -> str:
    location = response.get("Location")
    return f"{response.status_code} -> {location}" if location else str(response.status_code)


def _split(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query, keep_blank_values=True)


def _check(client, response, outcome: Outcome, path: str, w: World, what: str) -> None:
    assert isinstance(outcome, int | Redirect)
    if isinstance(outcome, int):
        assert response.status_code == outcome, f"{what}: expected {outcome}, got {_describe(response)}"
        return
    to = outcome.to(w) if callable(outcome.to) else outcome.to
    expected_path, expected_query = _split(to)
    if outcome.next:
        expected_query["next"] = [path]
    location = response.get("Location", "")
    assert response.status_code == outcome.status and _split(location) == (expected_path, expected_query), (
        f"{what}: expected {outcome}, got {_describe(response)}"
    )
    if outcome.then is not None:
        followed = _request(client, "GET", location, None, f"{what}, then GET {location}")
        _check(client, followed, outcome.then, path, w, f"{what}, then GET {location}")
