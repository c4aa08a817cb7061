"""The ranking merge of an incremental recompute, as plain data: what one changed company or opportunity
does to its own ranking and to the other side's rankings it was in or now enters.

No ORM, no engine: ids are ints, scores are ints in millionths (ties go to the lower id), rankings are
lists of (counterpart, score) best first. The caller reads the stored rankings once, calls `plan_change`
once and writes the `Plan` once; rankings that lose the changed pair and whose next pair is not stored are
ranked again through the `rescore` function it passes in.
"""

from collections.abc import Callable
from dataclasses import dataclass

OPPORTUNITY, COMPANY = "opportunity", "company"

KEEP = object()  # a rank column the plan leaves as it is stored


def other_side(side: str) -> str:
    return OPPORTUNITY if side == COMPANY else COMPANY


@dataclass(frozen=True)
class Change:
    """One changed company (side "company") or opportunity, scored against all the others: its new ranking
    `own_top` and the score of every counterpart it has one with (`scores`, counterpart -> millionths)."""

    side: str
    own_id: int
    own_top: list[tuple[int, int]]
    scores: dict[int, int]
    own_limit: int  # the length of a full ranking on the changed side
    other_limit: int  # and on the other side


class Plan:
    """What an incremental recompute writes: per (opportunity, company) pair, the rank columns it sets
    (`KEEP`: left as stored) and whether its score and parts are written too; and the new rankings
    (owner -> [(counterpart, score)]) of each side."""

    def __init__(self):
        self.rows: dict[tuple[int, int], list] = {}  # (opportunity, company) -> [rank_o, rank_c, full]
        self.tops: dict[str, dict[int, list[tuple[int, int]]]] = {OPPORTUNITY: {}, COMPANY: {}}

    def set(self, pair: tuple[int, int], *, rank_o=KEEP, rank_c=KEEP, full: bool = False) -> None:
        row = self.rows.setdefault(pair, [KEEP, KEEP, False])
        if rank_o is not KEEP:
            row[0] = rank_o
        if rank_c is not KEEP:
            row[1] = rank_c
        row[2] = row[2] or full

    def scored_pairs(self) -> list[tuple[int, int]]:
        """The pairs whose score and parts are written (the caller renders them)."""
        return [pair for pair, row in self.rows.items() if row[2]]

    def stored_rows(self, rendered: dict[tuple[int, int], tuple[float, str]]) -> list[tuple]:
        """The rows to store: (opportunity, company, score, rank_o, rank_c, parts, set_o, set_c), score and
        parts None where the plan leaves them (or `rendered`, pair -> (score, parts text), has no scores:
        the corpus no longer holds one side, and the pair leaves both rankings)."""
        rows = []
        for (opportunity_id, company_id), (rank_o, rank_c, write_full) in self.rows.items():
            found = rendered.get((opportunity_id, company_id)) if write_full else None
            if write_full and found is None:
                rank_o = None if rank_o is KEEP else rank_o
                rank_c = None if rank_c is KEEP else rank_c
            rows.append(
                (
                    opportunity_id,
                    company_id,
                    found[0] if found else None,
                    None if rank_o is KEEP else rank_o,
                    None if rank_c is KEEP else rank_c,
                    found[1] if found else None,
                    rank_o is not KEEP,
                    rank_c is not KEEP,
                )
            )
        return rows

    def last_pairs(self, limits: dict[str, int]) -> dict[str, dict[int, tuple[int, int] | None]]:
        """Per side, each new ranking's pair at rank `limits[side]` as (score, counterpart), None where the
        ranking is not full."""
        last: dict[str, dict[int, tuple[int, int] | None]] = {}
        for side, tops in self.tops.items():
            limit = limits[side]
            last[side] = {
                owner: (top[limit - 1][1], top[limit - 1][0]) if len(top) >= limit else None
                for owner, top in tops.items()
            }
        return last


def enters(total: int, own_id: int, last: tuple[int, int] | None) -> bool:
    """Whether a pair scoring `total` for id `own_id` belongs in a ranking whose last pair is `last`
    (score, id): the ranking is not full, or it scores higher, or the same with the lower id."""
    return last is None or total > last[0] or (total == last[0] and own_id < last[1])


def affected(change: Change, stored_own: dict[int, int | None], last: dict[int, tuple[int, int]]) -> set[int]:
    """The other side's rankings the change touches: those it is ranked in now (`stored_own`: counterpart
    -> the changed one's rank there, None if unranked), and those it enters (`last`: owner -> last pair of
    a full ranking)."""
    found = {other for other, rank in stored_own.items() if rank is not None}
    found |= {other for other, total in change.scores.items() if enters(total, change.own_id, last.get(other))}
    return found


def plan_change(
    change: Change,
    *,
    stored_own: dict[int, int | None],
    last: dict[int, tuple[int, int]],
    rankings: dict[int, list[tuple[int, int, int]]],
    rescore: Callable[[list[int]], dict[int, list[tuple[int, int]]]],
    rescore_cost: int,
    max_rescored: int,
) -> Plan | None:
    """The change's own ranking, and the other side's rankings it was in or now enters (`affected`), merged
    from their stored rows (`rankings`: owner -> [(counterpart, score, rank)] by rank). A full ranking that
    loses the changed pair is ranked again by `rescore(owners)` (owner -> new ranking), each costing
    `rescore_cost` scored pairs; None if that adds up to more than `max_rescored`."""
    own_id, other = change.own_id, other_side(change.side)
    plan = Plan()
    tops, rescored = plan.tops[other], []
    for owner in affected(change, stored_own, last):
        ranking = rankings.get(owner, [])
        merged = [(member, score) for member, score, _rank in ranking if member != own_id]
        total = change.scores.get(owner)
        if total is not None:
            merged.append((own_id, total))
        merged.sort(key=lambda member: (-member[1], member[0]))
        dropped = total is None or merged.index((own_id, total)) >= change.other_limit
        if len(ranking) >= change.other_limit and dropped and any(member == own_id for member, _s, _r in ranking):
            rescored.append(owner)  # its next pair is not stored: rank it again
        else:
            tops[owner] = merged[: change.other_limit]
    if len(rescored) * rescore_cost > max_rescored:
        return None
    if rescored:
        found = rescore(rescored)
        for owner in rescored:
            tops[owner] = list(found.get(owner, []))
    _changed_ranks(plan, change, stored_own, rankings)
    return plan


def _changed_ranks(plan: Plan, change: Change, stored_own: dict, rankings: dict) -> None:
    """Into `plan.rows`: every pair whose ranks change, given the new rankings in `plan.tops`."""
    own_id, side = change.own_id, change.side
    other = other_side(side)
    tops = plan.tops[other]

    def pair(owner: int, member: int) -> tuple[int, int]:
        return (owner, member) if other == OPPORTUNITY else (member, owner)

    # The other side's rankings: every pair whose rank there changes.
    for owner, top in tops.items():
        before = {member: rank for member, _score, rank in rankings.get(owner, [])}
        for rank, (member, _total) in enumerate(top, start=1):
            if member != own_id and before.get(member) != rank:
                plan.set(pair(owner, member), **{_rank_key(other): rank}, full=member not in before)
        for member in before.keys() - {member for member, _total in top} - {own_id}:
            plan.set(pair(owner, member), **{_rank_key(other): None})
    # The changed document's own pairs: all written again, both ranks set.
    own_ranks = {counterpart: rank for rank, (counterpart, _total) in enumerate(change.own_top, start=1)}
    plan.tops[side][own_id] = list(change.own_top)
    ranked_there = {
        owner: rank for owner, top in tops.items() for rank, (member, _t) in enumerate(top, start=1) if member == own_id
    }
    for owner in own_ranks.keys() | ranked_there.keys():
        plan.set(
            pair(owner, own_id),
            **{_rank_key(side): own_ranks.get(owner), _rank_key(other): ranked_there.get(owner)},
            full=True,
        )
    # Its stored pairs in neither ranking now leave both (and go, unless decided).
    for owner in stored_own.keys() - own_ranks.keys() - ranked_there.keys():
        plan.set(pair(owner, own_id), rank_o=None, rank_c=None)


def _rank_key(side: str) -> str:
    return "rank_o" if side == OPPORTUNITY else "rank_c"
