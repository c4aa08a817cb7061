"""The demo's past: two years of the programme, so every figure of the insight dashboards has something to show.

Companies join, opportunities are published, answered, won, lost and expire across the 24 months before the
seed; deals in EUR, USD and CNY, confirmed, awaiting and disputed; each story in the order it would have
happened; every won opportunity resting on its deals or on a reason. Seeding takes a while, so everything is
checked after one double run.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Max, Min
from django.utils import timezone

from companies.models import Company, Discipline
from companies.selectors import company_completeness
from demo.opportunities import OPPORTUNITIES, PAST
from labs.models import Lab, Theme
from opportunities.models import (
    Deal,
    Interest,
    Introduction,
    Notification,
    Opportunity,
    OpportunityEvent,
    OutsideWin,
    Status,
    Suggestion,
    SuggestionAction,
)
from opportunities.workflow.selectors import opportunity_deals

pytestmark = pytest.mark.django_db

MONTHS = 24
MONTH = datetime.timedelta(days=365.25 / 12)


def _counts() -> tuple:
    models = (Opportunity, OpportunityEvent, OutsideWin, Interest, Introduction, Deal, SuggestionAction, Notification)
    return tuple(model.objects.count() for model in models)


@pytest.fixture
def seeded(capsys):
    call_command("seed_demo", "--allow-production")
    first = capsys.readouterr().out
    counts = _counts()
    call_command("seed_demo", "--allow-production")
    return first, capsys.readouterr().out, counts


def _months_ago(moments) -> set[int]:
    now = timezone.now()
    return {(now - moment) // MONTH for moment in moments}


def test_two_years_of_the_programme_in_order_and_reconciled(seeded):
    first, second, counts = seeded
    # Idempotent: the second run creates and closes nothing.
    assert _counts() == counts
    assert f"Past opportunities closed: {len(PAST)}." in first
    assert "Past opportunities closed: 0." in second
    now = timezone.now()

    # --- Spread over the 24 months before the seed, relative to today ----------------------------------------
    oldest = now - MONTHS * MONTH
    for model, field in ((Company, "created_at"), (Opportunity, "created_at"), (Interest, "created_at")):
        assert not model.objects.filter(**{f"{field}__lt": oldest}).exists(), model
    assert _months_ago(Company.objects.values_list("created_at", flat=True)) == set(range(MONTHS))
    published = Opportunity.objects.exclude(published_at=None)
    assert len(_months_ago(published.values_list("published_at", flat=True))) >= 20
    assert len(_months_ago(Interest.objects.values_list("created_at", flat=True))) >= 15
    assert len(_months_ago(Introduction.objects.values_list("created_at", flat=True))) >= 12
    assert len(_months_ago(Deal.objects.values_list("created_at", flat=True))) >= 10
    assert len(PAST) >= 20 and Interest.objects.count() >= 40 and Deal.objects.count() >= 15

    # --- Per country, Lab, theme and discipline ---------------------------------------------------------------
    for lab in Lab.objects.all():
        deals = Deal.objects.filter(introduction__interest__opportunity__lab=lab)
        assert published.filter(lab=lab).count() >= 4, lab
        assert Interest.objects.filter(opportunity__lab=lab).count() >= 4, lab
        assert deals.count() >= 2 and deals.filter(state=Deal.State.CONFIRMED).exists(), lab
    assert set(published.values_list("country_id", flat=True)) == {"DE", "CN", "US"}
    assert Theme.objects.filter(opportunities__in=published).distinct().count() >= 10
    assert Discipline.objects.filter(required_by__in=published).distinct().count() >= 15
    # Fees per currency: recorded and confirmed in each.
    for currency in ("EUR", "USD", "CNY"):
        assert Deal.objects.filter(currency=currency, state=Deal.State.CONFIRMED).count() >= 3, currency
    assert set(Deal.objects.values_list("state", flat=True)) == set(Deal.State.values)

    # --- The funnel: suggested, shortlisted, invited, interest, introduced, won, confirmed -----------------------
    past = Opportunity.objects.filter(title__in=[spec["title"] for spec in PAST])
    for action in (Suggestion.Decision.SHORTLISTED, Suggestion.Decision.INVITED, Suggestion.Decision.DISMISSED):
        assert SuggestionAction.objects.filter(action=action, suggestion__opportunity__in=past).exists(), action
    assert Suggestion.objects.filter(opportunity__in=past, decision=Suggestion.Decision.INTRODUCED).count() >= 20
    assert Introduction.objects.filter(outcome=Introduction.Outcome.LOST).count() >= 4
    assert Interest.objects.filter(reply=Interest.Reply.NOT_SELECTED).count() >= 8

    # --- The work lists -----------------------------------------------------------------------------------------
    quiet = Opportunity.objects.published().filter(interests=None, published_at__lt=now - datetime.timedelta(days=14))
    assert quiet.exists()
    assert Interest.objects.filter(state=Interest.State.SUBMITTED, reply_due__lt=now).exists()
    assert Deal.objects.filter(state=Deal.State.AWAITING).exists()
    matching_open = Company.objects.filter(suggestions__opportunity__in=Opportunity.objects.open_for_interest())
    assert any(
        not all(check["done"] for check in company_completeness(company, portfolio_count=company.portfolio.count()))
        for company in matching_open.distinct()
    )

    # --- Each story in the order it would have happened --------------------------------------------------------
    for interest in Interest.objects.select_related("opportunity", "company"):
        opportunity = interest.opportunity
        closes = timezone.make_aware(datetime.datetime.combine(opportunity.deadline, datetime.time.max))
        assert opportunity.published_at < interest.created_at <= min(closes, now), interest
        assert interest.company.created_at < interest.created_at, interest
        assert interest.fee_accepted_at == interest.created_at, interest
        assert interest.history.order_by("history_id").first().history_date == interest.created_at, interest
        if interest.replied_at is not None:
            assert interest.created_at < interest.replied_at < now, interest
    for introduction in Introduction.objects.select_related("interest"):
        assert introduction.interest.created_at < introduction.created_at, introduction
        if introduction.outcome_recorded_at is not None:
            assert introduction.created_at < introduction.outcome_recorded_at < now, introduction
    for deal in Deal.objects.select_related("introduction"):
        assert deal.introduction.created_at <= deal.created_at == deal.introduction.outcome_recorded_at, deal
        assert timezone.localdate(deal.introduction.created_at) <= deal.closed_on <= timezone.localdate(), deal
        answered = deal.confirmed_at or deal.disputed_at
        assert (answered is None) == (deal.state == Deal.State.AWAITING), deal
        assert answered is None or deal.created_at < answered < now, deal
    for suggestion in Suggestion.objects.exclude(actions=None).annotate(
        first=Min("actions__created_at"), last=Max("actions__created_at")
    ):
        assert suggestion.computed_at < suggestion.first and suggestion.decided_at == suggestion.last, suggestion
        assert suggestion.opportunity.published_at < suggestion.first, suggestion
    for opportunity in past:
        closed = opportunity.events.latest("created_at").created_at
        story = Interest.objects.filter(opportunity=opportunity).aggregate(last=Max("created_at"))["last"]
        assert story is None or story < closed, opportunity
        assert not Notification.objects.filter(opportunity=opportunity, created_at__gt=closed).exists(), opportunity
        assert not Notification.objects.filter(opportunity=opportunity, read_at=None).exists(), opportunity

    # --- Every win reconciles: on its deals, or on a reason it was won outside the portal ---------------------
    won = list(Opportunity.objects.filter(status=Status.CLOSED_WON).select_related("outside_win"))
    assert len(won) >= 15
    outside = []
    for opportunity in won:
        has_deals = opportunity_deals(opportunity).exists()
        win = getattr(opportunity, "outside_win", None)
        assert has_deals != (win is not None), opportunity
        if win is not None:
            assert win.reason and win.recorded_at == opportunity.events.latest("created_at").created_at
            outside.append(opportunity.title)
    current = {spec["title"] for spec in OPPORTUNITIES}
    assert any(title in current for title in outside) and any(title not in current for title in outside)
    dementia = OutsideWin.objects.get(opportunity__title__startswith="Dementievriendelijk interieur")
    assert dementia.reason.startswith("Awarded to a Dutch interior studio") and dementia.currency == "EUR"
    assert dementia.value is not None
