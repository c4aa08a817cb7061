"""The staff dashboard's figures against the small programme of `conftest.programme`, counted by hand."""

from decimal import Decimal

import pytest
from django.urls import reverse

from opportunities.insights import scope, selectors
from opportunities.insights.forms import Filters, preset_period
from tests.conftest import requires_postgres

pytestmark = pytest.mark.django_db

ALL_TIME = Filters(period=preset_period("all"))


def by(table, key="figure"):
    """A table's rows by the value of their first column."""
    return {row.values[key]: row for row in table.rows}


def counts(table):
    return {label: row.values["count"] for label, row in by(table).items()}


def test_company_tiles_for_the_berlin_developer(programme, developer_a):
    table = selectors.dashboard_table(developer_a, ALL_TIME, "companies")
    # In Germany's scope: c1 (present there), c2 (suggested there), c3 (targets DE), c5 (interest there);
    # c4 targets China only. Only c1 has every part of a complete profile.
    assert counts(table) == {
        "Registered": 4,
        "New in the period": 4,
        "Active in the period": 4,
        "With a complete profile": 1,
    }


def test_companies_of_the_whole_programme(programme, admin_user):
    assert counts(selectors.dashboard_table(admin_user, ALL_TIME, "companies"))["Registered"] == 5


def test_complete_profile_is_the_company_dashboards_list(programme):
    from companies.models import Company
    from companies.selectors import company_completeness

    complete = set(
        scope.with_completeness(Company.objects.all()).filter(scope.complete_profile_q()).values_list("pk", flat=True)
    )
    by_hand = {
        company.pk
        for company in Company.objects.all()
        if all(c["done"] for c in company_completeness(company, portfolio_count=company.portfolio.count()))
    }
    assert complete == by_hand == {programme.c1.pk}


def test_opportunities_by_status_per_role(programme, developer_a, embassy_de, admin_user):
    developer = counts(selectors.dashboard_table(developer_a, ALL_TIME, "opportunities"))
    assert (developer["Published"], developer["Draft"], developer["Closed: won"]) == (2, 1, 1)
    # Embassy staff don't see another person's draft, on the dashboard as in the lists.
    embassy = counts(selectors.dashboard_table(embassy_de, ALL_TIME, "opportunities"))
    assert (embassy["Published"], embassy["Draft"], embassy["Closed: won"]) == (2, 0, 1)
    admin = counts(selectors.dashboard_table(admin_user, ALL_TIME, "opportunities"))
    assert (admin["Published"], admin["Draft"], admin["Closed: won"]) == (3, 1, 1)


def test_pipeline_tiles(programme, developer_a, admin_user):
    assert counts(selectors.dashboard_table(developer_a, ALL_TIME, "pipeline")) == {
        "Expressions of interest": 2,
        "Waiting for an answer now": 1,
        "Past their answer deadline now": 1,
        "Introductions": 1,
        "Deals won": 1,
        "Deals confirmed by the company": 1,
        "Deals disputed": 0,
        "Deals awaiting confirmation": 0,
        "Won outside the portal": 1,
    }
    admin = counts(selectors.dashboard_table(admin_user, ALL_TIME, "pipeline"))
    assert (admin["Expressions of interest"], admin["Deals won"], admin["Deals awaiting confirmation"]) == (3, 2, 1)


def test_fees_per_currency(programme, admin_user, embassy_cn):
    fees = by(selectors.dashboard_table(admin_user, ALL_TIME, "fees"), "currency")
    assert fees["EUR"].values == {
        "currency": "EUR",
        "deals": 1,
        "value": Decimal("10000.00"),
        "fees": Decimal("500.00"),
        "confirmed": Decimal("500.00"),
    }
    assert fees["CNY"].values == {
        "currency": "CNY",
        "deals": 1,
        "value": Decimal("20000.00"),
        "fees": Decimal("1000.00"),
        "confirmed": Decimal("0.00"),
    }
    assert list(by(selectors.dashboard_table(embassy_cn, ALL_TIME, "fees"), "currency")) == ["CNY"]


@requires_postgres
def test_funnel_counts_conversion_and_median_days(programme, developer_a):
    funnel = [row.values for row in selectors.dashboard_table(developer_a, ALL_TIME, "funnel").rows]
    # Pairs of Lab A: (o1,c1) confirmed, (o1,c2) shortlisted, (o1,c3) suggested, (o1,c5) interest only.
    assert [(step["step"], step["pairs"]) for step in funnel] == [
        ("Suggested", 4),
        ("Shortlisted", 3),
        ("Invited", 2),
        ("Interest expressed", 2),
        ("Introduced", 1),
        ("Won", 1),
        ("Confirmed by the company", 1),
    ]
    assert [step["conversion"] for step in funnel] == [
        None,
        Decimal("75.0"),
        Decimal("66.7"),
        Decimal("100.0"),
        Decimal("50.0"),
        Decimal("100.0"),
        Decimal("100.0"),
    ]
    # c1: 1, 2, 2, 1, 4, 2 days from step to step; c2: 2 days to its shortlisting.
    assert [step["median_days"] for step in funnel] == [
        None,
        Decimal("1.5"),
        Decimal("2.0"),
        Decimal("2.0"),
        Decimal("1.0"),
        Decimal("4.0"),
        Decimal("2.0"),
    ]


def test_funnel_period_takes_the_opportunities_published_in_it(programme, developer_a):
    from opportunities.insights.forms import Period

    # Only o1 (published 20 days ago) is in the last 30 days' cohort... and o2, which has no pairs.
    recent = selectors.dashboard_table(developer_a, Filters(period=preset_period("30d")), "funnel")
    assert recent.rows[0].values["pairs"] == 4
    future = Period(start=programme.o1.published_at + selectors.datetime.timedelta(days=1))
    assert selectors.dashboard_table(developer_a, Filters(period=future), "funnel").rows[0].values["pairs"] == 0


def test_per_lab_side_by_side(programme, admin_user):
    per_lab = by(selectors.dashboard_table(admin_user, ALL_TIME, "per_lab"), "group")
    a, b = per_lab["Creative Lab Berlin"].values, per_lab["Creative Lab Shanghai"].values
    assert (a["opportunities"], a["published"], a["interests"], a["introductions"]) == (4, 3, 2, 1)
    assert (a["deals"], a["confirmed"], a["fees_EUR"], a["fees_CNY"]) == (1, 1, Decimal("500.00"), Decimal("0.00"))
    assert (b["opportunities"], b["published"], b["interests"], b["introductions"]) == (1, 1, 1, 1)
    assert (b["deals"], b["confirmed"], b["fees_CNY"]) == (1, 0, Decimal("1000.00"))
    assert per_lab["Creative Lab Berlin"].links["published"] == reverse("opportunities:list") + "?lab=lab-a"


def test_per_country_theme_and_discipline(programme, admin_user, developer_a):
    per_country = by(selectors.dashboard_table(admin_user, ALL_TIME, "per_country"), "group")
    assert per_country["Germany"].values["interests"] == 2
    assert per_country["China"].values["deals"] == 1
    assert "United States of America" not in per_country  # nothing there: no row
    per_theme = by(selectors.dashboard_table(admin_user, ALL_TIME, "per_theme"), "group")
    mobility = per_theme["Mobility"].values
    assert (mobility["opportunities"], mobility["interests"], mobility["deals"]) == (2, 3, 2)
    assert (mobility["fees_EUR"], mobility["fees_CNY"]) == (Decimal("500.00"), Decimal("1000.00"))
    assert per_theme["Elderly care"].values["published"] == 1
    assert set(per_theme) == {"Mobility", "Elderly care"}
    per_discipline = by(selectors.dashboard_table(developer_a, ALL_TIME, "per_discipline"), "group")
    assert per_discipline["Serious games"].values["interests"] == 2
    # The developer's view of the countries: their Lab's only.
    assert set(by(selectors.dashboard_table(developer_a, ALL_TIME, "per_country"), "group")) == {"Germany"}


def test_monthly_over_24_months(programme, admin_user):
    from django.utils import timezone

    table = selectors.dashboard_table(admin_user, ALL_TIME, "monthly")
    assert len(table.rows) == 24
    months = by(table, "month")
    this_month = timezone.localdate().strftime("%Y-%m")
    assert list(months)[-1] == this_month
    assert sum(row.values["companies"] for row in table.rows) == 5
    assert months[this_month].values["deals"] == 2
    assert (months[this_month].values["fees_EUR"], months[this_month].values["fees_CNY"]) == (
        Decimal("500.00"),
        Decimal("1000.00"),
    )
    published = {}
    for opportunity in (programme.o1, programme.o2, programme.o4, programme.o5):
        month = timezone.localtime(opportunity.published_at).strftime("%Y-%m")
        published[month] = published.get(month, 0) + 1
    assert {m: row.values["published"] for m, row in months.items() if row.values["published"]} == published
    interest_months = {}
    for interest in (programme.i1, programme.i4, programme.i5):
        interest.refresh_from_db()
        month = timezone.localtime(interest.created_at).strftime("%Y-%m")
        interest_months[month] = interest_months.get(month, 0) + 1
    assert {m: row.values["interests"] for m, row in months.items() if row.values["interests"]} == interest_months


def test_work_lists(programme, developer_a, admin_user):
    board = selectors.dashboard(developer_a, ALL_TIME)
    stale = board.work_lists["stale_opportunities"]
    assert stale.total == 1
    assert stale.table.rows[0].links["title"] == programme.o2.get_absolute_url()
    overdue = board.work_lists["overdue_interests"]
    assert (overdue.total, overdue.table.rows[0].values["company"]) == (1, "Studio Vijf")
    assert overdue.table.rows[0].links["company"] == f"/interests/{programme.i5.pk}/"
    assert board.work_lists["awaiting_deals"].total == 0
    incomplete = board.work_lists["incomplete_companies"]
    assert {row.values["company"]: row.values["open_matches"] for row in incomplete.table.rows} == {
        "Studio Twee": 1,
        "Studio Drie": 1,
    }
    admin = selectors.dashboard(admin_user, ALL_TIME).work_lists
    assert admin["awaiting_deals"].total == 1
    assert admin["awaiting_deals"].table.rows[0].links["company"] == f"/interests/{programme.i4.pk}/"
    assert admin["incomplete_companies"].total == 3  # Studio Vier too, suggested for Shanghai's o4


def test_work_list_is_bounded_with_the_total(programme, developer_a):
    from tests.opportunities.factories import OpportunityFactory

    for _index in range(selectors.WORK_LIST_SIZE + 2):
        OpportunityFactory(
            lab=programme.o1.lab,
            status="published",
            published_at=programme.o2.published_at,
        )
    stale = selectors.dashboard(developer_a, ALL_TIME).work_lists["stale_opportunities"]
    assert (stale.total, len(stale.table.rows), stale.more) == (13, 10, 3)
