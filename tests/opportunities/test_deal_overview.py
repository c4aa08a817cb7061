"""The deal overview and its CSV: who sees which deals, totals per currency per Lab and developer, filters."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opportunities.models import Status
from tests.factories import BusinessDeveloperFactory, CompanyFactory, UserFactory

from .factories import DealFactory, InterestFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def zoe_of_lab_a(lab_a):
    return BusinessDeveloperFactory(lab=lab_a, user=UserFactory(email="second@lab-a.example", full_name="Zoe")).user


def deal(lab, developer, *, value, currency, percentage, state, closed_on, company_name=None):
    opportunity = OpportunityFactory(lab=lab, status=Status.PUBLISHED, fee_percentage=percentage)
    company = CompanyFactory(name=company_name) if company_name else CompanyFactory()
    interest = InterestFactory(opportunity=opportunity, company=company)
    return DealFactory(
        introduction__interest=interest,
        introduction__introduced_by=developer,
        recorded_by=developer,
        value=D(value),
        currency=currency,
        state=state,
        closed_on=closed_on,
    )


@pytest.fixture
def deals(lab_a, lab_b, developer_a, zoe_of_lab_a, developer_b):
    return {
        "a1": deal(lab_a, developer_a, value="10000.00", currency="EUR", percentage=D("5"), state="confirmed",
                   closed_on=datetime.date(2024, 3, 1)),
        "a2": deal(lab_a, developer_a, value="2000.50", currency="EUR", percentage=D("7.5"), state="awaiting",
                   closed_on=datetime.date(2025, 5, 2)),
        "a3": deal(lab_a, zoe_of_lab_a, value="3000", currency="USD", percentage=D("5"), state="disputed",
                   closed_on=datetime.date(2025, 6, 3)),
        "b1": deal(lab_b, developer_b, value="50000", currency="CNY", percentage=D("10"), state="confirmed",
                   closed_on=datetime.date(2024, 7, 4)),
        "b2": deal(lab_b, developer_b, value="1000", currency="EUR", percentage=D("5"), state="awaiting",
                   closed_on=datetime.date(2025, 8, 5)),
    }  # fmt: skip


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def totals(rows) -> dict:
    return {t.currency: (t.count, t.value, t.fees_due, t.fees_confirmed) for t in rows}


def grouped(groups) -> dict:
    return {group.label: totals(group.totals) for group in groups}


def test_a_developer_sees_their_labs_deals_with_totals_per_currency(deals, developer_a, zoe_of_lab_a):
    response = as_user(developer_a).get("/deals/")
    assert response.status_code == 200
    assert {d.pk for d in response.context["deals"]} == {deals["a1"].pk, deals["a2"].pk, deals["a3"].pk}
    result = response.context["totals"]
    # 2000.50 × 7.5% = 150.0375 → 150.04; EUR and USD are never added together.
    assert totals(result["overall"]) == {
        "EUR": (2, D("12000.50"), D("150.04"), D("500.00")),
        "USD": (1, D("3000.00"), D("150.00"), D("0.00")),
    }
    assert grouped(result["by_lab"]) == {"Creative Lab Berlin": totals(result["overall"])}
    assert grouped(result["by_developer"]) == {
        str(developer_a): {"EUR": (2, D("12000.50"), D("150.04"), D("500.00"))},
        "Zoe": {"USD": (1, D("3000.00"), D("150.00"), D("0.00"))},
    }
    page = response.content.decode()
    assert "12,000.50" in page and "Creative Lab Shanghai" not in page


def test_an_admin_sees_the_programme_per_lab(deals, admin_user, developer_b):
    result = as_user(admin_user).get("/deals/").context["totals"]
    assert totals(result["overall"]) == {
        "CNY": (1, D("50000.00"), D("0.00"), D("5000.00")),
        "EUR": (3, D("13000.50"), D("200.04"), D("500.00")),
        "USD": (1, D("3000.00"), D("150.00"), D("0.00")),
    }
    by_lab = grouped(result["by_lab"])
    assert by_lab["Creative Lab Shanghai"] == {
        "CNY": (1, D("50000.00"), D("0.00"), D("5000.00")),
        "EUR": (1, D("1000.00"), D("50.00"), D("0.00")),
    }
    assert set(by_lab["Creative Lab Berlin"]) == {"EUR", "USD"}
    assert set(grouped(result["by_developer"])[str(developer_b)]) == {"CNY", "EUR"}


def test_embassy_staff_see_their_countrys_labs(deals, embassy_de, embassy_cn):
    assert {d.pk for d in as_user(embassy_de).get("/deals/").context["deals"]} == {
        deals["a1"].pk,
        deals["a2"].pk,
        deals["a3"].pk,
    }
    assert {d.pk for d in as_user(embassy_cn).get("/deals/").context["deals"]} == {deals["b1"].pk, deals["b2"].pk}


def test_companies_and_visitors_have_no_overview(deals, sme_owner, plain_user):
    for url in ("/deals/", "/deals/export.csv"):
        assert as_user(sme_owner).get(url).status_code == 403
        assert as_user(plain_user).get(url).status_code == 403
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_filters(deals, admin_user, lab_b):
    admin = as_user(admin_user)
    pks = lambda query: {d.pk for d in admin.get("/deals/", query).context["deals"]}  # noqa: E731
    assert pks({"state": "confirmed"}) == {deals["a1"].pk, deals["b1"].pk}
    assert pks({"state": "awaiting", "year": "2025"}) == {deals["a2"].pk, deals["b2"].pk}
    assert pks({"lab": lab_b.pk, "year": "2024"}) == {deals["b1"].pk}
    totals_2024 = admin.get("/deals/", {"year": "2024"}).context["totals"]
    assert totals(totals_2024["overall"]) == {
        "CNY": (1, D("50000.00"), D("0.00"), D("5000.00")),
        "EUR": (1, D("10000.00"), D("0.00"), D("500.00")),
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "abc"}, "Enter a whole number"),
        ({"year": "1899"}, "greater than or equal to 2000"),
        ({"state": "paid"}, "Select a valid choice"),
        ({"lab": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_filters_are_shown_and_ignored(deals, developer_a, query, message):
    response = as_user(developer_a).get("/deals/", query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert len(response.context["deals"]) == 3
    assert as_user(developer_a).get("/deals/export.csv", query).status_code == 400


def test_a_developer_cant_filter_on_another_lab(deals, developer_a, lab_b):
    response = as_user(developer_a).get("/deals/", {"lab": lab_b.pk})
    assert "Select a valid choice" in response.content.decode()
    assert all(d.introduction.interest.opportunity.lab_id != lab_b.pk for d in response.context["deals"])


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="deals.csv"'
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_the_csv_export(deals, admin_user, developer_a):
    rows = read_csv(as_user(admin_user).get("/deals/export.csv"))
    header, *body = rows
    assert header[:3] == ["deal", "date", "lab"]
    assert len(body) == 5
    row = dict(zip(header, next(r for r in body if r[0] == str(deals["a2"].pk)), strict=True))
    assert row["value"] == "2000.50" and row["fee_amount"] == "150.04" and row["fee_percentage"] == "7.50"
    assert row["currency"] == "EUR" and row["state"] == "awaiting" and row["date"] == "2025-05-02"
    assert row["lab"] == "Creative Lab Berlin" and row["recorded_by"] == developer_a.email

    # The same filters as the page, and the same scope.
    assert [r[0] for r in read_csv(as_user(admin_user).get("/deals/export.csv", {"state": "confirmed"}))[1:]] == [
        str(deals["b1"].pk),
        str(deals["a1"].pk),
    ]
    assert len(read_csv(as_user(developer_a).get("/deals/export.csv"))) == 1 + 3


def test_the_csv_is_safe_against_formula_injection(lab_a, developer_a):
    for name in ('=HYPERLINK("http://evil.example")', "+SUM(A1)", "-2+3", "@cmd", "Normal Studio"):
        deal(lab_a, developer_a, value="100", currency="EUR", percentage=D("5"), state="awaiting",
             closed_on=datetime.date(2025, 1, 1), company_name=name)  # fmt: skip
    companies = [row[4] for row in read_csv(as_user(developer_a).get("/deals/export.csv"))[1:]]
    assert sorted(companies) == sorted(
        ['\'=HYPERLINK("http://evil.example")', "'+SUM(A1)", "'-2+3", "'@cmd", "Normal Studio"]
    )


def test_the_overview_takes_a_bounded_number_of_queries(deals, admin_user, lab_a, developer_a):
    admin = as_user(admin_user)
    admin.get("/deals/")  # warm up: session, roles
    with CaptureQueriesContext(connection) as few:
        admin.get("/deals/")
    for index in range(10):
        deal(lab_a, developer_a, value=f"{100 + index}", currency="USD", percentage=D("5"), state="confirmed",
             closed_on=datetime.date(2025, 2, 1))  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        response = admin.get("/deals/")
    assert len(response.context["deals"]) == 15
    assert len(many) == len(few)


def test_the_navigation_links_to_the_deals(developer_a, embassy_de, admin_user, sme_owner):
    for user in (developer_a, embassy_de, admin_user):
        assert 'href="/deals/"' in as_user(user).get("/").content.decode()
    assert 'href="/deals/"' not in as_user(sme_owner).get("/").content.decode()
