"""Deal values and currencies: Decimal only, more than 0, at most 10⁹, whole cents, a known currency."""

from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opportunities.deals.fees import fee_for
from opportunities.deals.services import DealError, clean_amount, introduction_record_outcome
from opportunities.models import MAX_DEAL_VALUE, Deal, Status

from .factories import DealFactory, InterestFactory, IntroductionFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def introduction(lab_a, developer_a, company, sme_owner):
    opportunity = OpportunityFactory(lab=lab_a, status=Status.PUBLISHED, currency="CNY")
    interest = InterestFactory(opportunity=opportunity, company=company, contact=sme_owner)
    return IntroductionFactory(interest=interest, introduced_by=developer_a)


def won(**changes) -> dict:
    data = {
        "outcome": "won",
        "value": "12500.50",
        "currency": "EUR",
        "closed_on": timezone.localdate().isoformat(),
        "description": "Campaign for twelve schools.",
    }
    data.update(changes)
    return data


def post(user, introduction, data):
    client = Client()
    client.force_login(user)
    return client.post(f"/introductions/{introduction.pk}/outcome/", data)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "in digits"),
        ("-0.01", "in digits"),
        ("0", "more than 0"),
        ("0.00", "more than 0"),
        ("1000000000.01", "at most 1,000,000,000"),
        ("1000000001", "at most 1,000,000,000"),
        ("99999999999999", "in digits"),
        ("12.345", "at most two decimals"),
        ("twelve thousand", "in digits"),
        ("12 500,00 EUR", "in digits"),
        ("12,50,0", "in digits"),
        ("12.500,00", "in digits"),  # Dutch grouping on an English page
        ("1e5", "in digits"),
        ("NaN", "in digits"),
        ("Infinity", "in digits"),
        ("0x10", "in digits"),
        ("", "Needed for a won deal"),
    ],
)
def test_bad_deal_values_are_refused_with_a_clear_error(introduction, developer_a, value, message):
    response = post(developer_a, introduction, won(value=value))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Campaign for twelve schools." in page  # nothing typed is lost
    assert not Deal.objects.exists()
    introduction.refresh_from_db()
    assert introduction.outcome == "open"


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("1000000000", Decimal("1000000000.00")),
        ("0.01", Decimal("0.01")),
        ("12500,5", Decimal("12500.50")),
        (" 12500.50 ", Decimal("12500.50")),
        ("12.500", Decimal("12.50")),  # trailing zeros are still whole cents
        ("007", Decimal("7.00")),
        ("12,500.00", Decimal("12500.00")),  # the English reader's own format
        ("12,345", Decimal("12345.00")),
        ("1 250 000", Decimal("1250000.00")),
    ],
)
def test_good_deal_values_are_stored_exactly(introduction, developer_a, value, stored):
    assert post(developer_a, introduction, won(value=value)).status_code == 302
    deal = Deal.objects.get()
    assert deal.value == stored
    assert isinstance(deal.value, Decimal) and isinstance(deal.fee_amount, Decimal)


@pytest.mark.parametrize("currency", ["GBP", "eur", "", "EURO", "<script>"])
def test_only_the_programmes_currencies_are_accepted(introduction, developer_a, currency):
    response = post(developer_a, introduction, won(currency=currency))
    assert response.status_code == 200
    page = response.content.decode()
    assert ("Choose one of the currencies EUR, USD or CNY." in page) or ("Needed for a won deal" in page)
    assert not Deal.objects.exists()


def test_the_form_proposes_the_opportunitys_currency(introduction, developer_a):
    client = Client()
    client.force_login(developer_a)
    page = client.get(f"/introductions/{introduction.pk}/outcome/").content.decode()
    assert '<option value="CNY" selected>' in page


def test_the_service_refuses_what_the_form_would(introduction, developer_a):
    """Views are not the only way in: the service checks the same rules."""
    today = timezone.localdate()
    for value in (Decimal("-1"), Decimal("0"), MAX_DEAL_VALUE + Decimal("0.01"), Decimal("1.001"), "abc", None):
        with pytest.raises(DealError):
            introduction_record_outcome(
                introduction=introduction,
                user=developer_a,
                outcome="won",
                value=value,
                currency="EUR",
                closed_on=today,
                description="x",
            )
    with pytest.raises(DealError, match="currencies"):
        introduction_record_outcome(
            introduction=introduction,
            user=developer_a,
            outcome="won",
            value=Decimal("10"),
            currency="GBP",
            closed_on=today,
            description="x",
        )
    with pytest.raises(DealError, match="won, lost or stalled"):
        introduction_record_outcome(introduction=introduction, user=developer_a, outcome="open")
    assert not Deal.objects.exists()


def test_the_database_refuses_negative_and_absurd_values(introduction):
    for value in (Decimal("-1.00"), MAX_DEAL_VALUE + 1):
        with pytest.raises(IntegrityError), transaction.atomic():
            DealFactory(introduction=introduction, value=value, fee_amount=Decimal("0"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=st.decimals(min_value=Decimal("0.01"), max_value=MAX_DEAL_VALUE, places=2),
    percentage=st.decimals(min_value=Decimal("0"), max_value=Decimal("25"), places=2),
)
def test_fees_are_exact_cents_within_bounds(value, percentage):
    fee = fee_for(clean_amount(str(value)), percentage)
    assert fee.as_tuple().exponent == -2
    assert Decimal("0") <= fee <= value * Decimal("0.25") + Decimal("0.005")
    assert abs(fee - value * percentage / 100) <= Decimal("0.005")


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("12.500,00", Decimal("12500.00")),
        ("12500,50", Decimal("12500.50")),
        ("12.500", Decimal("12500.00")),  # a Dutch full stop between groups
        ("12500.5", Decimal("12500.50")),  # one or two decimals after a full stop: a decimal point
    ],
)
def test_a_dutch_reader_types_amounts_in_dutch(introduction, developer_a, value, stored):
    client = Client()
    client.force_login(developer_a)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert client.post(f"/introductions/{introduction.pk}/outcome/", won(value=value)).status_code == 302
    assert Deal.objects.get().value == stored


def test_a_dutch_error_gives_a_dutch_example(introduction, developer_a):
    client = Client()
    client.force_login(developer_a)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = client.post(f"/introductions/{introduction.pk}/outcome/", won(value="12,345"))
    page = response.content.decode()
    assert response.status_code == 200 and "12,345" in page  # kept as typed
    assert "twee decimalen" in page
