"""Nothing private leaks through the API, whatever the query or the key: one test per rule.

Each test plants the private thing with a marker no public field holds, then reads every page of
every endpoint (and the detail the private thing would have) as a visitor and with a partner key
whose scope covers the country, and looks for the marker in the raw answers.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from companies.models import PortfolioItem, Visibility
from opportunities.models import Status
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.opportunities.factories import DealFactory, InterestFactory, IntroductionFactory, OpportunityFactory

from .helpers import closed, ids, published

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# Every list, with the queries a partner might try to widen what they see.
LISTS = {
    "/api/v1/opportunities": [
        {},
        {"status": "published"},
        {"status": "expired"},
        {"q": "SECRET"},
        {"q": "draft"},
        {"deadline": "open"},
        {"ordering": "-updated_at"},
    ],
    "/api/v1/companies": [{}, {"q": "SECRET"}, {"q": "verborgen"}],
    "/api/v1/themes": [{}],
    "/api/v1/countries": [{}],
    "/api/v1/labs": [{}],
    "/api/v1/posts": [{}],
    "/api/v1/exchanges": [{}, {"when": "upcoming"}, {"when": "past"}],
    "/api/v1/networks": [{}, {"archived": "true"}],
}


def everything(api, *, key=None) -> str:
    """Every page of every list, with every trick, as one text."""
    texts = []
    for path, tricks in LISTS.items():
        for params in tricks:
            page = 1
            while True:
                response = api.get(path, key=key, page=page, page_size=100, **params)
                assert response.status_code == 200, (path, params, response.content)
                texts.append(response.content.decode())
                if not response.json()["next"]:
                    break
                page += 1
    return "\n".join(texts)


def readers(api, de_key):
    """A visitor, and a partner whose key's scope covers Germany."""
    return [None, de_key[1]]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.WITHDRAWN])
def test_unpublished_opportunities_are_never_read(api, lab_a, de_key, status):
    hidden = OpportunityFactory(lab=lab_a, status=status, title=f"SECRET {status} demand")
    published(lab_a, title="A public demand")
    for key in readers(api, de_key):
        text = everything(api, key=key)
        assert "A public demand" in text
        assert "SECRET" not in text
        assert api.get(f"/api/v1/opportunities/{hidden.pk}", key=key).status_code == 404


def test_closed_opportunities_only_with_a_key_whose_scope_covers_the_country(api, lab_a, lab_b, de_key, plain_key):
    german = closed(lab_a, Status.CLOSED_WON, days_ago=30, title="Closed German demand")
    chinese = closed(lab_b, Status.CLOSED_WON, days_ago=30, title="Closed Chinese demand")
    old = closed(lab_a, Status.EXPIRED, days_ago=400, title="Expired long ago")
    assert "Closed German demand" not in everything(api)
    assert "Closed German demand" not in everything(api, key=plain_key[1])
    with_scope = everything(api, key=de_key[1])
    assert "Closed German demand" in with_scope
    assert "Closed Chinese demand" not in with_scope and "Expired long ago" not in with_scope
    assert api.get(f"/api/v1/opportunities/{german.pk}").status_code == 404
    assert api.get(f"/api/v1/opportunities/{german.pk}", key=de_key[1]).status_code == 200
    assert api.get(f"/api/v1/opportunities/{chinese.pk}", key=de_key[1]).status_code == 404
    assert api.get(f"/api/v1/opportunities/{old.pk}", key=de_key[1]).status_code == 404


def test_the_client_is_named_only_when_public(api, lab_a, de_key):
    public = published(lab_a, client_name="Open Client GmbH", client_is_public=True)
    private = published(lab_a, client_name="SECRET Client GmbH", client_is_public=False)
    for key in readers(api, de_key):
        text = everything(api, key=key)
        assert "Open Client GmbH" in text and "SECRET" not in text
        assert api.json(f"/api/v1/opportunities/{private.pk}", key=key)["client_name"] is None
        assert api.json(f"/api/v1/opportunities/{public.pk}", key=key)["client_name"] == "Open Client GmbH"


def test_no_brief_fee_terms_or_contact_developers(api, lab_a, developer_a, de_key):
    opportunity = published(
        lab_a,
        brief="SECRET brief for logged-in companies",
        fee_note="SECRET fee note",
        fee_percentage=Decimal("7.25"),
        contacts=[developer_a.business_developer],
    )
    for key in readers(api, de_key):
        text = everything(api, key=key) + api.get(f"/api/v1/opportunities/{opportunity.pk}", key=key).content.decode()
        assert "SECRET" not in text
        assert "7.25" not in text and "fee" not in text
        assert developer_a.email not in text and developer_a.full_name not in text


def test_no_client_contacts_from_introductions(api, lab_a, de_key):
    opportunity = closed(lab_a, Status.CLOSED_WON, days_ago=10)
    interest = InterestFactory(opportunity=opportunity, contact_phone="+49 SECRET 555", motivation="SECRET motive")
    IntroductionFactory(
        interest=interest,
        client_contact_name="SECRET Contact",
        client_contact_email="secret.contact@client.example",
        client_contact_phone="+49 30 SECRET",
    )
    for key in readers(api, de_key):
        text = everything(api, key=key) + api.get(f"/api/v1/opportunities/{opportunity.pk}", key=key).content.decode()
        assert "SECRET" not in text and "secret.contact@client.example" not in text


def test_no_fees_or_their_recipients(api, lab_a, developer_a, de_key):
    opportunity = closed(lab_a, Status.CLOSED_WON, days_ago=10)
    company = CompanyFactory(name="Studio SECRET Winner", is_listed=False)
    introduction = IntroductionFactory(
        interest=InterestFactory(opportunity=opportunity, company=company), introduced_by=developer_a, outcome="won"
    )
    DealFactory(
        introduction=introduction,
        value=Decimal("98765.00"),
        fee_amount=Decimal("4938.25"),
        recorded_by=developer_a,
        description="SECRET deal",
    )
    for key in readers(api, de_key):
        text = everything(api, key=key) + api.get(f"/api/v1/opportunities/{opportunity.pk}", key=key).content.decode()
        assert "SECRET" not in text and "98765" not in text and "4938" not in text
        assert developer_a.email not in text


def test_only_public_portfolio_items(api, listed_company, de_key):
    for key in readers(api, de_key):
        text = everything(api, key=key) + api.get(f"/api/v1/companies/{listed_company.pk}", key=key).content.decode()
        assert "The public work." in text
        assert "The lab work." not in text and "The private work." not in text
    shown = api.json(f"/api/v1/companies/{listed_company.pk}")["portfolio"]
    assert [item["title"] for item in shown] == ["public work"]


def test_companies_that_did_not_opt_in_are_never_read(api, listed_company, unlisted_company, de_key):
    PortfolioItem.objects.create(
        company=unlisted_company,
        title="SECRET public work",
        description="Public, of a hidden company.",
        visibility=Visibility.PUBLIC,
    )
    for key in readers(api, de_key):
        text = everything(api, key=key)
        assert "Studio Openbaar" in text
        assert "Studio Verborgen" not in text and "SECRET" not in text
        assert api.get(f"/api/v1/companies/{unlisted_company.pk}", key=key).status_code == 404


def test_no_personal_data_of_people(api, lab_a, listed_company, developer_a, embassy_de, de_key):
    owner = MembershipFactory(
        company=listed_company, user=UserFactory(email="secret.owner@openbaar.example", full_name="Olga Owner")
    ).user
    published(lab_a, created_by=developer_a, contacts=[developer_a.business_developer])
    InterestFactory(
        opportunity=published(lab_a),
        company=listed_company,
        submitted_by=owner,
        contact=owner,
        contact_phone="+31 6 9999 0000",
    )
    people = [owner, developer_a, embassy_de]
    for key in readers(api, de_key):
        text = everything(api, key=key)
        for person in people:
            assert person.email not in text and person.full_name not in text
        assert EMAIL.search(text) is None
        assert "+31 6 9999 0000" not in text
        assert listed_company.kvk_number not in text


def test_a_status_filter_never_reaches_what_the_scope_does_not_cover(api, lab_a, de_key):
    draft = OpportunityFactory(lab=lab_a, status=Status.DRAFT)
    expired = closed(lab_a, Status.EXPIRED, days_ago=5)
    assert ids(api.json("/api/v1/opportunities", status="expired")) == []
    assert ids(api.json("/api/v1/opportunities", status="expired", key=de_key[1])) == [expired.pk]
    assert api.get("/api/v1/opportunities", status="draft", key=de_key[1]).status_code == 422
    assert draft.pk not in ids(api.json("/api/v1/opportunities", key=de_key[1]))


def test_a_published_opportunity_past_its_deadline_is_still_public_until_it_expires(api, lab_a):
    late = published(lab_a, deadline=timezone.localdate() - datetime.timedelta(days=2))
    row = api.json(f"/api/v1/opportunities/{late.pk}")
    assert row["status"] == "published" and row["is_open_for_interest"] is False
    assert late.pk not in ids(api.json("/api/v1/opportunities", deadline="open"))


def test_exchanges_show_no_draft_no_registration_and_no_link_to_join(api, lab_a, de_key, sme_owner):
    from exchanges.models import Exchange
    from exchanges.services import registration_create
    from tests.exchanges.factories import ExchangeFactory

    draft = ExchangeFactory(lab=lab_a, title_en="SECRET draft exchange", status=Exchange.Status.DRAFT)
    online = ExchangeFactory(
        lab=lab_a, title_en="A public webinar", is_online=True, online_url="https://meet.example/SECRET-room"
    )
    registration_create(user=sme_owner, exchange=online, participants=[sme_owner], motivation="SECRET motive")
    for key in readers(api, de_key):
        text = everything(api, key=key)
        assert "A public webinar" in text
        assert "SECRET" not in text and sme_owner.email not in text and sme_owner.full_name not in text
        assert api.get(f"/api/v1/exchanges/{draft.pk}", key=key).status_code == 404
