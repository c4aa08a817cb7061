"""Storing suggestions: full and incremental recomputes, idempotence, decisions that survive."""

import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from companies.models import Discipline
from labs.models import Theme
from opportunities.matching import engine as engine_module
from opportunities.models import MatchQueue, Opportunity, Status, Suggestion
from opportunities.suggestions import corpus, incremental
from opportunities.suggestions.full import recompute_full
from opportunities.suggestions.incremental import recompute_entry
from opportunities.suggestions.queue import mark_company_dirty, recompute_waiting, recomputes_held, stale_queue_entries
from opportunities.suggestions.storage import postgres as postgres_storage
from tests.conftest import requires_postgres

from .factories import full_recompute_elsewhere, held_full_locks
from .factories import make_company as company
from .factories import make_opportunity as opportunity

pytestmark = pytest.mark.django_db


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


def test_held_recomputes_run_once_each_at_the_end_with_the_same_outcome(world, django_capture_on_commit_callbacks):
    """A bulk load (the demo) holds the recomputes: changes are queued, none is sent, and each company and
    opportunity waiting is recomputed once afterwards, from the data as it then stands."""
    from companies.services import portfolio_item_create

    recompute_full()
    before = set(Suggestion.objects.filter(company=world["skin"]).values_list("opportunity_id", flat=True))
    assert world["cycling"].pk not in before
    with recomputes_held(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        for title in ("Fietsveiligheid voor kinderen", "Fietsles op school"):
            portfolio_item_create(company=world["skin"], data={"title": title, "description": "Een fietsspel."})
        mark_company_dirty(world["quest"].pk)
    assert not callbacks  # nothing sent while held
    assert set(MatchQueue.objects.values_list("object_id", flat=True)) == {world["skin"].pk, world["quest"].pk}
    assert Suggestion.objects.filter(company=world["skin"]).count() == len(before)  # not recomputed yet
    assert recompute_waiting() == 2
    assert not MatchQueue.objects.exists()
    assert Suggestion.objects.filter(company=world["skin"], opportunity=world["cycling"]).exists()
    # Outside the hold, a change is sent again.
    with django_capture_on_commit_callbacks() as callbacks:
        mark_company_dirty(world["quest"].pk)
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
    MatchQueue.objects.create(kind="company", object_id=world["quest"].pk, dirty_since=timezone.now())
    with full_recompute_elsewhere():
        assert recompute_full() == -1
        # A change waits for after the running full recompute, which may have read the data before it.
        assert recompute_entry("company", world["quest"].pk) is True
        assert MatchQueue.objects.filter(object_id=world["quest"].pk).exists()
        assert not Suggestion.objects.exists()
    assert recompute_full() > 0
    assert held_full_locks() == 0


def test_a_change_that_needs_a_full_recompute_while_one_runs_stays_queued(world, monkeypatch):
    MatchQueue.objects.create(kind="company", object_id=world["quest"].pk, dirty_since=timezone.now())
    monkeypatch.setattr(incremental, "MAX_RESCORED_PAIRS", -1)  # every change reaches too far
    with full_recompute_elsewhere():
        # The other run starts between this one's check and its plan.
        monkeypatch.setattr(incremental, "full_recompute_running", lambda: False)
        assert recompute_entry("company", world["quest"].pk) is True
    assert MatchQueue.objects.filter(object_id=world["quest"].pk).exists()
    assert not Suggestion.objects.exists()


@requires_postgres
def test_a_full_recompute_killed_halfway_leaves_no_lock_behind(world):
    with full_recompute_elsewhere() as kill:
        assert recompute_full() == -1
        kill()  # the worker dies: its connection, and the lock with it
        assert recompute_full() > 0
    assert held_full_locks() == 0


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


# --- Storing: rows outside the tops, unchanged rows, the PostgreSQL paths --------------------------------


def assert_rankings_are_whole():
    """Every ranking on both sides runs 1..n without gaps, best score first (ties: lower id first)."""
    for owner, rank in (("opportunity_id", "rank_for_opportunity"), ("company_id", "rank_for_company")):
        other = "company_id" if owner == "opportunity_id" else "opportunity_id"
        rankings = {}
        for owner_id, position, score, other_id in Suggestion.objects.exclude(**{rank: None}).values_list(
            owner, rank, "score", other
        ):
            rankings.setdefault(owner_id, []).append((position, -score, other_id))
        for ranking in rankings.values():
            ranking.sort()
            assert [position for position, _score, _other in ranking] == list(range(1, len(ranking) + 1))
            assert [(score, other) for _p, score, other in ranking] == sorted((s, o) for _p, s, o in ranking)


def test_rows_outside_the_tops_go_unless_decided(world, lab_a, developer_a):
    closed = opportunity(lab_a, "An old brief", "Cycling safety for children, long ago.")
    Opportunity.objects.filter(pk=closed.pk).update(status=Status.CLOSED_WON)
    stale = {"score": 0.5, "parts": [], "engine_version": "0", "computed_at": timezone.now()}
    Suggestion.objects.create(opportunity=closed, company=world["quest"], rank_for_opportunity=1, **stale)
    decided = Suggestion.objects.create(
        opportunity=closed,
        company=world["carers"],
        rank_for_opportunity=2,
        rank_for_company=1,
        decision=Suggestion.Decision.DISMISSED,
        decided_by=developer_a,
        decided_at=timezone.now(),
        **stale,
    )
    recompute_full()
    assert not Suggestion.objects.filter(opportunity=closed, company=world["quest"]).exists()
    decided.refresh_from_db()
    assert decided.decision == Suggestion.Decision.DISMISSED and decided.decided_by == developer_a
    assert (decided.rank_for_opportunity, decided.rank_for_company) == (None, None)
    assert_rankings_are_whole()


def test_a_second_full_recompute_writes_nothing_that_has_not_changed(world):
    recompute_full()
    first = list(Suggestion.objects.order_by("pk").values_list("pk", "score", "parts", "computed_at"))
    recompute_full()
    assert list(Suggestion.objects.order_by("pk").values_list("pk", "score", "parts", "computed_at")) == first


def test_stored_parts_are_compact_and_add_up(world):
    recompute_full()
    for suggestion in Suggestion.objects.all():
        names = [part["name"] for part in suggestion.parts]
        assert "country" in names
        assert all(part["value"] > 0 for part in suggestion.parts if part["name"] != "country")
        assert abs(sum(part["value"] for part in suggestion.parts) - suggestion.score) < 1e-9
        text = next((part for part in suggestion.parts if part["name"] == "text"), None)
        if text is not None:
            assert set(text["detail"]) == {"source", "item", "terms"}


def test_an_incremental_recompute_keeps_every_ranking_whole(world, django_capture_on_commit_callbacks):
    from companies.services import company_update

    recompute_full()
    carers = world["carers"]
    with django_capture_on_commit_callbacks(execute=True):
        company_update(
            company=carers,
            data={
                "description": "Serious games that teach children cycling safety on the way to school.",
                "disciplines": list(Discipline.objects.filter(slug__in=["serious-games", "service-design"])),
                "themes": list(Theme.objects.filter(slug="mobility")),
            },
        )
    assert not MatchQueue.objects.exists()
    assert (
        Suggestion.objects.filter(opportunity=world["cycling"], company=carers)
        .exclude(rank_for_opportunity=None)
        .exists()
    )
    assert_rankings_are_whole()


def test_trusted_and_reread_rankings_give_the_same_rows(world, monkeypatch, django_capture_on_commit_callbacks):
    """The process trusts what it wrote last (the generation token in the cache is its own); when another
    process may have written, it reads the rankings again. Both ways, the same rows."""
    with django_capture_on_commit_callbacks(execute=True):
        recompute_full()
    reads = []
    real = corpus.last_ranked_from_database
    monkeypatch.setattr(corpus, "last_ranked_from_database", lambda: reads.append(1) or real())
    carers = world["carers"]
    carers.description = "Serious games that teach children cycling safety on the way to school."
    carers.save()
    MatchQueue.objects.create(kind="company", object_id=carers.pk, dirty_since=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert recompute_entry("company", carers.pk)
    assert reads == []  # trusted: nobody else wrote
    trusted = rows()
    cache.set(corpus.GENERATION_KEY, "another process wrote")
    MatchQueue.objects.create(kind="company", object_id=carers.pk, dirty_since=timezone.now())
    assert recompute_entry("company", carers.pk)
    assert reads == [1]
    assert rows() == trusted


@requires_postgres
def test_on_postgresql_a_second_full_recompute_finds_every_row_unchanged(world, lab_a):
    """The parts are stored and staged as canonical JSON text: a row that comes out the same compares equal
    and is not written, whatever its text holds."""
    from companies.models import PortfolioItem

    tricky = company("Lettres & Co", 'Branding "met" \\ backslashes, tabs\tand émigré café names.')
    PortfolioItem.objects.create(company=tricky, title='Fiets "veilig"\\ naar school\n', description="Fietsles.")
    first: dict = {}
    assert recompute_full(timings=first) > 0
    assert first["rows inserted"] == Suggestion.objects.count()
    second: dict = {}
    recompute_full(timings=second)
    assert (second["rows updated"], second["rows inserted"], second["rows deleted"]) == (0, 0, 0)


@requires_postgres
@pytest.mark.parametrize("someone_acted", [False, True], ids=["nobody acted", "one shortlisted"])
def test_on_postgresql_a_new_engine_version_rewrites_every_row(world, developer_a, monkeypatch, someone_acted):
    from opportunities.interests.services import suggestion_decide

    recompute_full()
    shortlisted = Suggestion.objects.get(opportunity=world["cycling"], company=world["quest"])
    if someone_acted:
        suggestion_decide(suggestion=shortlisted, user=developer_a, action="shortlist", note="Call them")
    before = rows()
    monkeypatch.setattr(engine_module, "ENGINE_VERSION", "test-next")
    timings: dict = {}
    recompute_full(timings=timings)
    assert (timings["rows updated"], timings["rows inserted"]) == (len(before), 0)
    assert set(Suggestion.objects.values_list("engine_version", flat=True)) == {"test-next"}
    assert rows() == before
    if someone_acted:
        kept = Suggestion.objects.get(pk=shortlisted.pk)
        assert (kept.decision, kept.decision_note) == ("shortlisted", "Call them")
        assert kept.actions.count() == 1


@requires_postgres
def test_on_postgresql_a_suggestion_added_by_hand_during_a_first_fill_survives(world, developer_a, monkeypatch):
    """Filling an empty table streams rows straight into it; a pair added meanwhile sends that chunk
    through the stage instead, and the person's decision stays."""
    real = postgres_storage._rendered
    added = []

    def rendered(computation, timings):
        for number, text in enumerate(real(computation, timings)):
            if number == 0:
                added.append(
                    Suggestion.objects.create(
                        opportunity=world["cycling"],
                        company=world["quest"],
                        score=0.1,
                        parts=[],
                        engine_version="manual",
                        computed_at=timezone.now(),
                        source=Suggestion.Source.MANUAL,
                        decision=Suggestion.Decision.SHORTLISTED,
                        decided_by=developer_a,
                    )
                )
            yield text

    monkeypatch.setattr(postgres_storage, "_rendered", rendered)
    assert recompute_full() > 0
    kept = Suggestion.objects.get(pk=added[0].pk)
    assert kept.decision == Suggestion.Decision.SHORTLISTED and kept.source == Suggestion.Source.MANUAL
    assert kept.rank_for_opportunity == 1  # and the engine's ranks and scores are in it
    assert_rankings_are_whole()


def test_a_change_that_reaches_too_far_runs_a_full_recompute(world, monkeypatch):
    recompute_full()
    Suggestion.objects.all().delete()
    monkeypatch.setattr(incremental, "MAX_RESCORED_PAIRS", -1)  # any change needs too much scored again
    MatchQueue.objects.create(kind="company", object_id=world["quest"].pk, dirty_since=timezone.now())
    assert recompute_entry("company", world["quest"].pk)
    assert not MatchQueue.objects.exists()
    full = rows()
    recompute_full()
    assert rows() == full


@pytest.mark.parametrize("recompute", ["full", "incremental"])
def test_a_cleared_decision_keeps_its_history_when_the_pair_leaves_the_top(world, developer_a, recompute):
    from opportunities.interests.services import suggestion_decide

    recompute_full()
    suggestion = Suggestion.objects.get(opportunity=world["cycling"], company=world["quest"])
    suggestion_decide(suggestion=suggestion, user=developer_a, action="shortlist", note="Made a school game")
    suggestion_decide(suggestion=suggestion, user=developer_a, action="clear")
    world["quest"].open_to_matching = False  # no longer in any ranking
    world["quest"].save()
    if recompute == "full":
        recompute_full()
    else:
        MatchQueue.objects.create(kind="company", object_id=world["quest"].pk, dirty_since=timezone.now())
        recompute_entry("company", world["quest"].pk)
    suggestion.refresh_from_db()
    assert (suggestion.decision, suggestion.rank_for_opportunity, suggestion.rank_for_company) == ("", None, None)
    assert [(a.action, a.note) for a in suggestion.actions.all()] == [
        ("shortlisted", "Made a school game"),
        ("cleared", ""),
    ]
    # The company's other rows, never acted on, are gone.
    assert list(Suggestion.objects.filter(company=world["quest"])) == [suggestion]


def test_a_change_whose_recompute_keeps_failing_is_tried_further_and_further_apart(world, monkeypatch, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC), tick=False)
    quest = world["quest"].pk
    MatchQueue.objects.create(kind="company", object_id=quest, dirty_since=timezone.now())

    def broken(*args, **kwargs):
        raise ValueError("an unreadable document")

    monkeypatch.setattr(incremental, "_plan", broken)
    waits = []
    for _attempt in range(11):
        with pytest.raises(ValueError, match="unreadable"):
            recompute_entry("company", quest)
        entry = MatchQueue.objects.get(object_id=quest)
        assert entry.last_error == "ValueError: an unreadable document"
        waits.append((entry.retry_after - timezone.now()) / datetime.timedelta(minutes=1))
        # The sweeper leaves it alone until its next try is due.
        time_machine.shift(entry.retry_after - timezone.now() - datetime.timedelta(seconds=1))
        assert not stale_queue_entries().exists()
        time_machine.shift(datetime.timedelta(seconds=2))
        assert list(stale_queue_entries()) == [entry]
    assert entry.attempts == 11
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360]  # minutes, at most six hours apart
    # The next change may mend it: tried again at once, as if for the first time.
    monkeypatch.undo()
    mark_company_dirty(quest)
    entry.refresh_from_db()
    assert (entry.attempts, entry.retry_after, entry.last_error) == (0, None, "")
    assert recompute_entry("company", quest) is True
    assert not MatchQueue.objects.exists()
    assert Suggestion.objects.filter(company_id=quest).exists()


def test_recompute_matches_command_runs_every_queued_change_and_reports_failures(world, monkeypatch):
    recompute_full()
    for key in ("quest", "carers"):
        MatchQueue.objects.create(
            kind="company", object_id=world[key].pk, dirty_since=timezone.now(), retry_after=timezone.now()
        )
    real_plan = incremental._plan

    def broken_for_quest(index, side, own_id):
        if own_id == world["quest"].pk:
            raise ValueError("an unreadable document")
        return real_plan(index, side, own_id)

    monkeypatch.setattr(incremental, "_plan", broken_for_quest)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 queued change"):
        call_command("recompute_matches", stdout=out, stderr=err)
    assert "Recomputed 1 queued change(s)." in out.getvalue()
    assert f"Recomputing company {world['quest'].pk} failed: ValueError: an unreadable document" in err.getvalue()
    assert list(MatchQueue.objects.values_list("object_id", "attempts")) == [(world["quest"].pk, 1)]

    out = io.StringIO()
    call_command("recompute_matches", "--full", stdout=out)
    assert re.fullmatch(r"Full recompute done: \d+ suggestions kept \(\d+\.\d s\)\.\n", out.getvalue())
    assert not MatchQueue.objects.exists()  # the full recompute covered the queued change


def test_recompute_matches_full_fails_when_another_full_recompute_holds_the_lock(world):
    out, err = io.StringIO(), io.StringIO()
    with full_recompute_elsewhere(), pytest.raises(CommandError, match="already running"):
        call_command("recompute_matches", "--full", stdout=out, stderr=err)
    assert out.getvalue() == ""
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("deleted", ["quest", "cycling"])
def test_rows_of_a_company_or_opportunity_deleted_during_a_full_recompute_are_not_stored(world, monkeypatch, deleted):
    real_index = engine_module.Engine.index
    pk = world[deleted].pk

    def index_then_delete(self, companies, opportunities):
        built = real_index(self, companies, opportunities)
        world[deleted].delete()  # after the read, before the write: nothing in the database stops the rows
        return built

    monkeypatch.setattr(engine_module.Engine, "index", index_then_delete)
    assert recompute_full() > 0
    field = "company_id" if deleted == "quest" else "opportunity_id"
    assert not Suggestion.objects.filter(**{field: pk}).exists()
    assert Suggestion.objects.exists()


@requires_postgres
def test_on_postgresql_a_new_engine_version_keeps_a_decided_pair_that_left_the_top(world, developer_a, monkeypatch):
    from opportunities.interests.services import suggestion_decide

    recompute_full()
    shortlisted = Suggestion.objects.get(opportunity=world["cycling"], company=world["quest"])
    suggestion_decide(suggestion=shortlisted, user=developer_a, action="shortlist")
    world["quest"].open_to_matching = False
    world["quest"].save()
    monkeypatch.setattr(engine_module, "ENGINE_VERSION", "test-next")
    recompute_full()
    shortlisted.refresh_from_db()
    assert (shortlisted.decision, shortlisted.rank_for_opportunity, shortlisted.rank_for_company) == (
        "shortlisted",
        None,
        None,
    )
    others = Suggestion.objects.exclude(pk=shortlisted.pk)
    assert others.exists() and not others.filter(company=world["quest"]).exists()
    assert set(others.values_list("engine_version", flat=True)) == {"test-next"}
    assert_rankings_are_whole()
