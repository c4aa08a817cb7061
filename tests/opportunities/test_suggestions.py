"""Storing suggestions: full and incremental recomputes, idempotence, decisions that survive."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from companies.models import Discipline
from labs.models import Theme
from opportunities.models import MatchQueue, Opportunity, Status, Suggestion
from opportunities.suggestions import FULL_LOCK_KEY, mark_company_dirty, recompute_entry, recompute_full
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def opportunity(lab, title, brief, disciplines=("serious-games",), themes=("mobility",)):
    created = Opportunity.objects.create(
        lab=lab,
        country=lab.country,
        title=title,
        summary=title,
        brief=brief,
        city=lab.city,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        fee_percentage=Decimal("5"),
        status=Status.PUBLISHED,
        published_at=timezone.now(),
    )
    created.required_disciplines.set(Discipline.objects.filter(slug__in=disciplines))
    created.themes.set(Theme.objects.filter(slug__in=themes))
    return created


def company(name, description, disciplines=("serious-games",), themes=("mobility",), **fields):
    created = CompanyFactory(name=name, description=description, **fields)
    created.disciplines.set(Discipline.objects.filter(slug__in=disciplines))
    created.themes.set(Theme.objects.filter(slug__in=themes))
    return created


@pytest.fixture
def world(lab_a):
    cycling = opportunity(lab_a, "Cycling safety for children", "A game that teaches children to cycle safely.")
    care = opportunity(
        lab_a,
        "Elderly care at home",
        "Services for older people living alone.",
        disciplines=("service-design",),
        themes=("elderly-care",),
    )
    quest = company("Quest Games", "Serious games about cycling safety for children.", presence_countries=["DE"])
    carers = company(
        "Care Design",
        "Service design for elderly care and people living alone.",
        disciplines=("service-design",),
        themes=("elderly-care",),
    )
    skin = company(
        "Glow Branding", "Skin-care branding for an anti-ageing range.", disciplines=("branding",), themes=()
    )
    return {"cycling": cycling, "care": care, "quest": quest, "carers": carers, "skin": skin}


def rows():
    return sorted(
        Suggestion.objects.values_list(
            "opportunity_id", "company_id", "score", "rank_for_opportunity", "rank_for_company", "parts"
        )
    )


def test_full_recompute_ranks_the_right_company_first(world):
    assert recompute_full() > 0
    best_for_cycling = Suggestion.objects.filter(opportunity=world["cycling"]).order_by("rank_for_opportunity").first()
    assert best_for_cycling.company == world["quest"]
    best_for_care = Suggestion.objects.filter(opportunity=world["care"]).order_by("rank_for_opportunity").first()
    assert best_for_care.company == world["carers"]
    for suggestion in Suggestion.objects.all():
        assert abs(sum(part["value"] for part in suggestion.parts) - suggestion.score) < 1e-5


def test_running_twice_leaves_the_same_rows(world):
    recompute_full()
    first = rows()
    recompute_full()
    assert [row[:5] for row in rows()] == [row[:5] for row in first]
    assert rows() == first


def test_decisions_survive_recomputes(world, developer_a):
    recompute_full()
    suggestion = Suggestion.objects.get(opportunity=world["cycling"], company=world["quest"])
    Suggestion.objects.filter(pk=suggestion.pk).update(
        decision=Suggestion.Decision.SHORTLISTED, decided_by=developer_a, decided_at=timezone.now()
    )
    recompute_full()
    suggestion.refresh_from_db()
    assert suggestion.decision == Suggestion.Decision.SHORTLISTED
    # The company stops being a fit at all: the decided row stays, out of the rankings.
    world["quest"].open_to_matching = False
    world["quest"].save()
    recompute_full()
    suggestion.refresh_from_db()
    assert suggestion.decision == Suggestion.Decision.SHORTLISTED
    assert suggestion.rank_for_opportunity is None
    assert not Suggestion.objects.filter(company=world["quest"], decision="").exists()


def test_closed_opportunities_and_opted_out_companies_get_no_suggestions(world):
    Opportunity.objects.filter(pk=world["care"].pk).update(status=Status.CLOSED_WON)
    world["skin"].open_to_matching = False
    world["skin"].save()
    recompute_full()
    assert not Suggestion.objects.filter(opportunity=world["care"]).exists()
    assert not Suggestion.objects.filter(company=world["skin"]).exists()


def test_changes_coalesce_into_one_queued_recompute(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        mark_company_dirty(world["quest"].pk)
        mark_company_dirty(world["quest"].pk)
        mark_company_dirty(world["quest"].pk)
    assert MatchQueue.objects.filter(kind="company", object_id=world["quest"].pk).count() == 1
    assert len(callbacks) == 1


def test_incremental_recompute_for_a_company(world):
    recompute_full()
    Suggestion.objects.all().delete()
    MatchQueue.objects.create(kind="company", object_id=world["carers"].pk, dirty_since=timezone.now())
    assert recompute_entry("company", world["carers"].pk) is True
    kept = Suggestion.objects.filter(company=world["carers"]).order_by("rank_for_company")
    assert kept.first().opportunity == world["care"]
    assert kept.first().rank_for_opportunity == 1
    assert not MatchQueue.objects.exists()
    # Run again (a redelivered task): nothing queued, nothing changes.
    before = rows()
    assert recompute_entry("company", world["carers"].pk) is False
    assert rows() == before


def test_incremental_recompute_for_an_opportunity(world):
    MatchQueue.objects.create(kind="opportunity", object_id=world["cycling"].pk, dirty_since=timezone.now())
    recompute_entry("opportunity", world["cycling"].pk)
    ranked = list(Suggestion.objects.filter(opportunity=world["cycling"]).order_by("rank_for_opportunity"))
    assert ranked[0].company == world["quest"]
    assert [s.rank_for_opportunity for s in ranked] == list(range(1, len(ranked) + 1))


def test_two_full_recomputes_never_overlap(world):
    cache.add(FULL_LOCK_KEY, "running", 60)
    try:
        assert recompute_full() == -1
        assert not Suggestion.objects.exists()
    finally:
        cache.delete(FULL_LOCK_KEY)


def test_saving_a_company_through_its_service_queues_and_recomputes(world, django_capture_on_commit_callbacks):
    from companies.services import portfolio_item_create

    with django_capture_on_commit_callbacks(execute=True):
        portfolio_item_create(
            company=world["skin"], data={"title": "Fietsveiligheid voor kinderen", "description": "Een fietsspel."}
        )
    assert not MatchQueue.objects.exists()  # recomputed in-process (embedded default)
    assert Suggestion.objects.filter(company=world["skin"]).exists()


def test_suggestions_on_the_opportunity_page_by_role(client, login, world, developer_a, embassy_de, sme_owner):
    recompute_full()
    path = f"/opportunities/{world['cycling'].pk}/"
    for user in (developer_a, embassy_de):
        page = login(user).get(path).content.decode()
        assert "Suggested companies" in page
        assert "Quest Games" in page
    assert "Suggested companies" not in login(sme_owner).get(path).content.decode()
    client.logout()
    assert "Suggested companies" not in client.get(path).content.decode()


def test_band_filter(login, world, developer_a):
    recompute_full()
    client = login(developer_a)
    path = f"/opportunities/{world['cycling'].pk}/"
    strong = Suggestion.objects.get(opportunity=world["cycling"], company=world["quest"])
    page = client.get(path, {"band": strong.band}).content.decode()
    assert "Quest Games" in page
    other = next(b for b in ("strong", "good", "possible") if b != strong.band)
    assert "Quest Games" not in client.get(path, {"band": other}).content.decode()


def test_opportunities_for_you_on_the_dashboard(login, world, django_assert_max_num_queries):
    from companies.models import Membership
    from tests.factories import UserFactory

    member = UserFactory(email="member@quest.example")
    Membership.objects.create(user=member, company=world["quest"], role="owner")
    recompute_full()
    client = login(member)
    with django_assert_max_num_queries(20):
        page = client.get("/company/").content.decode()
    assert "Cycling safety for children" in page
