"""Long lists a page at a time, with the pager the Lab workspace uses: an opportunity's suggestions and the
notifications list."""

import pytest
from django.utils import timezone

from opportunities.models import Notification, Suggestion
from opportunities.workflow.views import SUGGESTIONS_PAGE_SIZE
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def _suggestions(opportunity, count):
    now = timezone.now()
    for rank in range(1, count + 1):
        Suggestion.objects.create(
            opportunity=opportunity,
            company=CompanyFactory(name=f"Studio {rank:02d}"),
            score=0.9 - rank / 1000,  # all of one fit
            rank_for_opportunity=rank,
            engine_version="1",
            computed_at=now,
        )


def test_an_opportunitys_suggestions_come_a_page_at_a_time(login, developer_a, opportunity):
    _suggestions(opportunity, 2 * SUGGESTIONS_PAGE_SIZE + 3)
    client = login(developer_a)
    first = client.get(opportunity.get_absolute_url())
    assert len(first.context["suggestions"]) == SUGGESTIONS_PAGE_SIZE
    assert "Page 1 of 3" in first.content.decode() and "page=2" in first.content.decode()
    last = client.get(opportunity.get_absolute_url(), {"page": 3})
    assert len(last.context["suggestions"]) == 3
    # Every suggestion is on exactly one page.
    seen = [
        s.pk
        for page in (1, 2, 3)
        for s in client.get(opportunity.get_absolute_url(), {"page": page}).context["suggestions"]
    ]
    assert sorted(seen) == sorted(Suggestion.objects.filter(opportunity=opportunity).values_list("pk", flat=True))
    # The fit filter stays in the pager's links; a page past the end or not a number shows the nearest page.
    band = Suggestion.objects.filter(opportunity=opportunity).first().band
    filtered = client.get(opportunity.get_absolute_url(), {"band": band}).content.decode()
    assert f"band={band}&amp;page=2" in filtered
    assert client.get(opportunity.get_absolute_url(), {"page": "99"}).context["page"].number == 3
    assert client.get(opportunity.get_absolute_url(), {"page": "x"}).context["page"].number == 1


def test_the_notifications_come_a_page_at_a_time(login, sme_owner, opportunity):
    Notification.objects.bulk_create(
        Notification(user=sme_owner, kind="match", opportunity=opportunity, message=f"Note {n}") for n in range(25)
    )
    client = login(sme_owner)
    first = client.get("/notifications/")
    assert len(first.context["notifications"]) == 20 and "Page 1 of 2" in first.content.decode()
    assert len(client.get("/notifications/", {"page": 2}).context["notifications"]) == 5
