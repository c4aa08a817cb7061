"""A small programme whose figures are counted by hand in the tests (see `programme`'s docstring)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from companies.models import Discipline, PortfolioItem
from labs.models import Theme
from opportunities.models import Deal, Interest, Introduction, OutsideWin, Status, Suggestion, SuggestionAction
from tests.factories import CompanyFactory
from tests.opportunities.factories import DealFactory, InterestFactory, IntroductionFactory, OpportunityFactory

DAY = datetime.timedelta(days=1)


def suggest(opportunity, company, at, decision=""):
    return Suggestion.objects.create(
        opportunity=opportunity,
        company=company,
        score=0.5,
        rank_for_opportunity=1,
        rank_for_company=1,
        engine_version="test",
        computed_at=at,
        decision=decision,
    )


def act(suggestion, action, at):
    made = SuggestionAction.objects.create(suggestion=suggestion, action=action)
    SuggestionAction.objects.filter(pk=made.pk).update(created_at=at)


def stamp(model, pk, **fields):
    """Set auto_now(_add) fields a test needs at a known time."""
    model.objects.filter(pk=pk).update(**fields)


@pytest.fixture
def programme(db, lab_a, lab_b, developer_a, company):
    """Two Labs' worth of pairs, with dates a day apart where the funnel measures them (T0 = 60 days ago).

    Lab A (Berlin, DE):
      o1 published (mobility, serious-games), 20 days ago:
         c1 = `company` (complete profile): suggested T0, shortlisted T0+1, invited T0+3, interest T0+5,
             introduced T0+6, deal T0+10 (10 000 EUR, fee 500.00), confirmed T0+12;
         c2: suggested T0, shortlisted T0+2;   c3 (targets DE): suggested T0, no decision;
         c5: interest without suggestion, waiting, its answer due yesterday.
      o2 published 30 days ago (elderly-care), no interest;   o3 a draft of developer_a;
      o5 closed as won outside the portal.
    Lab B (Shanghai, CN):
      o4 published (mobility): c4 (targets CN) suggested, interest, introduced, deal 20 000 CNY (fee 1 000.00)
         awaiting confirmation.
    """
    now = timezone.now()
    t0 = now - 60 * DAY
    mobility, elderly = Theme.objects.get(slug="mobility"), Theme.objects.get(slug="elderly-care")
    games = Discipline.objects.get(slug="serious-games")
    o1 = OpportunityFactory(
        lab=lab_a, status=Status.PUBLISHED, published_at=now - 20 * DAY, required_disciplines=[games]
    )
    o1.themes.set([mobility])
    o2 = OpportunityFactory(lab=lab_a, status=Status.PUBLISHED, published_at=now - 30 * DAY)
    o2.themes.set([elderly])
    o3 = OpportunityFactory(lab=lab_a, status=Status.DRAFT, created_by=developer_a)
    o5 = OpportunityFactory(lab=lab_a, status=Status.CLOSED_WON, published_at=now - 50 * DAY)
    OutsideWin.objects.create(opportunity=o5, reason="Awarded directly by the client.")
    o4 = OpportunityFactory(lab=lab_b, status=Status.PUBLISHED, published_at=now - 40 * DAY)
    o4.themes.set([mobility])

    c1 = company
    c1.description = "x" * 200
    c1.target_countries = ["DE"]
    c1.languages = ["en"]
    c1.logo = "logos/studio.png"
    c1.save()
    c1.disciplines.set([games])
    c1.themes.set([mobility])
    PortfolioItem.objects.create(company=c1, title="Safe Cycling Quest", description="A game.")
    c2 = CompanyFactory(name="Studio Twee")
    c3 = CompanyFactory(name="Studio Drie", target_countries=["DE"])
    c4 = CompanyFactory(name="Studio Vier", target_countries=["CN"])
    c5 = CompanyFactory(name="Studio Vijf")

    s1 = suggest(o1, c1, t0, decision=Suggestion.Decision.INVITED)
    act(s1, "shortlisted", t0 + DAY)
    act(s1, "invited", t0 + 3 * DAY)
    s2 = suggest(o1, c2, t0, decision=Suggestion.Decision.SHORTLISTED)
    act(s2, "shortlisted", t0 + 2 * DAY)
    suggest(o1, c3, t0)
    suggest(o4, c4, t0)

    i1 = InterestFactory(opportunity=o1, company=c1, state=Interest.State.ANSWERED)
    stamp(Interest, i1.pk, created_at=t0 + 5 * DAY)
    n1 = IntroductionFactory(interest=i1, outcome="won")
    stamp(Introduction, n1.pk, created_at=t0 + 6 * DAY)
    d1 = DealFactory(introduction=n1, value=Decimal("10000.00"), state=Deal.State.CONFIRMED)
    stamp(Deal, d1.pk, created_at=t0 + 10 * DAY, confirmed_at=t0 + 12 * DAY)
    i5 = InterestFactory(opportunity=o1, company=c5, fee_accepted_at=now - 8 * DAY)
    assert i5.reply_due < now

    i4 = InterestFactory(opportunity=o4, company=c4, state=Interest.State.ANSWERED)
    n4 = IntroductionFactory(interest=i4, outcome="won")
    d4 = DealFactory(introduction=n4, value=Decimal("20000.00"), currency="CNY")
    return SimpleNamespace(
        o1=o1, o2=o2, o3=o3, o4=o4, o5=o5, c1=c1, c2=c2, c3=c3, c4=c4, c5=c5, i1=i1, i4=i4, i5=i5, d1=d1, d4=d4
    )
