"""The history of opportunities, expressions of interest, introductions and deals: who changed which field from
what to what, written by the services and by the admin alike, and shown to the staff who follow the opportunity."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from creativelabs.history import history_of
from labs.models import Theme
from opportunities.deals.links import deal_confirmation_token
from opportunities.deals.services import deal_resend_confirmation
from opportunities.history import interest_timeline, opportunity_timeline
from opportunities.models import Deal, Introduction, MatchQueue, Opportunity, OpportunityEvent, Status
from opportunities.workflow.services import opportunity_create, opportunity_transition, opportunity_update
from tests.admin_forms import admin_post_data

from .factories import DealFactory, InterestFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def changes(entry) -> dict[str, tuple[str, str]]:
    return {change.field: (change.old, change.new) for change in entry.changes}


def shown(page: str, label: str, old: str, new: str) -> bool:
    return f"{label}: {old} → {new}" in page


@pytest.fixture
def opportunity(lab_a, developer_a):
    return OpportunityFactory(lab=lab_a, created_by=developer_a, status=Status.PUBLISHED, title="Safe cycling")


@pytest.fixture
def deal(opportunity, company, sme_owner, developer_a):
    interest = InterestFactory(opportunity=opportunity, company=company, contact=sme_owner, submitted_by=sme_owner)
    return DealFactory(
        introduction__interest=interest,
        introduction__introduced_by=developer_a,
        recorded_by=developer_a,
        value=Decimal("10000.00"),
    )


# --- Written by the services --------------------------------------------------------------------------


def test_a_service_edit_is_one_entry_with_every_field_that_changed(opportunity, developer_a):
    health, culture = Theme.objects.order_by("pk")[:2]
    opportunity.themes.set([health])
    opportunity_update(
        opportunity=opportunity,
        user=developer_a,
        data={"title": "Safe cycling, phase two", "budget_band": Opportunity.Budget.FROM_25K},
        m2m={"themes": [culture]},
    )
    entry = history_of(opportunity)[-1]
    assert entry.action == "changed"
    assert changes(entry) == {
        "title": ("Safe cycling", "Safe cycling, phase two"),
        "budget_band": ("Not known yet", "25,000 – 100,000"),  # a choice by its label
        "themes": (str(health), str(culture)),  # many-to-many by the names, in the same step
    }


def test_the_page_shows_the_edit_to_who_follows_the_opportunity_only(
    opportunity, developer_a, embassy_de, admin_user, developer_b, embassy_cn, sme_owner, client
):
    response = as_user(developer_a).post(
        f"/opportunities/{opportunity.pk}/edit/", edit_form(opportunity, title="Safe cycling, phase two")
    )
    assert response.status_code == 302
    rows = opportunity.history.filter(history_type="~", title="Safe cycling, phase two")
    assert rows and {row.history_user for row in rows} == {developer_a}  # who: the signed-in user, from the request

    for follower in (developer_a, embassy_de, admin_user):
        page = as_user(follower).get(opportunity.get_absolute_url()).content.decode()
        assert shown(page, "Title", "Safe cycling", "Safe cycling, phase two"), follower
        assert f"Changed by {developer_a}" in page
    for outsider in (developer_b, embassy_cn, sme_owner):
        response = as_user(outsider).get(opportunity.get_absolute_url())
        assert response.status_code == 200 and response.context["history"] == []
        assert "phase two</" in response.content.decode()  # the new title is there, its history is not
        assert "Safe cycling →" not in response.content.decode(), outsider
    assert client.get(opportunity.get_absolute_url()).context["history"] == []


def edit_form(opportunity, **overrides) -> dict:
    data = {
        "lab": opportunity.lab_id,
        "title": opportunity.title,
        "summary": opportunity.summary,
        "brief": opportunity.brief,
        "client_name": opportunity.client_name,
        "city": opportunity.city,
        "themes": [Theme.objects.first().pk],
        "required_disciplines": [d.pk for d in opportunity.required_disciplines.all()],
        "budget_band": opportunity.budget_band,
        "currency": opportunity.currency,
        "deadline": opportunity.deadline.isoformat(),
        "languages": ["en"],
        "fee_percentage": str(opportunity.fee_percentage),
        "fee_note": opportunity.fee_note,
    }
    data.update(overrides)
    return data


def test_workflow_steps_and_edits_make_one_timeline_without_repeats(lab_a, developer_a, embassy_de):
    data = {
        "lab": lab_a,
        "title": "Healthy playgrounds",
        "summary": "Playgrounds that get children moving.",
        "brief": "A district wants playground designs.",
        "country": lab_a.country,
        "city": "Berlin",
        "deadline": timezone.localdate() + datetime.timedelta(days=20),
        "fee_percentage": Decimal("5"),
    }
    opportunity = opportunity_create(user=developer_a, data=data, m2m={})
    opportunity_transition(opportunity=opportunity, user=developer_a, name="submit")
    opportunity_transition(opportunity=opportunity, user=embassy_de, name="send_back", note="Add the budget.")
    opportunity.refresh_from_db()
    opportunity_update(opportunity=opportunity, user=developer_a, data={"city": "Potsdam"}, m2m={})

    timeline = opportunity_timeline(opportunity)
    assert [(entry.action, entry.note) for entry in timeline] == [
        ("created", ""),
        ("submitted for review", ""),
        ("sent back", "Add the budget."),
        ("changed", ""),
    ]
    assert changes(timeline[-1]) == {"city": ("Berlin", "Potsdam")}  # the status is told by the steps only
    assert OpportunityEvent.objects.filter(opportunity=opportunity, action="edited").count() == 1


def test_steps_from_before_the_history_began_are_still_shown(opportunity, developer_a):
    """An opportunity made before the history existed: its old "created" and "edited" events are all there is."""
    opportunity.history.all().delete()
    before = timezone.now() - datetime.timedelta(days=3)
    for action in (OpportunityEvent.Action.CREATED, OpportunityEvent.Action.EDITED):
        event = OpportunityEvent.objects.create(
            opportunity=opportunity, actor=developer_a, action=action, to_status=Status.PUBLISHED
        )
        OpportunityEvent.objects.filter(pk=event.pk).update(created_at=before)
    opportunity_update(opportunity=opportunity, user=developer_a, data={"city": "Potsdam"}, m2m={})

    timeline = opportunity_timeline(opportunity)
    assert [entry.action for entry in timeline] == ["created", "edited", "changed"]
    assert "earlier values were not kept" in timeline[-1].note  # the first row has nothing before it


def test_a_deal_correction_keeps_the_old_value(deal, developer_a):
    url = f"/introductions/{deal.introduction.pk}/outcome/"
    response = as_user(developer_a).post(
        url,
        {
            "outcome": "won",
            "value": "8000",
            "currency": "EUR",
            "closed_on": deal.closed_on.isoformat(),
            "description": "Game only.",
        },
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.value == Decimal("8000.00")

    [correction] = [entry for entry in interest_timeline(deal.introduction.interest) if entry.subject == "Deal"][1:]
    assert changes(correction)["value"] == ("10000.00", "8000.00")
    assert changes(correction)["fee_amount"] == ("500.00", "400.00")
    assert correction.who == str(developer_a)
    page = as_user(developer_a).get(f"/interests/{deal.introduction.interest_id}/").content.decode()
    assert shown(page, "Deal value", "10000.00", "8000.00")


def test_two_disputes_are_both_visible(deal, developer_a, sme_owner, embassy_de):
    first, second = "The value was 8,000 EUR, not 10,000.", "Still wrong: 7,500 EUR."
    assert as_user(sme_owner).post(link(deal), {"action": "dispute", "note": first}).status_code == 302
    deal_resend_confirmation(deal=Deal.objects.get(pk=deal.pk), user=developer_a)
    assert as_user(sme_owner).post(link(deal), {"action": "dispute", "note": second}).status_code == 302
    deal.refresh_from_db()
    assert deal.dispute_note == second  # the row holds the latest; the history holds both

    notes = [changes(entry).get("dispute_note") for entry in interest_timeline(deal.introduction.interest)]
    assert ("—", first) in notes and (first, second) in notes
    for follower in (developer_a, embassy_de):
        page = as_user(follower).get(f"/interests/{deal.introduction.interest_id}/").content.decode()
        assert first in page and second in page
        assert f"Changed by {sme_owner}" in page


def link(deal: Deal) -> str:
    return f"/deals/confirm/{deal_confirmation_token(Deal.objects.get(pk=deal.pk))}/"


def test_the_company_and_other_labs_see_no_history_of_the_expression(deal, developer_a, sme_owner, developer_b):
    interest = deal.introduction.interest
    lab_page = as_user(developer_a).get(f"/interests/{interest.pk}/")
    assert [entry.subject for entry in lab_page.context["history"]] == [
        "Expression of interest",
        "Introduction",
        "Deal",
    ]
    assert 'id="history-title"' in lab_page.content.decode()
    company_page = as_user(sme_owner).get(f"/interests/{interest.pk}/")
    assert company_page.status_code == 200 and company_page.context["history"] == []
    assert 'id="history-title"' not in company_page.content.decode()
    assert as_user(developer_b).get(f"/interests/{interest.pk}/").status_code == 404


# --- Through the admin -----------------------------------------------------------------------------------


def admin_change(admin_user, obj):
    url = f"/admin/opportunities/{obj._meta.model_name}/{obj.pk}/change/"
    client = as_user(admin_user)
    response = client.get(url)
    assert response.status_code == 200
    return client, url, response


def test_an_admin_edit_goes_through_the_service(opportunity, admin_user):
    assert not MatchQueue.objects.filter(kind="opportunity", object_id=opportunity.pk).exists()
    client, url, page = admin_change(admin_user, opportunity)
    response = client.post(url, admin_post_data(page, title="Safe cycling to school", city="Potsdam"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    opportunity.refresh_from_db()
    assert (opportunity.title, opportunity.city) == ("Safe cycling to school", "Potsdam")
    assert MatchQueue.objects.filter(kind="opportunity", object_id=opportunity.pk).exists()  # recompute queued
    assert opportunity.events.get().action == "edited"  # the portal's record of an edit
    entry = history_of(opportunity)[-1]
    assert entry.who == str(admin_user)
    assert changes(entry) == {"title": ("Safe cycling", "Safe cycling to school"), "city": ("Berlin", "Potsdam")}
    assert client.get(f"/admin/opportunities/opportunity/{opportunity.pk}/history/").status_code == 200


def test_workflow_fields_posted_to_the_admin_are_ignored(opportunity, admin_user):
    published_at = opportunity.published_at
    client, url, page = admin_change(admin_user, opportunity)
    data = admin_post_data(
        page, status="draft", published_at="2020-01-01 10:00", featured_on_themes="on", created_by=str(admin_user.pk)
    )
    assert client.post(url, data).status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.published_at) == (Status.PUBLISHED, published_at)
    assert (opportunity.featured_on_themes, opportunity.created_by_id) == (False, opportunity.created_by_id)
    assert as_user(admin_user).get("/admin/opportunities/opportunity/add/").status_code == 403


def test_the_admin_shows_a_deal_and_changes_nothing(deal, admin_user):
    client = as_user(admin_user)
    description = deal.description
    url = f"/admin/opportunities/deal/{deal.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and page.context["adminform"].form.fields == {}  # every field read-only
    response = client.post(url, {"value": "1", "closed_on": "2020-01-01", "description": "x", "dispute_note": "x"})
    assert response.status_code == 403
    deal.refresh_from_db()
    assert (deal.value, deal.description, deal.dispute_note) == (Decimal("10000.00"), description, "")
    assert client.get(f"/admin/opportunities/deal/{deal.pk}/history/").status_code == 200


def test_an_old_version_cannot_be_restored_from_the_admin(opportunity, admin_user):
    opportunity_update(opportunity=opportunity, user=admin_user, data={"city": "Potsdam"}, m2m={})
    first = opportunity.history.order_by("history_id").first()
    client = as_user(admin_user)
    url = f"/admin/opportunities/opportunity/{opportunity.pk}/history/{first.history_id}/"
    assert client.get(url).status_code == 200  # an old version can be looked at
    assert client.post(url, {"title": "Restored", "city": "Berlin"}).status_code == 403
    opportunity.refresh_from_db()
    assert opportunity.city == "Potsdam"


def test_the_admin_leaves_the_answer_to_an_expression_to_the_lab(deal, admin_user):
    interest = deal.introduction.interest
    client, url, page = admin_change(admin_user, interest)
    data = admin_post_data(page, motivation="We did this in Utrecht.", state="withdrawn", reply="not_selected")
    assert client.post(url, data).status_code == 302
    interest.refresh_from_db()
    assert (interest.motivation, interest.state, interest.reply) == ("We did this in Utrecht.", "submitted", "")
    entry = history_of(interest)[-1]
    assert entry.who == str(admin_user) and set(changes(entry)) == {"motivation"}


def test_the_admin_corrects_a_client_contact_but_not_an_outcome(deal, admin_user):
    introduction = deal.introduction
    client, url, page = admin_change(admin_user, introduction)
    data = admin_post_data(page, client_contact_phone="+49 30 7654321", outcome="lost", outcome_note="Lost.")
    assert client.post(url, data).status_code == 302
    introduction.refresh_from_db()
    assert (introduction.client_contact_phone, introduction.outcome) == ("+49 30 7654321", Introduction.Outcome.WON)
    assert changes(history_of(introduction)[-1]) == {"client_contact_phone": ("+49 30 1234567", "+49 30 7654321")}


# --- Bounded ---------------------------------------------------------------------------------------------


def test_the_opportunity_page_does_not_query_per_history_entry(opportunity, developer_a, django_assert_max_num_queries):
    client = as_user(developer_a)
    client.get(opportunity.get_absolute_url())  # warm up: roles, session
    themes = list(Theme.objects.order_by("pk")[:4])
    numbers = itertools.count(1)

    def edit(times: int) -> None:
        for number in itertools.islice(numbers, times):
            opportunity_update(
                opportunity=opportunity,
                user=developer_a,
                data={"title": f"Safe cycling {number}", "fee_percentage": Decimal(number % 20)},
                m2m={"themes": themes[number % 4 : number % 4 + 1], "contacts": []},
            )

    edit(1)
    with django_assert_max_num_queries(60) as few:
        client.get(opportunity.get_absolute_url())
    edit(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(opportunity.get_absolute_url())
    assert len(response.context["history"]) == 1 + 9  # created, and each edit once


@pytest.mark.parametrize(
    "path",
    [
        "/admin/opportunities/opportunity/not-a-number/history/",
        "/admin/opportunities/opportunity/not-a-number/history/1/",
        "/admin/opportunities/opportunity/1/history/%E2%80%AE/",
    ],
)
def test_an_invalid_id_in_the_admin_history_is_a_404(opportunity, admin_user, path):
    assert as_user(admin_user).get(path).status_code == 404
