"""match_bench: its synthetic data and the benchmark itself, at a tiny size (PostgreSQL only; no timings
are asserted)."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from companies.models import Company, PortfolioItem, Visibility
from labs.models import Country
from opportunities.matching.text import detect_language
from opportunities.models import MatchQueue, Opportunity, Status, Suggestion
from opportunities.suggestions.bench import synthetic
from opportunities.suggestions.bench.database import bench_data_present, generate
from opportunities.suggestions.bench.words import WORDS
from tests.conftest import requires_postgres
from tests.factories import CompanyFactory

# COPY, VACUUM and TRUNCATE need the real database, outside a test transaction; the data migrations'
# rows (countries, disciplines, themes) come back afterwards.
bench_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.skipif(settings.USING_POSTGRES, reason="checks the refusal on a database other than PostgreSQL")
@pytest.mark.django_db
def test_it_refuses_a_database_other_than_postgresql():
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("match_bench", companies=50, opportunities=10)


@requires_postgres
@bench_db
def test_the_generator_writes_topical_mixed_language_data_and_reuses_it():
    counts = generate(50, 10, seed=3)
    assert counts["companies"] == Company.objects.count() == 50
    assert counts["opportunities"] == Opportunity.objects.count() == 10
    assert 100 <= PortfolioItem.objects.count() <= 200  # about three portfolio items each
    languages = {detect_language(text) for text in Company.objects.values_list("description", flat=True)}
    assert {"en", "nl"} <= languages
    focus = set(Country.objects.focus().values_list("code", flat=True))
    assert set(Opportunity.objects.values_list("country_id", flat=True)) <= focus
    assert Company.objects.filter(disciplines__isnull=False).distinct().count() == 50
    assert bench_data_present(50, 10, 3)
    assert not bench_data_present(50, 10, 4)
    assert not bench_data_present(60, 10, 3)
    # The same seed writes the same data.
    first = sorted(Company.objects.values_list("slug", "pitch"))
    generate(50, 10, seed=3)
    assert sorted(Company.objects.values_list("slug", "pitch")) == first


@requires_postgres
@bench_db
def test_the_generator_refuses_a_database_with_other_data():
    CompanyFactory(name="A real company")
    with pytest.raises(CommandError, match="database of its own"):
        generate(50, 10, seed=3)
    assert Company.objects.count() == 1


@requires_postgres
@bench_db
def test_the_benchmark_runs_at_a_tiny_size():
    out = io.StringIO()
    call_command("match_bench", companies=50, opportunities=10, changes=4, seed=3, stdout=out)
    report = out.getvalue()
    for line in (
        "Generated in",
        "Full recompute 1",
        "Full recompute 2",
        "twice: the same rows",
        "(b) the bare sparse product",
        "run 2: total / (a + b + c)",
        "Incremental: 4 changes",
        "a fresh worker process",
    ):
        assert line in report, report
    assert Suggestion.objects.exists()
    assert not MatchQueue.objects.exists()
    # A second run reuses the data and finds it as the first one left it (its changes are put back).
    out = io.StringIO()
    call_command("match_bench", companies=50, opportunities=10, changes=2, seed=3, skip_floors=True, stdout=out)
    assert "Reusing the data" in out.getvalue()


def test_the_word_lists_are_data_and_the_choices_are_the_models():
    assert set(WORDS.en) == set(WORDS.nl) == {"pitch", "sentences", "item_title", "item", "title", "summary", "brief"}
    assert set(WORDS.cities) >= {"DE", "CN", "US"}
    assert set(synthetic.VISIBILITIES) == set(Visibility.values)
    choices = (synthetic.PUBLISHED, synthetic.DRAFT, synthetic.SUBMITTED, synthetic.CLOSED_WON, synthetic.EXPIRED)
    assert set(choices) <= set(Status.values)


@requires_postgres
@bench_db
def test_the_benchmark_without_changes_says_so():
    out = io.StringIO()
    call_command("match_bench", companies=30, opportunities=6, changes=0, seed=5, skip_floors=True, stdout=out)
    report = out.getvalue()
    assert "twice: the same rows" in report
    assert "Incremental: no changes measured" in report
    assert "a fresh worker process" in report
