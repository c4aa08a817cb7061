"""The storage contract: the PostgreSQL storage (COPY and merge) and the ORM storage store the same rows for
the same computation — a first fill, a second full store with changes, and an incremental plan."""

import json

import pytest
from django.db import transaction

from opportunities.matching import engine as engine_module
from opportunities.models import Suggestion
from opportunities.suggestions.storage.orm import OrmStorage
from opportunities.suggestions.storage.postgres import PostgresStorage
from tests.conftest import requires_postgres

from .factories import make_company as company
from .factories import make_opportunity as opportunity

pytestmark = pytest.mark.django_db

STORAGES = [
    pytest.param(OrmStorage, id="orm"),
    pytest.param(PostgresStorage, id="postgres", marks=[pytest.mark.postgres, requires_postgres]),
]


class Computation:
    """A full computation as the engine hands it to storage: `len()` and `stored(start, stop)`."""

    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def stored(self, start=0, stop=None):
        return self.rows[start:stop]


def parts(value: float) -> str:
    """Canonical parts text, with characters COPY must carry through (a backslash, a tab, a quote)."""
    detail = {"terms": ["fiets\\veilig", "tab\there", 'say "hi"']}
    return json.dumps([{"name": "text", "value": value, "detail": detail}], separators=(",", ":"), sort_keys=True)


def stored():
    found = Suggestion.objects.values_list(
        "opportunity_id", "company_id", "score", "rank_for_opportunity", "rank_for_company", "parts", "decision"
    )
    return sorted(found)


def expected(*rows):
    """(o, c, score, rank_o, rank_c, decision) rows as `stored()` reads them."""
    return sorted(
        (o, c, score, rank_o, rank_c, json.loads(parts(score)), decision)
        for o, c, score, rank_o, rank_c, decision in rows
    )


@pytest.fixture
def pairs(lab_a):
    o1 = opportunity(lab_a, "Cycling safety", "A game for children.").pk
    o2 = opportunity(lab_a, "Elderly care", "Care at home.").pk
    c1, c2, c3 = (company(name, "A studio.").pk for name in ("One", "Two", "Three"))
    return o1, o2, c1, c2, c3


@pytest.mark.parametrize("storage_class", STORAGES)
def test_both_storages_store_the_same_rows(pairs, storage_class):
    o1, o2, c1, c2, c3 = pairs
    storage = storage_class()

    # A first fill, into an empty table.
    first = [(o1, c1, 0.9, 1, 1), (o1, c2, 0.8, 2, 1), (o2, c1, 0.7, 1, 2), (o2, c3, 0.6, 2, 1)]
    with transaction.atomic():
        storage.store_full(Computation([(*row, parts(row[2])) for row in first]), {})
    assert stored() == expected(*(row + ("",) for row in first))
    assert set(Suggestion.objects.values_list("engine_version", flat=True)) == {engine_module.ENGINE_VERSION}
    Suggestion.objects.filter(opportunity_id=o2, company_id=c3).update(decision=Suggestion.Decision.SHORTLISTED)
    unchanged = Suggestion.objects.get(opportunity_id=o1, company_id=c2)

    # A second full store: one row changes, one stays the same, two are new, two fall out (one decided).
    second = [(o1, c1, 0.95, 1, 1), (o1, c2, 0.8, 2, 1), (o1, c3, 0.5, 3, 2), (o2, c2, 0.4, 1, 2)]
    with transaction.atomic():
        storage.store_full(Computation([(*row, parts(row[2])) for row in second]), {})
    assert stored() == expected(
        *(row + ("",) for row in second),
        (o2, c3, 0.6, None, None, "shortlisted"),  # decided: kept, out of the rankings
    )  # (o2, c1), undecided, is gone
    kept = Suggestion.objects.get(pk=unchanged.pk)
    assert kept.computed_at == unchanged.computed_at  # the same row is not written again

    # An incremental plan: a rank alone, a new pair with its score, a pair out of the rankings (undecided:
    # deleted), the decided pair ranked again with a new score, a pair whose company is gone (skipped).
    plan = [
        (o1, c2, None, 3, None, None, True, False),
        (o2, c1, 0.3, 2, 3, parts(0.3), True, True),
        (o1, c3, None, None, None, None, True, True),
        (o2, c3, 0.65, 3, 1, parts(0.65), True, True),
        (o2, c3 + 1000, 0.2, 4, 1, parts(0.2), True, True),
    ]
    with transaction.atomic():
        storage.store_plan(plan)
    assert stored() == expected(
        (o1, c1, 0.95, 1, 1, ""),
        (o1, c2, 0.8, 3, 1, ""),
        (o2, c2, 0.4, 1, 2, ""),
        (o2, c1, 0.3, 2, 3, ""),
        (o2, c3, 0.65, 3, 1, "shortlisted"),
    )
    assert storage.read_rankings("opportunity", [o1, o2]) == {
        o1: [(c1, 950_000, 1), (c2, 800_000, 3)],
        o2: [(c2, 400_000, 1), (c1, 300_000, 2), (c3, 650_000, 3)],
    }
    assert storage.read_rankings("company", [c3]) == {c3: [(o2, 650_000, 1)]}
