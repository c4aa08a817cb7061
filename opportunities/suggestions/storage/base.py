"""The storage interface both back ends implement, and what they share.

Rows come from the engine as plain tuples:

- a full computation (`matching.engine` result): `len()` and `stored(start, stop)`, the rows
  (opportunity id, company id, score, rank for the opportunity, rank for the company, parts as canonical
  JSON text) of every kept pair;
- an incremental plan (`matching.plan.Plan.stored_rows`): (opportunity id, company id, score or None,
  rank_o, rank_c, parts text or None, set_o, set_c) — score and parts None where the row keeps its own,
  and a rank column written only where its flag is set.

Either way a person's decision is never overwritten: a decided row (or one acted on) that falls out of
the rankings stays, without a rank; other rows in no ranking are deleted. Rows that come out the same
are not written (their `computed_at` stays that of the run that last changed them).
"""

from collections import defaultdict
from typing import Protocol

# Rows rendered at a time while the chunk before streams to the database: a tenth of them, within these
# bounds (small chunks overlap better; each chunk of the merge costs a few statements more).
WRITE_CHUNK = 50_000
WRITE_CHUNK_SMALLEST = 10_000

# owner -> [(counterpart, score in millionths, rank)], by rank
Rankings = dict[int, list[tuple[int, int, int]]]


class Storage(Protocol):
    vendor: str

    def store_full(self, computation, timings: dict) -> None:
        """Every kept pair of a full computation, in the caller's transaction; `timings` receives what the
        back end measures (seconds per step, rows updated / inserted / deleted)."""

    def store_plan(self, rows: list[tuple]) -> None:
        """The rows of an incremental plan, in the caller's transaction."""

    def read_rankings(self, side: str, owners) -> Rankings:
        """The stored rankings of the given opportunities (side "opportunity") or companies."""


def columns(side: str) -> tuple[str, str, str]:
    """(owner column, counterpart column, rank column) of a side's rankings."""
    if side == "opportunity":
        return "opportunity_id", "company_id", "rank_for_opportunity"
    return "company_id", "opportunity_id", "rank_for_company"


def by_rank(found) -> Rankings:
    """(owner, counterpart, score, rank) rows as rankings."""
    rankings: Rankings = defaultdict(list)
    for owner_id, other_id, score, position in found:
        rankings[owner_id].append((other_id, round(score * 1_000_000), position))
    for ranking in rankings.values():
        ranking.sort(key=lambda row: row[2])
    return rankings
