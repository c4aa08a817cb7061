"""Lab partner companies: an admin links them to a Lab for a period; while current, their members post and
manage their own opportunities for the Lab like a business developer, the embassy reviews them, and the fee of
a deal on them is recorded to the partner company."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from labs.models import LabPartner
from opportunities.deals.services import introduction_record_outcome
from opportunities.models import Opportunity, Status
from tests.factories import LabFactory
from tests.opportunities.factories import InterestFactory, IntroductionFactory, OpportunityFactory
from tests.opportunities.test_views import form_data

pytestmark = pytest.mark.django_db


def test_a_partner_member_posts_a_draft_for_the_partner_lab_only(login, partner_member, lab_a, lab_b, lab_partner_a):
    client = login(partner_member)
    page = client.get("/opportunities/new/").content.decode()
    assert lab_a.name in page and lab_b.name not in page
    response = client.post("/opportunities/new/", form_data(lab_a))
    opportunity = Opportunity.objects.get(title="Healthy school playgrounds")
    assert response.status_code == 302 and response["Location"] == opportunity.get_absolute_url()
    assert opportunity.partner == lab_partner_a and opportunity.status == Status.DRAFT
    assert opportunity.created_by == partner_member

    # Another Lab is refused with a field error, and nothing typed is lost.
    refused = client.post("/opportunities/new/", {**form_data(lab_b), "title": "Elsewhere"})
    assert refused.status_code == 200 and "lab" in refused.context["form"].errors
    assert 'value="Elsewhere"' in refused.content.decode()
    assert not Opportunity.objects.filter(title="Elsewhere").exists()


def test_a_partner_submits_and_the_embassy_reviews(login, partner_member, embassy_de, lab_partner_a):
    draft = OpportunityFactory(lab=lab_partner_a.lab, partner=lab_partner_a, created_by=partner_member)
    assert login(partner_member).post(f"/opportunities/{draft.pk}/steps/submit/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    # The partner can't publish it itself; the embassy of the country can.
    login(partner_member).post(f"/opportunities/{draft.pk}/steps/publish/")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    login(embassy_de).post(f"/opportunities/{draft.pk}/steps/publish/")
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_a_partner_cant_edit_the_labs_other_opportunities(login, partner_member, opportunity):
    assert login(partner_member).get(f"/opportunities/{opportunity.pk}/edit/").status_code == 404


def test_an_ended_partnership_can_no_longer_post(login, expired_partner_member):
    assert login(expired_partner_member).get("/opportunities/new/").status_code == 403


def _won(opportunity, user):
    interest = InterestFactory(opportunity=opportunity)
    introduction = IntroductionFactory(interest=interest, introduced_by=user)
    return introduction_record_outcome(
        introduction=introduction,
        user=user,
        outcome="won",
        value="20000.00",
        currency="EUR",
        closed_on=timezone.localdate(),
        description="Playground designs.",
    )


def test_the_fee_of_a_deal_on_a_partners_opportunity_goes_to_the_partner(
    login, partner_member, developer_a, lab_partner_a, partner_company
):
    own = OpportunityFactory(lab=lab_partner_a.lab, partner=lab_partner_a, status=Status.PUBLISHED)
    labs = OpportunityFactory(lab=lab_partner_a.lab, status=Status.PUBLISHED)
    partner_deal = _won(own, partner_member)
    lab_deal = _won(labs, developer_a)
    assert partner_deal.fee_recipient == partner_company and partner_deal.fee_recipient_name == "Brandwerk Berlin"
    assert partner_deal.fee_amount == Decimal("1000.00")
    assert lab_deal.fee_recipient is None and lab_deal.fee_recipient_name == ""

    # The partner's overview holds its own deal only; the Lab's developer sees both, with who earns the fee.
    partner_page = login(partner_member).get("/deals/")
    assert [d.pk for d in partner_page.context["deals"]] == [partner_deal.pk]
    page = login(developer_a).get("/deals/").content.decode()
    assert "Brandwerk Berlin" in page and "Lab partner" in page

    rows = list(csv.reader(io.StringIO(login(developer_a).get("/deals/export.csv").content.decode("utf-8"))))
    header, *body = rows
    recipients = {row[0]: row[header.index("fee_recipient")] for row in body}
    assert recipients == {str(partner_deal.pk): "Brandwerk Berlin", str(lab_deal.pk): lab_partner_a.lab.name}


def test_a_partner_records_no_deal_on_the_labs_other_opportunities(partner_member, lab_a):
    from opportunities.deals.services import DealError

    with pytest.raises(DealError):
        _won(OpportunityFactory(lab=lab_a, status=Status.PUBLISHED), partner_member)


def test_the_lab_page_shows_its_current_partners(client, lab_partner_a, expired_partner_member, lab_a):
    page = client.get(lab_a.get_absolute_url()).content.decode()
    partners = page[page.index('id="partners-title"') : page.index('id="companies-title"')]
    assert "Partners of this Lab" in partners and "Brandwerk Berlin" in partners
    assert "Oud Partner" not in partners  # the partnership has ended


def test_the_period_is_checked_by_the_database(lab_a, partner_company):
    from django.db import IntegrityError, transaction

    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        LabPartner.objects.create(
            lab=lab_a, company=partner_company, starts_on=today, ends_on=today - datetime.timedelta(days=1)
        )


def test_a_partner_of_two_labs_posts_for_both(login, partner_member, lab_partner_a, partner_company, germany):
    second = LabFactory(country=germany, name="Creative Lab Munich", slug="lab-munich", city="Munich")
    LabPartner.objects.create(lab=second, company=partner_company, starts_on=timezone.localdate())
    partner_member._roles = None
    login(partner_member).post("/opportunities/new/", form_data(second, title="Munich brief"))
    made = Opportunity.objects.get(title="Munich brief")
    assert made.lab == second and made.partner.lab == second
