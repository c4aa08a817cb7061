"""The company's side: "my opportunities", and where it stands on an opportunity's page."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from opportunities.interests import services as interests
from opportunities.models import Deal, Interest, Introduction, Status, Suggestion
from tests.factories import CompanyFactory

from .factories import InterestFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def invite(opportunity, company, user, note=""):
    suggestion = Suggestion.objects.create(
        opportunity=opportunity,
        company=company,
        score=0.5,
        rank_for_opportunity=1,
        engine_version="1",
        computed_at=timezone.now(),
    )
    return interests.suggestion_decide(suggestion=suggestion, user=user, action="invite", note=note)


def introduce(interest, developer, **deal):
    introduction = Introduction.objects.create(
        interest=interest,
        introduced_by=developer,
        client_contact_name="Anna Schmidt",
        client_contact_email="anna@berlin.example",
        outcome=Introduction.Outcome.WON if deal else Introduction.Outcome.OPEN,
    )
    if deal:
        Deal.objects.create(
            introduction=introduction,
            currency="EUR",
            closed_on=datetime.date(2030, 1, 1),
            description="Campaign and game.",
            fee_percentage=interest.accepted_fee_percentage,
            recorded_by=developer,
            **deal,
        )
    return introduction


def test_my_opportunities_lists_invitations_expressions_introductions_and_deals(
    login, sme_owner, developer_a, lab_a, company, outsider_sme
):
    invited = OpportunityFactory(lab=lab_a, status=Status.PUBLISHED, title="Playgrounds that move")
    invite(invited, company, developer_a, note="You did this in Utrecht.")
    InterestFactory(
        opportunity__lab=lab_a,
        opportunity__title="Elderly care at home",
        company=company,
        state=Interest.State.ANSWERED,
        reply=Interest.Reply.NOT_SELECTED,
        reply_reason="The client wants a local partner.",
    )
    won = InterestFactory(opportunity__lab=lab_a, opportunity__title="Safe cycling to school", company=company)
    introduce(won, developer_a, value=Decimal("40000.00"), fee_amount=Decimal("2000.00"))
    # Another company's expression of an opportunity it was invited to: not ours.
    InterestFactory(opportunity=invited, company=outsider_sme.membership.company, motivation="Theirs.")

    response = login(sme_owner).get("/company/opportunities/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Playgrounds that move" in page and "You did this in Utrecht." in page
    assert f"/opportunities/{invited.pk}/interest/" in page  # express interest from the invitation
    assert "Elderly care at home" in page and "Not selected" in page and "The client wants a local partner." in page
    assert "Safe cycling to school" in page and "40,000.00 EUR" in page and "2,000.00 EUR" in page
    assert "Awaiting the company&#x27;s confirmation" in page or "Awaiting the company's confirmation" in page
    assert len(response.context["invitations"]) == 1 and len(response.context["expressions"]) == 2
    assert len(response.context["introductions"]) == 1


def test_an_invitation_answered_by_an_expression_is_listed_once(login, sme_owner, developer_a, lab_a, company):
    opportunity = OpportunityFactory(lab=lab_a, status=Status.PUBLISHED)
    invite(opportunity, company, developer_a)
    InterestFactory(opportunity=opportunity, company=company)
    response = login(sme_owner).get("/company/opportunities/")
    assert response.context["invitations"] == [] and len(response.context["expressions"]) == 1


def test_my_opportunities_uses_a_bounded_number_of_queries(
    login, sme_owner, developer_a, lab_a, company, django_assert_max_num_queries
):
    client = login(sme_owner)
    client.get("/company/opportunities/")  # warm up: roles, session

    def add(count):
        for _ in range(count):
            invite(OpportunityFactory(lab=lab_a, status=Status.PUBLISHED), company, developer_a)
            introduce(InterestFactory(opportunity__lab=lab_a, company=company), developer_a)
            introduce(
                InterestFactory(opportunity__lab=lab_a, company=company),
                developer_a,
                value=Decimal("1000"),
                fee_amount=Decimal("50"),
            )

    add(1)
    with django_assert_max_num_queries(12) as few:
        client.get("/company/opportunities/")
    add(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/company/opportunities/")
    assert len(response.context["expressions"]) == 14


def test_my_opportunities_is_for_company_members(client, login, developer_a, embassy_de, admin_user, plain_user):
    assert client.get("/company/opportunities/").status_code == 302
    for user in (developer_a, embassy_de, admin_user, plain_user):
        assert login(user).get("/company/opportunities/").status_code == 403


def test_the_dashboard_links_to_my_opportunities_and_to_expressing_interest(login, sme_owner, lab_a, company):
    opportunity = OpportunityFactory(lab=lab_a, status=Status.PUBLISHED)
    Suggestion.objects.create(
        opportunity=opportunity,
        company=company,
        score=0.6,
        rank_for_company=1,
        engine_version="1",
        computed_at=timezone.now(),
    )
    page = login(sme_owner).get("/company/").content.decode()
    assert "/company/opportunities/" in page and f"/opportunities/{opportunity.pk}/interest/" in page


def test_the_opportunity_page_tells_the_company_where_it_stands(login, sme_owner, developer_a, lab_a, company):
    opportunity = OpportunityFactory(lab=lab_a, status=Status.PUBLISHED)
    client = login(sme_owner)
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "has not expressed interest yet" in page and f"/opportunities/{opportunity.pk}/interest/" in page

    interest = InterestFactory(
        opportunity=opportunity,
        company=company,
        state=Interest.State.ANSWERED,
        reply=Interest.Reply.MORE_INFO,
        reply_reason="Send a budget.",
    )
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "Shortlisted, more information needed" in page and "Send a budget." in page
    assert f"/interests/{interest.pk}/" in page and f"/opportunities/{opportunity.pk}/interest/" not in page

    introduce(interest, developer_a)
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "has been introduced to the client" in page

    Interest.objects.filter(pk=interest.pk).update(state=Interest.State.WITHDRAWN)
    Introduction.objects.filter(interest=interest).delete()
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "Express interest again" in page

    Interest.objects.filter(pk=interest.pk).delete()
    type(opportunity).objects.filter(pk=opportunity.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "closed for expressions of interest" in page
    assert f"/opportunities/{opportunity.pk}/interest/" not in page


def test_other_companies_invitations_stay_private(login, outsider_sme, developer_a, lab_a, company):
    opportunity = OpportunityFactory(lab=lab_a, status=Status.PUBLISHED)
    invite(opportunity, company, developer_a, note="Only for Studio Fietsveilig.")
    client = login(outsider_sme)
    assert "Only for Studio Fietsveilig." not in client.get(opportunity.get_absolute_url()).content.decode()
    assert "Only for Studio Fietsveilig." not in client.get("/company/opportunities/").content.decode()


def test_a_dismissal_is_never_shown_to_the_company(login, sme_owner, developer_a, lab_a, company):
    opportunity = OpportunityFactory(lab=lab_a, status=Status.PUBLISHED)
    suggestion = invite(opportunity, company, developer_a)
    interests.suggestion_decide(suggestion=suggestion, user=developer_a, action="dismiss", note="Weak portfolio.")
    client = login(sme_owner)
    for url in (opportunity.get_absolute_url(), "/company/opportunities/"):
        assert "Weak portfolio." not in client.get(url).content.decode()


def test_company_names_are_escaped(login, developer_a, lab_a):
    opportunity = OpportunityFactory(lab=lab_a, status=Status.PUBLISHED)
    hostile = CompanyFactory(name="<script>alert(1)</script>")
    InterestFactory(opportunity=opportunity, company=hostile)
    page = login(developer_a).get(opportunity.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
