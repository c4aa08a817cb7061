"""One rule per question: the yes/no answer for one opportunity and the queryset of "what this user may see"
come from the same scope, so a list and a detail page can never disagree."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from opportunities import permissions
from opportunities.interests.selectors import answerable_interests, decidable_opportunities, visible_interests
from opportunities.models import Interest, Opportunity, Status
from opportunities.selectors import reviewable_opportunities
from tests.factories import LabFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

PEOPLE = [
    "anonymous",
    "sme_owner",
    "outsider_sme",
    "developer_a",
    "developer_b",
    "embassy_de",
    "embassy_cn",
    "admin_user",
]


@pytest.fixture
def everyone(request):
    def person(name):
        return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)

    return {name: person(name) for name in PEOPLE}


@pytest.fixture
def opportunities(lab_a, lab_b, germany):
    # One in each Lab and status, and one of Lab B's placed in Germany (the post of the country follows it).
    placed = [OpportunityFactory(lab=lab, status=status) for lab in (lab_a, lab_b) for status in Status.values]
    placed.append(OpportunityFactory(lab=lab_b, country=germany, status=Status.SUBMITTED))
    return placed


@pytest.mark.parametrize("person", PEOPLE)
def test_may_decide_and_the_decidable_queryset_agree(everyone, opportunities, person):
    user = everyone[person]
    decidable = set(decidable_opportunities(user).values_list("pk", flat=True))
    assert {o.pk for o in opportunities if permissions.may_decide(user, o)} == decidable


@pytest.mark.parametrize("person", PEOPLE)
def test_may_review_and_the_review_queue_agree(everyone, opportunities, person):
    user = everyone[person]
    queue = set(reviewable_opportunities(user).values_list("pk", flat=True))
    expected = {o.pk for o in opportunities if o.status == Status.SUBMITTED and permissions.may_review(user, o)}
    assert expected == queue


@pytest.mark.parametrize("person", PEOPLE)
def test_who_follows_an_opportunity_sees_its_expressions_and_who_decides_answers_them(
    everyone, opportunities, company, sme_owner, person
):
    for opportunity in opportunities:
        Interest.objects.create(
            opportunity=opportunity,
            company=company,
            submitted_by=sme_owner,
            motivation="We fit.",
            accepted_fee_percentage=opportunity.fee_percentage,
            fee_accepted_at=timezone.now(),
            reply_due=timezone.now() + datetime.timedelta(days=7),
        )
    user = everyone[person]
    by_opportunity = {i.opportunity_id: i.pk for i in Interest.objects.all()}
    visible = set(visible_interests(user).values_list("pk", flat=True))
    answerable = set(answerable_interests(user).values_list("pk", flat=True))
    own_company = permissions.is_company_member(user, company.pk) if user.is_authenticated else False
    for opportunity in opportunities:
        interest = by_opportunity[opportunity.pk]
        assert (interest in visible) == (own_company or permissions.may_follow(user, opportunity))
        assert (interest in answerable) == permissions.may_decide(user, opportunity)


def test_the_scopes_of_the_named_people(everyone, lab_a, lab_b, germany, china):
    assert permissions.managing_scope(everyone["developer_a"]).lab_ids == {lab_a.pk}
    assert permissions.following_scope(everyone["embassy_de"]).country_ids == {germany.pk}
    assert permissions.reviewing_scope(everyone["embassy_cn"]).country_ids == {china.pk}
    assert permissions.managing_scope(everyone["admin_user"]).everything
    assert permissions.following_scope(everyone["sme_owner"]).q("opportunity__") == permissions.NOTHING
    # Nothing at all for people outside the programme, also as a queryset.
    assert not Opportunity.objects.filter(permissions.following_scope(everyone["outsider_sme"]).q()).exists()
    third = LabFactory(country=germany)
    assert not permissions.may_decide(everyone["developer_a"], OpportunityFactory(lab=third, country=germany))
