"""The personal-data export is complete: everything a person wrote, received or is named in.

One person here did every kind of thing the portal records; each item must be in the JSON and
on the page. A walk over every model then fails for a field that names a person (points at a
user, or at a row that stands for one) or holds an e-mail address and that no export section
reads, unless the allow-list below says why it is left out.
"""

import datetime
import json
from decimal import Decimal

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from accounts.export import LABELS, SECTIONS, covered_fields
from accounts.models import NotificationPreference, SentDigest, User
from companies.models import CompanyInvitation
from companies.services import portfolio_item_create
from labs.models import Lab, RoleInvitation
from opportunities.models import Interest, Notification, OpportunityEvent, Status, Suggestion, SuggestionAction
from tests.factories import (
    BusinessDeveloperFactory,
    CompanyFactory,
    EmbassyStaffFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
    give_mfa,
)
from tests.opportunities.factories import DealFactory, InterestFactory, IntroductionFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

# Fields that name a person but are deliberately not exported, each with the reason. Empty today:
# every such field is read by a section. A field may only be added here with a comment saying why.
NOT_EXPORTED: dict[str, str] = {}

EVA = "eva.everything@studio-alles.example"


def person_fields() -> set[str]:
    """Every model field that points at a user, at a row standing for one (one-to-one with a user), or
    holds an e-mail address, as "app_label.Model.field"."""
    user_model = User
    person_models = {user_model} | {
        model
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.one_to_one and field.concrete and field.related_model is user_model
    }
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete:
                continue  # the reverse side of a relation declared elsewhere
            points_at_person = field.is_relation and field.related_model in person_models
            if points_at_person or isinstance(field, models.EmailField):
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_field_naming_a_person_is_exported_or_left_out_on_purpose():
    fields = person_fields()
    missing = fields - covered_fields() - set(NOT_EXPORTED)
    assert not missing, f"not in any export section (accounts/export.py) nor in NOT_EXPORTED: {sorted(missing)}"
    # And no section claims a field that isn't there (a rename would leave it claiming nothing).
    assert covered_fields() - fields == set()
    assert set(NOT_EXPORTED) <= fields


def test_the_walk_finds_the_fields_it_must():
    """The walk itself: a few fields of each kind it has to find, so it can't pass by finding nothing."""
    assert {
        "accounts.User.email",
        "opportunities.Interest.contact",
        "opportunities.Introduction.client_contact_email",
        "opportunities.Opportunity.contacts",  # many-to-many to business developers
        "labs.BusinessDeveloper.user",
        "admin.LogEntry.user",
    } <= person_fields()


# --- One person who did everything --------------------------------------------------------------------


@pytest.fixture
def eva(lab_a, germany, admin_user, company):
    eva = give_mfa(UserFactory(email=EVA, full_name="Eva Everything", is_staff=True))
    RecoveryCodes.activate(eva)
    NotificationPreference.objects.create(user=eva, match_alerts="never", lab_digest=False)
    SentDigest.objects.create(user=eva, kind="lab_daily", period="2030-03-11", items=[41, 42], sent_at=timezone.now())
    LogEntry.objects.create(
        user=eva,
        content_type=ContentType.objects.get_for_model(Lab),
        object_id=str(lab_a.pk),
        object_repr="Creative Lab Berlin",
        action_flag=CHANGE,
        change_message="Edited the Berlin Lab's city",
    )
    BusinessDeveloperFactory(user=eva, lab=lab_a, job_title="Chief matchmaker", bio="Twenty years in Berlin design.")
    EmbassyStaffFactory(user=eva, post=PostFactory(country=germany, name="Consulate in Hamburg"), job_title="Attaché")
    MembershipFactory(user=eva, company=company)
    portfolio_item_create(company=company, data={"title": "Bike bell symphony", "description": "Sound design."})

    # Invitations she got, accepted, and sent.
    RoleInvitation.objects.create(email=EVA, role="business_developer", lab=lab_a, invited_by=admin_user)
    RoleInvitation.objects.create(
        email="eva.old@studio-alles.example",
        role="embassy_staff",
        post=eva.embassy_staff.post,
        invited_by=admin_user,
        accepted_by=eva,
        accepted_at=timezone.now(),
    )
    RoleInvitation.objects.create(
        email="new.developer@lab-a.example", role="business_developer", lab=lab_a, invited_by=eva
    )
    other_company = CompanyFactory(name="Studio Elders")
    CompanyInvitation.objects.create(company=other_company, email=EVA, invited_by=admin_user)
    CompanyInvitation.objects.create(company=company, email="future.colleague@studio-alles.example", invited_by=eva)

    # Opportunities she posted, is the contact for, and steps she took.
    posted = OpportunityFactory(lab=lab_a, created_by=eva, title="Playful crossings", status=Status.PUBLISHED)
    OpportunityFactory(lab=lab_a, title="Quiet trams", contacts=[eva.business_developer], status=Status.PUBLISHED)
    OpportunityEvent.objects.create(
        opportunity=posted,
        actor=eva,
        action="sent_back",
        from_status="submitted",
        to_status="draft",
        note="Add the budget, please",
    )
    Notification.objects.create(user=eva, kind="published", opportunity=posted, message="Playful crossings is live")

    # Match suggestions she decided on.
    suggestion = Suggestion.objects.create(
        opportunity=posted,
        company=other_company,
        score=0.6,
        engine_version="1",
        computed_at=timezone.now(),
        decision="shortlisted",
        decision_note="Strong on sound design",
        decided_by=eva,
        decided_at=timezone.now(),
    )
    SuggestionAction.objects.create(suggestion=suggestion, actor=eva, action="shortlisted", note="Call them Monday")

    # Expressions of interest: one she sent as her company's contact, one she answered.
    sent = InterestFactory(
        opportunity=OpportunityFactory(lab=lab_a, title="Cycling parade", status=Status.PUBLISHED),
        company=company,
        submitted_by=eva,
        contact=eva,
        contact_phone="+31 6 1234 5678",
        motivation="We scored the Utrecht bike parade",
    )
    sent.portfolio_items.set(company.portfolio.all())
    answered = InterestFactory(
        opportunity=posted,
        company=other_company,
        reply="not_selected",
        state="answered",
        reply_reason="Too far from the brief",
        replied_by=eva,
        replied_at=timezone.now(),
    )

    # Introductions: of her company, made by her, and one naming her as the client's contact.
    introduction = IntroductionFactory(interest=sent, client_contact_name="Klaus Becker", outcome="won")
    IntroductionFactory(
        interest=answered,
        introduced_by=eva,
        note="Klaus wants a demo",
        outcome="lost",
        outcome_note="Budget cut",
        outcome_recorded_by=eva,
    )
    IntroductionFactory(
        interest=InterestFactory(opportunity=posted, company=CompanyFactory(name="Studio Third")),
        client_contact_name="Eva as a client",
        client_contact_email=EVA.upper(),
    )

    # Deals: put to her company (disputed), recorded by her, confirmed by her.
    DealFactory(
        introduction=introduction,
        state="disputed",
        dispute_note="The value is 8,000, not 10,000",
        disputed_at=timezone.now(),
    )
    DealFactory(
        introduction=IntroductionFactory(
            interest=InterestFactory(opportunity=posted, company=CompanyFactory(name="Studio Fourth")), outcome="won"
        ),
        value=Decimal("4321.00"),
        recorded_by=eva,
        description="Sound walk for Hamburg",
    )
    DealFactory(
        introduction=IntroductionFactory(
            interest=InterestFactory(opportunity=posted, company=CompanyFactory(name="Studio Fifth")), outcome="won"
        ),
        state="confirmed",
        confirmed_by=eva,
        confirmed_at=timezone.now(),
        description="Tram chimes",
    )
    return eva


def export_of(user) -> dict:
    client = Client()
    client.force_login(user)
    response = client.get("/accounts/privacy/export/")
    assert response.status_code == 200
    return json.loads(response.content)


def page_of(user, language="en") -> str:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    response = client.get("/accounts/privacy/data/")
    assert response.status_code == 200
    return response.content.decode()


def only(rows: list[dict], **match) -> dict:
    found = [row for row in rows if all(row.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, rows)
    return found[0]


def test_the_export_holds_everything_the_person_did(eva):
    data = export_of(eva)

    assert data["user"]["email"] == EVA and data["user"]["full_name"] == "Eva Everything"
    assert [a["email"] for a in data["email_addresses"]] == [EVA]
    assert sorted(a["type"] for a in data["two_factor"]) == ["recovery_codes", "totp"]
    assert data["notification_preferences"]["match_alerts"] == "never"
    assert data["notification_preferences"]["lab_digest"] is False
    assert only(data["digests_sent"], period="2030-03-11")["items"] == [41, 42]
    assert only(data["admin_actions"], object="Creative Lab Berlin")["change"] == "Edited the Berlin Lab's city"

    roles = data["roles"]
    assert roles["programme_admin"] is True
    assert roles["business_developer"]["lab"] == "Creative Lab Berlin"
    assert roles["business_developer"]["bio"] == "Twenty years in Berlin design."
    assert roles["embassy_staff"]["post"] == "Consulate in Hamburg"
    assert roles["embassy_staff"]["job_title"] == "Attaché"
    invitations = data["role_invitations"]
    assert {i["email"] for i in invitations["received"]} == {EVA, "eva.old@studio-alles.example"}
    assert only(invitations["received"], email="eva.old@studio-alles.example")["accepted_by"] == "Eva Everything"
    assert [i["email"] for i in invitations["sent"]] == ["new.developer@lab-a.example"]

    assert data["membership"]["company"] == "Studio Fietsveilig" and data["membership"]["role"] == "owner"
    assert [p["title"] for p in data["company"]["portfolio"]] == ["Bike bell symphony"]
    assert [i["company"] for i in data["team_invitations"]["received"]] == ["Studio Elders"]
    assert [i["email"] for i in data["team_invitations"]["sent"]] == ["future.colleague@studio-alles.example"]

    assert only(data["opportunities"], title="Playful crossings")["your_part"] == ["you posted it"]
    assert only(data["opportunities"], title="Quiet trams")["your_part"] == ["you are its contact"]
    assert only(data["opportunity_history"], opportunity="Playful crossings")["note"] == "Add the budget, please"
    assert only(data["notifications"], kind="published")["message"] == "Playful crossings is live"
    assert only(data["suggestion_decisions"]["current"], company="Studio Elders")["decision_note"] == (
        "Strong on sound design"
    )
    assert only(data["suggestion_decisions"]["history"], action="shortlisted")["note"] == "Call them Monday"

    sent = only(data["interests"], opportunity="Cycling parade")
    assert sent["motivation"] == "We scored the Utrecht bike parade"
    assert sent["contact_phone"] == "+31 6 1234 5678"
    assert sent["contact"] == "Eva Everything" and sent["portfolio_items"] == ["Bike bell symphony"]
    assert sent["your_part"] == ["you sent it", "you are its contact"]
    answered = only(data["interests"], company="Studio Elders")
    assert answered["reply_reason"] == "Too far from the brief" and answered["your_part"] == ["you answered it"]

    introductions = data["introductions"]
    assert only(introductions, company="Studio Fietsveilig")["client_contact_name"] == "Klaus Becker"
    made = only(introductions, company="Studio Elders")
    assert made["note"] == "Klaus wants a demo" and made["outcome_note"] == "Budget cut"
    assert made["your_part"] == ["you made it", "you recorded its outcome"]
    assert only(introductions, company="Studio Third")["your_part"] == ["you are the client contact"]

    deals = data["deals"]
    assert only(deals, company="Studio Fietsveilig")["dispute_note"] == "The value is 8,000, not 10,000"
    assert only(deals, company="Studio Fourth")["value"] == "4321.00"
    assert only(deals, company="Studio Fifth")["your_part"] == ["you confirmed it"]


def test_the_export_holds_no_secret_and_nothing_of_anyone_else(eva, outsider_sme):
    Notification.objects.create(user=outsider_sme, kind="published", message="Someone else's news")
    raw = json.dumps(export_of(eva))
    assert eva.password not in raw and "password" not in raw
    # The authenticators' data holds the TOTP secret and the recovery-code seed: none of it goes out.
    secrets = [a.data[key] for a in eva.authenticator_set.all() for key in ("secret", "seed") if key in a.data]
    assert len(secrets) == 2 and all(secret not in raw for secret in secrets)
    assert '"secret"' not in raw and '"seed"' not in raw
    assert "Someone else's news" not in raw and outsider_sme.email not in raw


def test_the_page_shows_every_section_and_every_item(eva):
    data = export_of(eva)
    page = page_of(eva)
    for entry in SECTIONS.values():
        assert f'id="section-{entry.key}"' in page and escape(str(entry.title)) in page
    for text in (
        "Chief matchmaker",
        "We scored the Utrecht bike parade",
        "+31 6 1234 5678",
        "Klaus Becker",
        "The value is 8,000, not 10,000",
        "Playful crossings is live",
        "Call them Monday",
        "Edited the Berlin Lab&#x27;s city",
        "future.colleague@studio-alles.example",
    ):
        assert text in page, text
    assert data["user"]["email"] in page


def test_the_page_speaks_dutch(eva):
    page = page_of(eva, language="nl")
    assert "Meldingen die je kreeg" in page  # the notifications' heading
    assert "Motivatie" in page  # a field label


def export_keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(export_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(export_keys(v) for v in value))
    return set()


def test_every_key_of_the_export_has_a_translated_label(eva):
    keys = export_keys(export_of(eva))
    assert len(keys) > 100  # the whole export was walked, not an empty one
    assert keys - set(LABELS) == set()


@pytest.mark.parametrize("path", ["/accounts/privacy/export/", "/accounts/privacy/data/"])
def test_neither_form_is_kept_in_a_cache(login, plain_user, path):
    response = login(plain_user).get(path)
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_a_person_with_nothing_yet_gets_every_section_empty(plain_user):
    data = export_of(plain_user)
    assert set(SECTIONS) <= set(data)
    assert data["membership"] is None and data["company"] is None
    assert data["interests"] == [] and data["deals"] == [] and data["notifications"] == []
    assert datetime.datetime.fromisoformat(data["exported_at"])


def test_past_versions_naming_the_person_and_changes_they_made_are_exported(eva):
    """The history keeps old values after a change; they stay the person's data."""
    interest = Interest.objects.get(submitted_by=eva)
    interest.motivation = "A later, shorter motivation"
    interest._history_user = eva  # as HistoryRequestMiddleware sets it for a change made on a page
    interest.save()
    versions = [v for v in export_of(eva)["history"] if v["object_type"] == str(Interest._meta.verbose_name)]
    assert {v["motivation"] for v in versions} >= {"We scored the Utrecht bike parade", "A later, shorter motivation"}
    assert [v["history_user"] for v in versions if v["motivation"] == "A later, shorter motivation"] == [str(eva)]
