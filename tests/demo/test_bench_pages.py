"""bench_pages at a tiny size: the builder's data is consistent and tagged, the measuring loop runs on it
and prints its figures, and --clean removes exactly what the builder made."""

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Max, Min
from django.utils import timezone

from companies.models import Company, Membership
from demo.bench import build, pages
from opportunities.deals.fees import fee_for
from opportunities.models import (
    Deal,
    Interest,
    Introduction,
    Opportunity,
    OutsideWin,
    Status,
    Suggestion,
    SuggestionAction,
)
from tests.conftest import requires_postgres
from tests.opportunities.factories import InterestFactory

pytestmark = [pytest.mark.django_db, requires_postgres]

TINY = {"companies": 60, "opportunities": 12, "suggestions": 240, "interests": 60}


def _bench(**options) -> str:
    out = StringIO()
    call_command("bench_pages", allow_production=True, stdout=out, **options)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
        if model is not Session  # the bench logins' sessions: rows with no key to the login
    }


def test_the_builder_makes_consistent_tagged_data_and_clean_removes_exactly_it():
    outsider = InterestFactory()  # someone else's data, which --clean must leave alone
    before = _row_counts()

    built = _bench(build=True, **TINY)
    assert "Built in" in built

    companies = build.bench_companies()
    opportunities = build.bench_opportunities()
    assert companies.count() == 60
    assert opportunities.count() == 12
    assert Suggestion.objects.filter(opportunity__in=opportunities).count() == 240
    assert Interest.objects.filter(opportunity__in=opportunities).count() == 60
    assert Introduction.objects.filter(interest__opportunity__in=opportunities).count() == 60 // 25
    assert Deal.objects.filter(introduction__interest__opportunity__in=opportunities).count() >= 1
    assert SuggestionAction.objects.filter(suggestion__opportunity__in=opportunities).exists()
    assert companies.filter(portfolio__isnull=False).exists()
    assert companies.filter(disciplines__isnull=True).count() == 0
    assert opportunities.filter(required_disciplines__isnull=True).count() == 0
    assert set(opportunities.values_list("status", flat=True)) & {Status.PUBLISHED, Status.CLOSED_WON}
    assert opportunities.filter(status=Status.PUBLISHED).count() > opportunities.count() / 2

    # Every key points at a row: the deferred constraints checked now, and the suggestions' (none in the database).
    connection.check_constraints()
    assert not Suggestion.objects.exclude(company__in=Company.objects.all()).exists()
    assert not Suggestion.objects.exclude(opportunity__in=Opportunity.objects.all()).exists()

    # The funnel's rules: an interest comes from a suggestion, a deal's fee is the accepted one, a won
    # opportunity rests on its deals or on a win outside the portal.
    for interest in Interest.objects.filter(opportunity__in=opportunities):
        assert Suggestion.objects.filter(opportunity=interest.opportunity_id, company=interest.company_id).exists()
        assert interest.created_at >= interest.opportunity.published_at
    for deal in Deal.objects.filter(introduction__interest__opportunity__in=opportunities).select_related(
        "introduction__interest"
    ):
        interest = deal.introduction.interest
        assert deal.fee_amount == fee_for(deal.value, interest.accepted_fee_percentage)
        assert deal.currency in {"EUR", "USD", "CNY"}
        assert deal.introduction.outcome == Introduction.Outcome.WON
        assert interest.opportunity.status == Status.CLOSED_WON
    for opportunity in opportunities.filter(status=Status.CLOSED_WON):
        deals = Deal.objects.filter(introduction__interest__opportunity=opportunity).exists()
        assert deals != OutsideWin.objects.filter(opportunity=opportunity).exists()
    ranks = (
        Suggestion.objects.filter(opportunity__in=opportunities)
        .values("opportunity")
        .annotate(low=Min("rank_for_opportunity"), high=Max("rank_for_opportunity"), rows=Count("pk"))
    )
    assert all(row["low"] == 1 and row["high"] == row["rows"] for row in ranks)
    for opportunity in opportunities.filter(suggestions__isnull=False).distinct():
        scores = list(opportunity.suggestions.order_by("rank_for_opportunity").values_list("score", flat=True))
        assert scores == sorted(scores, reverse=True)

    # Back-dated over the last 24 months, nothing in the future.
    now = timezone.now()
    oldest = now - datetime.timedelta(days=build.DAYS + 1)
    for queryset, field in (
        (companies, "created_at"),
        (opportunities, "created_at"),
        (Interest.objects.filter(opportunity__in=opportunities), "created_at"),
        (SuggestionAction.objects.filter(suggestion__opportunity__in=opportunities), "created_at"),
    ):
        span = queryset.aggregate(low=Min(field), high=Max(field))
        assert oldest <= span["low"] and span["high"] <= now, (queryset.model, span)
    assert opportunities.aggregate(low=Min("created_at"))["low"] < now - datetime.timedelta(days=180)

    # One login per role; the company member's company has suggestions and a deal.
    people = pages.logins()
    member = Membership.objects.get(user=people["company_member"])
    assert Suggestion.objects.filter(company=member.company).exists()
    assert Deal.objects.filter(introduction__interest__company=member.company).exists()

    with pytest.raises(CommandError, match="already holds page-bench data"):
        _bench(build=True, **TINY)

    cleaned = _bench(clean=True)
    assert "Deleted in" in cleaned
    assert build.present() is None
    assert _row_counts() == before
    assert Interest.objects.filter(pk=outsider.pk).exists()


def test_the_measuring_loop_times_every_page_it_can_route_and_skips_the_others():
    _bench(build=True, **TINY)

    out = _bench(runs=2, warmup=0)

    routed, skipped = pages.routable(pages.load_pages(), pages.placeholders(pages.logins()))
    assert routed, "at least the pages that exist today are measured"
    for page in routed:
        assert f"{page.role:<18} {page.url:<48}" in out
    for page, _reason in skipped:
        assert f"Skipped {page.name}: no URL pattern answers it" in out
    assert "median" in out and "queries" in out and "KiB" in out
    assert "Slowest median" in out
    assert "!! answered" not in out

    only = _bench(runs=1, warmup=0, only="/lab/")
    assert "business_developer /lab/" in only
    assert "/companies/" not in only


def test_the_pages_file_names_the_pages_of_the_issues():
    urls = {(page.role, page.url) for page in pages.load_pages()}
    for wanted in [
        ("anonymous", "/"),
        ("anonymous", "/companies/?q=design"),
        ("company_member", "/company/"),
        ("company_member", "/company/opportunities/"),
        ("business_developer", "/lab/"),
        ("business_developer", "/opportunities/{opportunity}/"),
        ("admin", "/deals/"),
        ("embassy_staff", "/insights/"),
        ("anonymous", "/programme/"),
    ]:
        assert wanted in urls


def test_measuring_without_bench_data_or_with_debug_off_refuses(settings):
    with pytest.raises(CommandError, match="bench_pages --build"):
        _bench(runs=1)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing with DEBUG off"):
        call_command("bench_pages", build=True, stdout=StringIO())
