"""Explanations name disciplines and themes as staff call them now: a rename shows on the next page."""

import pytest
from django.utils import timezone

from companies.models import Membership
from labs.models import Theme
from opportunities.models import Status, Suggestion
from tests.factories import UserFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

PARTS = [
    {"name": "themes", "value": 0.1, "detail": {"matched": ["mobility"]}},
    {"name": "required", "value": 0.3, "detail": {"matched": ["serious-games", "no-longer-a-discipline"]}},
]


@pytest.fixture
def member_with_a_suggestion(lab_a, company):
    member = UserFactory(email="member@studio.example")
    Membership.objects.create(user=member, company=company, role="owner")
    opportunity = OpportunityFactory(lab=lab_a, status=Status.PUBLISHED, title="Cycling safety for children")
    Suggestion.objects.create(
        opportunity=opportunity,
        company=company,
        score=0.6,
        rank_for_company=1,
        parts=PARTS,
        computed_at=timezone.now(),
    )
    return member


def test_a_renamed_theme_shows_its_new_name_at_once(login, member_with_a_suggestion):
    client = login(member_with_a_suggestion)
    theme = Theme.objects.get(slug="mobility")
    assert f"Works on {theme.name_en}." in client.get("/company/").content.decode()

    theme.name_en = "Getting around town"
    theme.save()
    page = client.get("/company/").content.decode()
    assert "Works on Getting around town." in page
    # An unknown slug is shown as written, never an error.
    assert "no longer a discipline" in page
