"""The demo opportunities: about fifteen across the three countries, every workflow state, real history, idempotent.

Seeding the whole demo takes a few seconds (placeholder images), so everything is checked after one double run.
"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.opportunities import OPPORTUNITIES, PAST
from demo.partners import PARTNERS
from opportunities.models import Opportunity, OpportunityEvent, Status

pytestmark = pytest.mark.django_db


def test_seeding_twice_gives_about_fifteen_current_opportunities_in_every_state(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", "--allow-production")
    first = capsys.readouterr().out
    counts = (Opportunity.objects.count(), OpportunityEvent.objects.count())
    call_command("seed_demo", "--allow-production")
    second = capsys.readouterr().out

    # idempotent: the second run creates nothing and records no history
    assert (Opportunity.objects.count(), OpportunityEvent.objects.count()) == counts
    # The Lab partner's own opportunity is seeded in a later step than the line that counts them.
    before_partners = counts[0] - len(PARTNERS)
    assert f"Opportunities: {before_partners} in the database ({before_partners} new)" in first
    assert f"Opportunities: {counts[0]} in the database (0 new)" in second

    opportunities = list(Opportunity.objects.select_related("lab").prefetch_related("events", "contacts", "themes"))
    # about fifteen of the last weeks, and the programme's past two years (tests/demo/test_history.py)
    assert 13 <= len(OPPORTUNITIES) <= 18
    assert len(opportunities) == len(OPPORTUNITIES) + len(PAST) + len(PARTNERS)
    # the Lab partner's own one, recorded to its partnership and published by the embassy
    for spec in PARTNERS:
        own = Opportunity.objects.get(title=spec["opportunity"]["title"])
        assert own.partner.company.slug == spec["company"]["slug"] and own.status == Status.PUBLISHED
        assert own.created_by.membership.company == own.partner.company
    current = [o for o in opportunities if o.title in {spec["title"] for spec in OPPORTUNITIES}]
    assert len(current) == len(OPPORTUNITIES)
    assert {o.status for o in current} == set(Status.values)
    assert len({o.title for o in opportunities}) == len(opportunities)
    statuses = [o.status for o in opportunities]
    assert set(statuses) == set(Status.values)
    assert 6 <= statuses.count(Status.PUBLISHED) <= 10
    assert {o.country_id for o in opportunities} == {"DE", "CN", "US"}
    assert {o.currency for o in opportunities} == {"EUR", "USD", "CNY"}
    assert any(not o.client_is_public for o in opportunities) and any(o.client_is_public for o in opportunities)

    today = timezone.localdate()
    for o in opportunities:
        assert len(o.summary) <= 300 and o.brief.count(". ") >= 2, o.title
        assert o.themes.all() and o.contacts.all() and o.languages and o.city, o.title
        assert o.fee_note and 0 <= o.fee_percentage <= 25, o.title
        events = list(o.events.all())
        assert events[0].action == OpportunityEvent.Action.CREATED, o.title
        assert events[-1].to_status == o.status, o.title
        assert [e.created_at for e in events] == sorted(e.created_at for e in events), o.title
        # the history of changes tells the same story at the same moments: created at the start, the last
        # change of status with the last step
        rows = list(o.history.order_by("history_id"))
        assert rows[0].history_type == "+" and rows[0].history_date == events[0].created_at, o.title
        assert rows[-1].history_date == events[-1].created_at and rows[-1].status == o.status, o.title
        assert [r.history_date for r in rows] == sorted(r.history_date for r in rows), o.title
        if o.status == Status.PUBLISHED:
            assert o.deadline > today and o.published_at, o.title
        if o.status in (Status.EXPIRED, Status.CLOSED_WON, Status.CLOSED_NOT_WON):
            assert o.deadline < today, o.title
    published = [o for o in opportunities if o.status == Status.PUBLISHED]
    assert any(o.deadline <= today + datetime.timedelta(days=14) for o in published)
    assert any(o.fee_percentage == o.lab.default_fee_percentage for o in opportunities)

    # reasons are recorded with the steps that need them, by the right people
    for action in (OpportunityEvent.Action.REJECTED, OpportunityEvent.Action.SENT_BACK):
        event = OpportunityEvent.objects.select_related("actor__embassy_staff").get(action=action)
        assert event.note and event.actor.embassy_staff, action
    for expired in OpportunityEvent.objects.filter(action=OpportunityEvent.Action.EXPIRED):
        assert expired.actor is None and expired.from_status == Status.PUBLISHED
