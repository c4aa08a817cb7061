"""The dashboard page: who sees what, the filters in the URL, a bounded number of queries, and the
reconciliation of its deal and fee figures with `/deals/` on the same data and scope."""

from decimal import Decimal

import pytest
from django.urls import reverse

from opportunities.deals.selectors import deal_totals

pytestmark = pytest.mark.django_db

URL = reverse("insights:dashboard")


def tile(response, table: str, figure: str):
    row = next(r for r in response.context["tables"][table].rows if r.values["figure"] == figure)
    return row.values["count"]


def test_anonymous_goes_to_login_and_an_sme_is_refused(client, login, programme, sme_owner):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert login(sme_owner).get(URL).status_code == 403


@pytest.mark.parametrize(
    ("who", "scope", "interests"),
    [
        ("developer_a", "Creative Lab Berlin", 2),
        ("embassy_de", "The Labs in Germany", 2),
        ("admin_user", "The whole programme", 3),
        ("developer_b", "Creative Lab Shanghai", 1),
    ],
)
def test_each_role_sees_its_scope(request, login, programme, who, scope, interests):
    response = login(request.getfixturevalue(who)).get(URL, {"period": "all"})
    assert response.status_code == 200
    assert response.context["scope_label"] == scope
    assert tile(response, "pipeline", "Expressions of interest") == interests
    assert scope in response.content.decode()


def test_the_berlin_developer_cannot_widen_to_shanghai(login, programme, developer_a):
    response = login(developer_a).get(URL, {"lab": "lab-b"})
    assert response.status_code == 400
    assert "tables" not in response.context
    assert "Select a valid choice" in response.content.decode()
    assert "Creative Lab Shanghai" not in [str(lab) for lab in response.context["form"].fields["lab"].queryset]
    response = login(developer_a).get(URL, {"country": "CN"})
    assert response.status_code == 400


def test_embassy_staff_choose_among_their_countrys_labs(login, programme, embassy_de, lab_b):
    form = login(embassy_de).get(URL).context["form"]
    assert [lab.slug for lab in form.fields["lab"].queryset] == ["lab-a"]
    assert [country.code for country in form.fields["country"].queryset] == ["DE"]


def test_filters_narrow_the_figures(login, programme, admin_user):
    client = login(admin_user)
    assert tile(client.get(URL, {"period": "all", "lab": "lab-b"}), "pipeline", "Expressions of interest") == 1
    assert tile(client.get(URL, {"period": "all", "country": "DE"}), "pipeline", "Expressions of interest") == 2
    assert tile(client.get(URL, {"period": "all", "theme": "elderly-care"}), "opportunities", "Published") == 1
    by_discipline = client.get(URL, {"period": "all", "discipline": "serious-games"})
    assert tile(by_discipline, "opportunities", "Published") == 1
    # The last 30 days: c5's and Shanghai's expressions are new; c1's was stamped 55 days ago.
    recent = client.get(URL, {"period": "30d"})
    assert tile(recent, "pipeline", "Expressions of interest") == 2
    assert tile(recent, "opportunities", "Published") == 3  # counts by status are of now


def test_dates_from_to(login, programme, admin_user):
    from django.utils import timezone

    today = timezone.localdate()
    client = login(admin_user)
    response = client.get(URL, {"start": today.isoformat(), "end": today.isoformat()})
    assert response.status_code == 200
    assert tile(response, "pipeline", "Deals won") == 2
    yesterday = today - timezone.timedelta(days=1)
    assert tile(client.get(URL, {"end": yesterday.isoformat()}), "pipeline", "Deals won") == 0


@pytest.mark.parametrize(
    "query",
    [
        {"start": "not a date"},
        {"start": "2024-02-30"},
        {"start": "0001-01-01"},
        {"end": "99999-01-01"},
        {"start": "2025-02-01", "end": "2025-01-01"},
        {"period": "forever"},
        {"theme": "no-such-theme"},
        {"discipline": "\u00e9\u00e9n"},
    ],
)
def test_bad_filters_are_field_errors(login, programme, admin_user, query):
    response = login(admin_user).get(URL, query)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert 'id="filter-errors"' in response.content.decode()


def test_the_page_shows_charts_with_their_tables(login, programme, embassy_de):
    html = login(embassy_de).get(URL, {"period": "all"}).content.decode()
    for key in ("funnel", "per_country", "per_lab", "per_theme", "monthly"):
        assert f'data-chart="{key}"' in html
        assert f'id="table-{key}"' in html
    assert 'role="img"' in html
    assert "style=" not in html  # the content security policy allows no inline styles


def test_figures_link_to_the_lists_behind_them(login, programme, developer_a):
    response = login(developer_a).get(URL, {"period": "all", "theme": "mobility"})
    pipeline = {row.values["figure"]: row.links for row in response.context["tables"]["pipeline"].rows}
    assert pipeline["Deals confirmed by the company"]["count"].startswith(reverse("opportunities:deal_overview"))
    assert "state=confirmed" in pipeline["Deals confirmed by the company"]["count"]
    # The Lab workspace has no theme filter: no link that would show more than the figure counts.
    assert pipeline["Waiting for an answer now"] == {}
    unfiltered = login(developer_a).get(URL, {"period": "all"}).context["tables"]["pipeline"]
    waiting = next(row for row in unfiltered.rows if row.values["figure"] == "Waiting for an answer now")
    assert waiting.links["count"] == reverse("opportunities:lab_workspace")
    statuses = {row.values["figure"]: row.links for row in response.context["tables"]["opportunities"].rows}
    assert (
        statuses["Published"]["count"] == reverse("opportunities:list") + "?lab=lab-a&theme=mobility&status=published"
    )


def test_the_page_in_dutch(client, login, programme, embassy_de, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = login(embassy_de).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Programma-inzicht" in html
    assert "Van voorstel tot bevestigde deal" in html


def _overview_totals(client, query=None):
    response = client.get(reverse("opportunities:deal_overview"), query or {})
    assert response.status_code == 200
    return {total.currency: total for total in deal_totals(response.context["deals"])["overall"]}


@pytest.mark.parametrize("who", ["developer_a", "developer_b", "embassy_de", "embassy_cn", "admin_user"])
def test_won_deals_and_fees_reconcile_with_the_deal_overview(request, login, programme, who):
    client = login(request.getfixturevalue(who))
    overview = _overview_totals(client)
    response = client.get(URL, {"period": "all"})
    fees = {row.values["currency"]: row.values for row in response.context["tables"]["fees"].rows}
    assert set(fees) == set(overview)
    for currency, total in overview.items():
        assert fees[currency]["deals"] == total.count
        assert fees[currency]["value"] == total.value
        assert fees[currency]["fees"] == total.fees_due + total.fees_confirmed
        assert fees[currency]["confirmed"] == total.fees_confirmed
    won = tile(response, "pipeline", "Deals won")
    assert won == sum(total.count for total in overview.values())
    funnel = {row.values["step"]: row.values["pairs"] for row in response.context["tables"]["funnel"].rows}
    assert funnel["Won"] == won


def test_reconciles_with_the_same_filters_on_the_overview(login, programme, admin_user):
    client = login(admin_user)
    response = client.get(URL, {"period": "all", "lab": "lab-b"})
    link = next(r for r in response.context["tables"]["pipeline"].rows if r.values["figure"] == "Deals won").links
    overview = client.get(link["count"])
    assert overview.status_code == 200
    assert [deal.pk for deal in overview.context["deals"]] == [programme.d4.pk]
    assert tile(response, "pipeline", "Deals won") == 1
    assert response.context["tables"]["fees"].rows[0].values["fees"] == Decimal("1000.00")


def _more_programme(programme, copies: int):
    """More of everything, in both Labs: each copy adds opportunities, companies, pairs, interests and deals."""
    from tests.factories import CompanyFactory
    from tests.opportunities.factories import DealFactory, InterestFactory, IntroductionFactory, OpportunityFactory

    from .conftest import suggest

    for index in range(copies):
        for lab in (programme.o1.lab, programme.o4.lab):
            opportunity = OpportunityFactory(lab=lab, status="published", published_at=programme.o2.published_at)
            opportunity.themes.set(programme.o1.themes.all())
            company = CompanyFactory()
            suggest(opportunity, company, programme.o2.published_at)
            interest = InterestFactory(opportunity=opportunity, company=company)
            if index % 2:
                DealFactory(introduction=IntroductionFactory(interest=interest, outcome="won"))


@pytest.mark.parametrize("who", ["embassy_de", "admin_user"])
def test_a_bounded_number_of_queries_whatever_the_data(request, login, programme, django_assert_max_num_queries, who):
    client = login(request.getfixturevalue(who))
    client.get(URL)  # the session, the roles
    # PostgreSQL adds four: the savepoint of the counting's time budget, its statement timeout set and put back;
    # the theme networks' table two (networks/selectors.help_per_network), the exchanges' one.
    with django_assert_max_num_queries(47) as small:
        assert client.get(URL, {"period": "all"}).status_code == 200
    _more_programme(programme, 12)
    with django_assert_max_num_queries(len(small.captured_queries)) as big:
        response = client.get(URL, {"period": "all"})
    assert response.status_code == 200
    assert tile(response, "pipeline", "Expressions of interest") > 3
    assert len(big.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize(("who", "labs"), [("developer_a", ["Creative Lab Berlin"]), ("admin_user", None)])
def test_an_export_holds_the_rows_the_page_shows_in_the_viewers_scope(request, login, programme, who, labs):
    import csv
    import io

    import openpyxl

    client = login(request.getfixturevalue(who))
    query = {"period": "all"}
    page = client.get(URL, query)
    shown = [
        [str(row.values[c.key]) for c in page.context["tables"]["per_lab"].columns]
        for row in page.context["tables"]["per_lab"].rows
    ]
    if labs is not None:
        assert [row[0] for row in shown] == labs
    as_csv = client.get(reverse("insights:export", args=["per_lab", "csv"]), query)
    assert as_csv.status_code == 200 and as_csv["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0] == [str(c.label) for c in page.context["tables"]["per_lab"].columns]
    assert [[_same(cell) for cell in row] for row in rows[1:]] == [[_same(cell) for cell in row] for row in shown]
    as_xlsx = client.get(reverse("insights:export", args=["per_lab", "xlsx"]), query)
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert [_same(cell.value) for cell in next(sheet.iter_rows(min_row=2, max_row=2))] == [_same(c) for c in shown[0]]
    # Asking for another Lab than one's own is refused, as on the page.
    if labs is not None:
        assert client.get(reverse("insights:export", args=["per_lab", "csv"]), {"lab": "lab-b"}).status_code == 400


def _same(value):
    """A cell as a comparable value: numbers by value (the export writes 500.00 as 500), empty as None."""
    if value in (None, "", "None"):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return str(value)
