"""One rule per question: the yes/no answer for one opportunity and the queryset of "what this user may see"
come from the same scope, so a list and a detail page can never disagree."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.roles import roles_of
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
    "partner_member",
    "expired_partner_member",
]


@pytest.fixture
def everyone(request):
    def person(name):
        return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)

    return {name: person(name) for name in PEOPLE}


@pytest.fixture
def opportunities(lab_a, lab_b, germany, lab_partner_a, expired_partner_member):
    # One in each Lab and status, and one of Lab B's placed in Germany (the post of the country follows it);
    # Lab A's partner's own ones in every status, and one of the partnership that has ended.
    placed = [OpportunityFactory(lab=lab, status=status) for lab in (lab_a, lab_b) for status in Status.values]
    placed.append(OpportunityFactory(lab=lab_b, country=germany, status=Status.SUBMITTED))
    placed += [OpportunityFactory(lab=lab_a, partner=lab_partner_a, status=status) for status in Status.values]
    ended = expired_partner_member.membership.company.lab_partnerships.get()
    placed.append(OpportunityFactory(lab=lab_a, partner=ended, status=Status.PUBLISHED))
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


def test_a_lab_partner_manages_its_own_opportunities_of_the_lab_and_nothing_else(
    everyone, opportunities, lab_partner_a
):
    partner = everyone["partner_member"]
    own = {o.pk for o in opportunities if o.partner_id == lab_partner_a.pk}
    assert set(decidable_opportunities(partner).values_list("pk", flat=True)) == own
    for opportunity in opportunities:
        assert permissions.may_decide(partner, opportunity) == (opportunity.pk in own)
        assert permissions.is_author(partner, opportunity) == (opportunity.pk in own)
        # Not a reviewer: the embassy reviews a partner's opportunity like any other.
        assert not permissions.may_review(partner, opportunity)
    assert roles_of(partner).is_lab_partner and roles_of(partner).requires_mfa


def test_an_ended_partnership_gives_nothing(everyone, opportunities):
    former = everyone["expired_partner_member"]
    assert not roles_of(former).is_lab_partner
    assert permissions.managing_scope(former).partner_ids == frozenset()
    assert not decidable_opportunities(former).exists()
    assert not any(permissions.may_decide(former, o) or permissions.may_follow(former, o) for o in opportunities)


def test_a_partnership_not_yet_started_gives_nothing(lab_a, partner_company, db):
    from labs.models import LabPartner
    from tests.factories import MembershipFactory, UserFactory

    LabPartner.objects.create(
        lab=lab_a, company=partner_company, starts_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    member = MembershipFactory(company=partner_company, user=UserFactory(email="early@brandwerk.example")).user
    assert not roles_of(member).is_lab_partner


def test_a_partners_opportunity_in_a_trusted_lab_still_goes_through_review(lab_partner_a, partner_member, developer_a):
    from opportunities.workflow.services import TRANSITIONS

    lab_partner_a.lab.is_trusted = True
    lab_partner_a.lab.save()
    draft = OpportunityFactory(lab=lab_partner_a.lab, partner=lab_partner_a, status=Status.DRAFT)
    trusted = [t for t in TRANSITIONS.values() if t.who == "trusted_author" and Status.DRAFT in t.sources]
    assert trusted, "the workflow has a trusted author's direct publish"
    assert not any(permissions.may_take(partner_member, draft, t) for t in trusted)
    assert all(permissions.may_take(developer_a, draft, t) for t in trusted)
