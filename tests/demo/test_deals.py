"""The demo from suggestion to deal: after `seed_demo` each role's interest and deal pages have something in them.

Seeding takes a while (placeholder images), so everything is checked after one double run.
"""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from opportunities.models import Deal, Interest, Introduction, Notification, Suggestion

pytestmark = pytest.mark.django_db

ANNA = "anna.berlin@demo.creativelabs.example"
MARIA = "maria.newyork@demo.creativelabs.example"
SME_OWNER = "sme.owner@demo.creativelabs.example"


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", "--allow-production")
    counts = (Interest.objects.count(), Introduction.objects.count(), Deal.objects.count())
    call_command("seed_demo", "--allow-production")
    return counts


def test_the_story_is_complete_idempotent_silent_and_shown_to_each_role(seeded, client):
    # Seeding again adds nothing.
    assert seeded == (Interest.objects.count(), Introduction.objects.count(), Deal.objects.count())
    # Every decision, every reply, every outcome and every deal state is there.
    assert set(Suggestion.objects.exclude(decision="").values_list("decision", flat=True)) == {
        "shortlisted",
        "dismissed",
        "invited",
        "introduced",
    }
    assert {Interest.State.SUBMITTED, Interest.State.ANSWERED} <= set(Interest.objects.values_list("state", flat=True))
    assert {"won", "lost"} <= set(Introduction.objects.values_list("outcome", flat=True))
    assert set(Deal.objects.values_list("state", flat=True)) == set(Deal.State.values)
    assert set(Deal.objects.values_list("currency", flat=True)) == {"EUR", "USD", "CNY"}
    # Fees come from the accepted percentage, in exact decimals.
    for deal in Deal.objects.select_related("introduction__interest"):
        assert deal.fee_percentage == deal.introduction.interest.accepted_fee_percentage
        assert deal.fee_amount == (deal.value * deal.fee_percentage / 100).quantize(deal.value)
    # Their history is dated like the story: sent when the expression was, the deal when it was recorded.
    for interest in Interest.objects.all():
        assert interest.history.order_by("history_id").first().history_date == interest.created_at
    for deal in Deal.objects.all():
        assert deal.history.order_by("history_id").first().history_date == deal.created_at
    # The demo tells its story in the app only.
    assert mail.outbox == []
    assert not Notification.objects.filter(emailed_at=None).exists()

    anna = User.objects.get(email=ANNA)
    client.force_login(anna)
    workspace = client.get(reverse("opportunities:lab_workspace"))
    assert workspace.status_code == 200
    assert "Northbeam XR" in workspace.text  # the expression waiting (overdue) for Anna's answer
    overview = client.get(reverse("opportunities:deal_overview"))
    assert "Stroomlijn Datastudio" in overview.text and "Fernweh Exhibitions" in overview.text
    assert "Studio Fietsveilig" not in overview.text  # its deal is New York's, not Berlin's
    client.force_login(User.objects.get(email=MARIA))
    overview = client.get(reverse("opportunities:deal_overview"))
    assert "Hollow Reed Audio" in overview.text and "Stroomlijn Datastudio" not in overview.text

    client.force_login(User.objects.get(email=SME_OWNER))
    mine = client.get(reverse("opportunities:my_opportunities"))
    assert mine.status_code == 200
    text = mine.text
    assert "Safe cycling to school" in text  # Anna's invitation
    assert "Childhood obesity prevention campaign" in text  # introduced, won, waiting for confirmation
    assert "35,000.00" in text or "35000.00" in text or "35.000,00" in text
