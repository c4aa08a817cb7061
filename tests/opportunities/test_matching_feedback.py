"""While a recompute is queued, the company dashboard and the opportunity's page say that suggestions are
being updated and poll that part (htmx, every 2 s) until it is done; a plain link does it without
JavaScript, and the empty state tells the truth."""

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities.models import MatchQueue, Suggestion
from opportunities.suggestions.queue import mark_company_dirty

pytestmark = pytest.mark.django_db

POLL = 'hx-trigger="every 2s"'
UPDATING = "being updated"
NO_FIT = "When business developers post one that does"


def queued(kind, object_id, attempts=0):
    return MatchQueue.objects.create(kind=kind, object_id=object_id, dirty_since=timezone.now(), attempts=attempts)


def test_the_dashboard_says_it_is_updating_and_polls(login, sme_owner, company):
    queued(MatchQueue.Kind.COMPANY, company.pk)
    body = login(sme_owner).get(reverse("companies:dashboard")).content.decode()
    assert UPDATING in body and POLL in body
    assert f'hx-get="{reverse("companies:dashboard_suggestions")}"' in body
    assert f'href="{reverse("companies:dashboard")}"' in body  # the plain link
    assert NO_FIT not in body  # the empty state does not say to wait for new posts


def test_a_change_to_the_profile_makes_the_dashboard_say_so(
    login, sme_owner, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        mark_company_dirty(company.pk)  # what company_update does in its transaction
    assert UPDATING in login(sme_owner).get(reverse("companies:dashboard")).content.decode()


def test_the_fragment_stops_polling_when_done_and_shows_the_suggestions(login, sme_owner, company, opportunity):
    client = login(sme_owner)
    queued(MatchQueue.Kind.COMPANY, company.pk)
    assert POLL in client.get(reverse("companies:dashboard_suggestions")).content.decode()
    MatchQueue.objects.all().delete()
    Suggestion.objects.create(
        opportunity=opportunity,
        company=company,
        score=0.7,
        rank_for_company=1,
        rank_for_opportunity=1,
        parts=[],
        engine_version="test",
        computed_at=timezone.now(),
    )
    body = client.get(reverse("companies:dashboard_suggestions")).content.decode()
    assert POLL not in body and UPDATING not in body and opportunity.title in body


def test_nothing_queued_and_nothing_found_says_so(login, sme_owner):
    body = login(sme_owner).get(reverse("companies:dashboard")).content.decode()
    assert NO_FIT in body and POLL not in body


def test_recomputes_that_keep_failing_stop_the_polling(login, sme_owner, company):
    queued(MatchQueue.Kind.COMPANY, company.pk, attempts=3)
    body = login(sme_owner).get(reverse("companies:dashboard")).content.decode()
    assert "takes longer than usual" in body and POLL not in body


def test_the_opportunity_page_polls_its_suggestions_while_updating(login, developer_a, opportunity):
    client = login(developer_a)
    queued(MatchQueue.Kind.OPPORTUNITY, opportunity.pk)
    body = client.get(reverse("opportunities:detail", args=[opportunity.pk])).content.decode()
    assert "being updated" in body and POLL in body and "being computed" in body
    body = client.get(reverse("opportunities:detail", args=[opportunity.pk]), {"band": "strong"}).content.decode()
    assert f'hx-get="{reverse("opportunities:suggestions", args=[opportunity.pk])}?band=strong"' in body
    MatchQueue.objects.all().delete()
    fragment = client.get(reverse("opportunities:suggestions", args=[opportunity.pk])).content.decode()
    assert POLL not in fragment and "They appear shortly after the opportunity is published" in fragment


def test_the_suggestions_part_is_for_who_may_see_suggestions(login, sme_owner, opportunity):
    assert login(sme_owner).get(reverse("opportunities:suggestions", args=[opportunity.pk])).status_code == 403
