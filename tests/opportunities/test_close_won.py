"""Closing as won rests on the deals recorded for the opportunity, or on a reason it was won outside the portal.

The service refuses a close as won without either (every path: the page, the generic step, the demo, a second
request); the page lists the deals it rests on, or asks for the reason with an optional value; the opportunity's
page and its timeline show the win to who follows it; the admin only reads it.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from opportunities.history import opportunity_timeline
from opportunities.models import Deal, Opportunity, OpportunityEvent, OutsideWin, Status
from opportunities.workflow.services import WorkflowError, opportunity_close_won, opportunity_transition

from .factories import DealFactory, InterestFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2030, 3, 11, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
REASON = "The client hired the studio directly after our matchmaking day."


@pytest.fixture
def opportunity(lab_a, developer_a):
    return OpportunityFactory(lab=lab_a, created_by=developer_a, status=Status.PUBLISHED, title="Safe cycling")


def _deal(opportunity, company, **fields) -> Deal:
    interest = InterestFactory(opportunity=opportunity, company=company)
    return DealFactory(introduction__interest=interest, **fields)


@pytest.fixture
def two_deals(opportunity, company, outsider_sme):
    return [
        _deal(opportunity, company, value=Decimal("12500.00"), description="Campaign."),
        _deal(opportunity, outsider_sme.membership.company, value=Decimal("8000.00"), description="Game."),
    ]


def state(opportunity) -> tuple:
    """What a close changes: the status, the outside win, and the steps recorded."""
    opportunity = Opportunity.objects.get(pk=opportunity.pk)
    outside = OutsideWin.objects.filter(opportunity=opportunity).values_list("reason", "value", "currency").first()
    steps = list(opportunity.events.values_list("action", "to_status", "note"))
    return opportunity.status, outside, steps


# --- The service ------------------------------------------------------------------------------------------------


def test_with_deals_it_closes_on_them_and_records_no_outside_win(opportunity, developer_a, two_deals):
    opportunity_close_won(opportunity=opportunity, user=developer_a, reason=" Both phases signed. ")
    assert state(opportunity) == (Status.CLOSED_WON, None, [("closed", "closed_won", "Both phases signed.")])


def test_with_deals_the_note_is_optional(opportunity, developer_a, two_deals):
    opportunity_close_won(opportunity=opportunity, user=developer_a)
    assert state(opportunity) == (Status.CLOSED_WON, None, [("closed", "closed_won", "")])


def test_with_deals_a_value_of_its_own_is_refused(opportunity, developer_a, two_deals):
    with pytest.raises(WorkflowError, match="leave the value out"):
        opportunity_close_won(opportunity=opportunity, user=developer_a, value="5000", currency="EUR")
    assert state(opportunity) == (Status.PUBLISHED, None, [])


@pytest.mark.parametrize("reason", ["", "   \t "])
def test_without_deals_and_without_a_reason_it_is_refused(opportunity, developer_a, reason):
    with pytest.raises(WorkflowError, match="say how it was won outside the portal"):
        opportunity_close_won(opportunity=opportunity, user=developer_a, reason=reason)
    assert state(opportunity) == (Status.PUBLISHED, None, [])


def test_the_generic_step_cannot_close_as_won_unexplained_either(opportunity, developer_a):
    with pytest.raises(WorkflowError, match="say how it was won outside the portal"):
        opportunity_transition(opportunity=opportunity, user=developer_a, name="close_won")
    assert state(opportunity) == (Status.PUBLISHED, None, [])
    # its note is the reason
    opportunity_transition(opportunity=opportunity, user=developer_a, name="close_won", note=REASON)
    assert state(opportunity) == (Status.CLOSED_WON, (REASON, None, ""), [("closed", "closed_won", REASON)])


def test_without_deals_a_reason_records_the_outside_win(opportunity, developer_a):
    with time_machine.travel(NOW, tick=False):
        opportunity_close_won(
            opportunity=opportunity, user=developer_a, reason=f"  {REASON} ", value="92000.5", currency="EUR"
        )
    win = OutsideWin.objects.get(opportunity=opportunity)
    assert (win.reason, win.value, win.currency, win.recorded_by, win.recorded_at) == (
        REASON,
        Decimal("92000.50"),
        "EUR",
        developer_a,
        NOW,
    )
    assert state(opportunity) == (
        Status.CLOSED_WON,
        (REASON, Decimal("92000.50"), "EUR"),
        [("closed", "closed_won", REASON)],
    )


def test_a_value_without_its_currency_is_refused(opportunity, developer_a):
    with pytest.raises(WorkflowError, match="currency"):
        opportunity_close_won(opportunity=opportunity, user=developer_a, reason=REASON, value="92000")
    assert state(opportunity) == (Status.PUBLISHED, None, [])


def test_a_currency_without_a_value_is_not_kept(opportunity, developer_a):
    opportunity_close_won(opportunity=opportunity, user=developer_a, reason=REASON, currency="USD")
    assert state(opportunity)[1] == (REASON, None, "")


@pytest.mark.parametrize(
    ("value", "currency", "message"),
    [
        ("0", "EUR", "more than 0"),
        ("1000000000.01", "EUR", "at most 1,000,000,000"),
        ("12.345", "EUR", "two decimals"),
        ("1e9", "EUR", "digits"),
        ("NaN", "EUR", "digits"),
        ("5000", "GBP", "currency"),
    ],
)
def test_the_value_has_a_deals_bounds(opportunity, developer_a, value, currency, message):
    with pytest.raises(WorkflowError, match=message):
        opportunity_close_won(opportunity=opportunity, user=developer_a, reason=REASON, value=value, currency=currency)
    assert state(opportunity) == (Status.PUBLISHED, None, [])


@pytest.mark.parametrize(("reason", "message"), [("x" * 501, "500 characters"), ("Won.\nThen more.", "one line")])
def test_the_reason_is_one_line_of_at_most_500_characters(opportunity, developer_a, reason, message):
    with pytest.raises(WorkflowError, match=message):
        opportunity_close_won(opportunity=opportunity, user=developer_a, reason=reason)
    assert state(opportunity) == (Status.PUBLISHED, None, [])


def test_a_reason_of_exactly_500_characters_is_kept(opportunity, developer_a):
    opportunity_close_won(opportunity=opportunity, user=developer_a, reason="x" * 500)
    assert len(OutsideWin.objects.get(opportunity=opportunity).reason) == 500


def test_closing_twice_is_one_outside_win_and_one_step(opportunity, developer_a):
    for _ in range(2):
        result = opportunity_close_won(
            opportunity=opportunity, user=developer_a, reason=REASON, value="92000", currency="EUR"
        )
        assert result.status == Status.CLOSED_WON
    assert OutsideWin.objects.filter(opportunity=opportunity).count() == 1
    assert opportunity.events.count() == 1


def test_closing_twice_on_the_deals_is_one_step(opportunity, developer_a, two_deals):
    for _ in range(2):
        opportunity_close_won(opportunity=opportunity, user=developer_a, reason="Signed.")
    assert opportunity.events.count() == 1
    assert not OutsideWin.objects.exists()


def test_a_different_close_after_the_first_is_refused(opportunity, developer_a):
    opportunity_close_won(opportunity=opportunity, user=developer_a, reason=REASON)
    with pytest.raises(WorkflowError, match="not possible now"):
        opportunity_close_won(opportunity=opportunity, user=developer_a, reason="Another story.")
    assert state(opportunity) == (Status.CLOSED_WON, (REASON, None, ""), [("closed", "closed_won", REASON)])


@pytest.mark.parametrize("who", ["developer_b", "embassy_de", "sme_owner"])
def test_only_an_author_may_close_as_won(request, opportunity, who):
    with pytest.raises(PermissionDenied):
        opportunity_close_won(opportunity=opportunity, user=request.getfixturevalue(who), reason=REASON)
    assert state(opportunity) == (Status.PUBLISHED, None, [])


def test_someone_else_repeating_a_close_is_still_refused(opportunity, developer_a, developer_b):
    opportunity_close_won(opportunity=opportunity, user=developer_a, reason=REASON)
    with pytest.raises(WorkflowError):
        opportunity_close_won(opportunity=opportunity, user=developer_b, reason=REASON)
    assert opportunity.events.count() == 1


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN, Status.CLOSED_NOT_WON])
def test_it_closes_only_a_published_or_expired_opportunity(lab_a, developer_a, status):
    opportunity = OpportunityFactory(lab=lab_a, created_by=developer_a, status=status)
    with pytest.raises(WorkflowError, match="not possible now"):
        opportunity_close_won(opportunity=opportunity, user=developer_a, reason=REASON)
    assert not OutsideWin.objects.exists()


def test_an_expired_opportunity_may_be_closed_as_won(lab_a, developer_a):
    opportunity = OpportunityFactory(lab=lab_a, created_by=developer_a, status=Status.EXPIRED)
    opportunity_close_won(opportunity=opportunity, user=developer_a, reason=REASON)
    assert state(opportunity)[:2] == (Status.CLOSED_WON, (REASON, None, ""))


# --- The page ---------------------------------------------------------------------------------------------------


def test_the_page_lists_the_deals_it_closes_on(login, opportunity, developer_a, two_deals):
    page = login(developer_a).get(f"/opportunities/{opportunity.pk}/close-won/")
    assert page.status_code == 200
    text = page.text
    assert "Closing as won with these 2 deals:" in text
    assert "Studio Fietsveilig" in text and "Outsider Design" in text
    assert "12,500.00 EUR" in text and "8,000.00 EUR" in text
    assert 'name="value"' not in text  # the deals carry the value
    response = login(developer_a).post(f"/opportunities/{opportunity.pk}/close-won/", {"reason": "Signed."})
    assert response.status_code == 302 and response["Location"] == f"/opportunities/{opportunity.pk}/"
    assert state(opportunity) == (Status.CLOSED_WON, None, [("closed", "closed_won", "Signed.")])


def test_the_page_says_one_deal_in_the_singular(login, opportunity, developer_a, company):
    _deal(opportunity, company)
    assert (
        "Closing as won with this deal:" in login(developer_a).get(f"/opportunities/{opportunity.pk}/close-won/").text
    )


def test_without_deals_the_page_asks_for_the_reason_and_keeps_what_was_typed(login, opportunity, developer_a):
    client = login(developer_a)
    page = client.get(f"/opportunities/{opportunity.pk}/close-won/").text
    assert "No deal is recorded for this opportunity" in page and 'name="reason"' in page
    response = client.post(f"/opportunities/{opportunity.pk}/close-won/", {"reason": "", "value": "92000"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "say how it was won outside the portal" in errors["reason"][0]
    assert 'value="92000"' in response.text  # kept
    response = client.post(
        f"/opportunities/{opportunity.pk}/close-won/", {"reason": REASON, "value": "92000", "currency": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["currency"] == ["Choose the currency of the value."]
    assert REASON in response.text
    assert state(opportunity) == (Status.PUBLISHED, None, [])

    response = client.post(
        f"/opportunities/{opportunity.pk}/close-won/", {"reason": REASON, "value": "92000", "currency": "EUR"}
    )
    assert response.status_code == 302
    assert state(opportunity)[:2] == (Status.CLOSED_WON, (REASON, Decimal("92000.00"), "EUR"))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "x" * 501}, "reason"),
        ({"reason": REASON, "value": "-5", "currency": "EUR"}, "value"),
        ({"reason": REASON, "value": "99999999999", "currency": "EUR"}, "value"),
        ({"reason": REASON, "value": "5000", "currency": "XXX"}, "currency"),
    ],
)
def test_bad_input_is_a_field_error(login, opportunity, developer_a, data, field):
    response = login(developer_a).post(f"/opportunities/{opportunity.pk}/close-won/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert state(opportunity) == (Status.PUBLISHED, None, [])


def test_posting_the_same_close_twice_gives_one_outside_win(login, opportunity, developer_a):
    client = login(developer_a)
    data = {"reason": REASON, "value": "92000", "currency": "EUR"}
    for _ in range(2):
        response = client.post(f"/opportunities/{opportunity.pk}/close-won/", data, follow=True)
        assert "Closed as won." in response.text
    assert OutsideWin.objects.count() == 1 and OpportunityEvent.objects.count() == 1


def test_the_detail_page_links_to_the_closing_page(login, opportunity, developer_a):
    page = login(developer_a).get(f"/opportunities/{opportunity.pk}/").text
    assert f'href="/opportunities/{opportunity.pk}/close-won/"' in page
    assert f'action="/opportunities/{opportunity.pk}/steps/close_won/"' not in page


def test_a_closed_opportunity_sends_the_closing_page_back_to_itself(login, lab_a, developer_a):
    closed = OpportunityFactory(lab=lab_a, created_by=developer_a, status=Status.CLOSED_NOT_WON)
    response = login(developer_a).get(f"/opportunities/{closed.pk}/close-won/")
    assert response.status_code == 302 and response["Location"] == f"/opportunities/{closed.pk}/"


@pytest.mark.parametrize(("who", "status"), [("sme_owner", 403), ("embassy_de", 403), ("developer_b", 403)])
def test_who_may_not_close_is_refused(login, request, opportunity, who, status):
    client = login(request.getfixturevalue(who))
    assert client.get(f"/opportunities/{opportunity.pk}/close-won/").status_code == status
    assert client.post(f"/opportunities/{opportunity.pk}/close-won/", {"reason": REASON}).status_code == status
    assert state(opportunity) == (Status.PUBLISHED, None, [])


def test_another_labs_draft_is_not_found(login, lab_b, developer_a):
    draft = OpportunityFactory(lab=lab_b, status=Status.DRAFT)
    assert login(developer_a).get(f"/opportunities/{draft.pk}/close-won/").status_code == 404


def test_the_closing_page_needs_a_login(client, opportunity):
    response = client.get(f"/opportunities/{opportunity.pk}/close-won/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- Showing the win ----------------------------------------------------------------------------------------------


def test_the_opportunity_page_shows_the_outside_win_to_who_follows_it(
    login, opportunity, developer_a, embassy_de, admin_user, embassy_cn, sme_owner, client
):
    opportunity_close_won(opportunity=opportunity, user=developer_a, reason=REASON, value="92000", currency="EUR")
    for follower in (developer_a, embassy_de, admin_user):
        page = login(follower).get(f"/opportunities/{opportunity.pk}/").text
        assert f"Won outside the portal: {REASON}" in page, follower
        assert "Value: 92,000.00 EUR, without a fee." in page, follower
    for other in (embassy_cn, sme_owner):
        page = login(other).get(f"/opportunities/{opportunity.pk}/")
        assert page.status_code in (200, 404)
        assert "Won outside the portal" not in page.text, other
    client.logout()
    assert "Won outside the portal" not in client.get(f"/opportunities/{opportunity.pk}/").text


def test_the_opportunity_page_shows_the_deals_it_was_won_with(login, opportunity, developer_a, embassy_de, two_deals):
    opportunity_close_won(opportunity=opportunity, user=developer_a)
    page = login(embassy_de).get(f"/opportunities/{opportunity.pk}/").text
    assert "Won with these 2 deals:" in page
    assert "12,500.00 EUR" in page and "Won outside the portal" not in page


def test_the_opportunity_page_reads_the_win_in_a_bounded_number_of_queries(
    login, opportunity, developer_a, company, outsider_sme, django_assert_max_num_queries
):
    client = login(developer_a)
    _deal(opportunity, company)
    opportunity_close_won(opportunity=opportunity, user=developer_a)
    with django_assert_max_num_queries(60) as one:
        client.get(f"/opportunities/{opportunity.pk}/")
    for _ in range(4):
        extra = InterestFactory(opportunity=opportunity)
        DealFactory(introduction__interest=extra)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(f"/opportunities/{opportunity.pk}/")
    assert "Won with these 5 deals:" in page.text


def test_the_timeline_shows_the_step_with_its_reason_and_value(opportunity, developer_a):
    opportunity_close_won(opportunity=opportunity, user=developer_a, reason=REASON, value="92000", currency="EUR")
    step = opportunity_timeline(Opportunity.objects.get(pk=opportunity.pk))[-1]
    assert (step.action, step.note) == ("closed as won outside the portal, worth 92,000.00 EUR", REASON)


def test_the_timeline_tells_a_win_on_deals_and_a_close_not_won_apart(lab_a, opportunity, developer_a, two_deals):
    opportunity_close_won(opportunity=opportunity, user=developer_a)
    assert opportunity_timeline(opportunity)[-1].action == "closed as won"
    other = OpportunityFactory(lab=lab_a, created_by=developer_a, status=Status.PUBLISHED)
    opportunity_transition(opportunity=other, user=developer_a, name="close_not_won", note="A local office won.")
    assert [(e.action, e.note) for e in opportunity_timeline(other)][-1] == ("closed as not won", "A local office won.")


# --- The admin --------------------------------------------------------------------------------------------------


def test_the_admin_shows_the_outside_win_read_only(login, opportunity, developer_a, admin_user):
    opportunity_close_won(opportunity=opportunity, user=developer_a, reason=REASON, value="92000", currency="EUR")
    page = login(admin_user).get(f"/admin/opportunities/opportunity/{opportunity.pk}/change/")
    assert page.status_code == 200
    assert REASON in page.text
    assert 'name="outside_win-0-reason"' not in page.text  # shown, not editable
    assert 'name="outside_win-TOTAL_FORMS"' in page.text
