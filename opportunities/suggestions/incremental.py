"""The incremental recompute: what one changed company or opportunity touches.

It uses the processed corpus this process keeps (`corpus`). The changed document is read again and scored
exactly against all the others; then, in one transaction: read the stored rankings it touches, plan the
merge (`matching.plan`, pure), write the plan (`storage`). A ranking that loses the changed pair and whose
next pair is not stored is scored again; if that would be more than `MAX_RESCORED_PAIRS`, a full
recompute runs instead. Incremental recomputes run one at a time (an advisory lock); while a full
recompute runs they leave their entries queued for after it."""

import logging

from django.db import transaction
from django.utils import timezone

from ..matching.plan import Change, Plan, affected, other_side, plan_change
from ..models import MatchQueue, Suggestion
from .corpus import (
    CACHE,
    PER_COMPANY,
    PER_OPPORTUNITY,
    current_index,
    new_engine,
    one_writer_at_a_time,
    publish_generation,
    trust,
)
from .entries import entry_done, record_failure
from .full import full_recompute_running, recompute_full
from .storage import storage_for_connection
from .storage.base import columns

logger = logging.getLogger(__name__)

# An incremental change whose rankings to score again add up to more pairs than this runs a full recompute
# instead (about 5 s of scoring on two cores).
MAX_RESCORED_PAIRS = 100_000_000
LIMITS = {"opportunity": PER_OPPORTUNITY, "company": PER_COMPANY}


def recompute_entry(kind: str, object_id: int, engine=None) -> bool:
    """Recompute what one changed company or opportunity touches; False if nothing was queued."""
    started = timezone.now()
    entry = MatchQueue.objects.filter(kind=kind, object_id=object_id).first()
    if entry is None:
        return False
    if full_recompute_running():
        # Its results were read before this change: the entry stays queued for after it (the sweeper).
        logger.info("A full recompute is running; %s %s stays queued.", kind, object_id)
        return True
    try:
        return _recompute_entry(entry, engine or new_engine(), started)
    except Exception as error:
        record_failure(entry.pk, error)
        raise


def _recompute_entry(entry: MatchQueue, engine, started) -> bool:
    kind, object_id = entry.kind, entry.object_id
    side = "company" if kind == MatchQueue.Kind.COMPANY else "opportunity"
    plan = None
    with CACHE.lock:
        try:
            with one_writer_at_a_time():
                index = current_index(engine, kind, object_id)
                plan = _plan(index, side, int(object_id))
                if plan is not None:
                    token = publish_generation()
                    CACHE.generation = None  # trusted again once this commits
                    _store_plan(index, plan)
                    for ranked_side, pairs in plan.last_pairs(LIMITS).items():
                        for owner, last in pairs.items():
                            if last is None:
                                CACHE.last[ranked_side].pop(owner, None)
                            else:
                                CACHE.last[ranked_side][owner] = last
                    transaction.on_commit(lambda: trust(token))
        except BaseException:
            CACHE.generation = None  # rankings and what this process knows of them may differ now
            raise
    if plan is None and recompute_full(engine) < 0:  # the change reaches too far: recompute everything
        # Another full recompute is running, and may have read the data before this change.
        logger.info("A full recompute is running; %s %s stays queued.", kind, object_id)
        return True
    entry_done(entry.pk, started)
    return True


def _plan(index, side: str, own_id: int) -> Plan | None:
    """Score the changed company (side "company") or opportunity, read the stored rankings it touches,
    and plan their merge; None if the change reaches too far (`MAX_RESCORED_PAIRS`)."""
    other = other_side(side)
    own, scores = index.score_one(side, str(own_id), LIMITS[side])
    change = Change(
        side=side,
        own_id=own_id,
        own_top=[(int(other_id), total) for other_id, total in own],
        scores={int(other_id): total for other_id, total in scores.items()},
        own_limit=LIMITS[side],
        other_limit=LIMITS[other],
    )
    own_key, other_key, _rank = columns(side)
    other_rank = columns(other)[2]
    stored_own = dict(Suggestion.objects.filter(**{own_key: own_id}).values_list(other_key, other_rank))
    last = CACHE.last[other]
    rankings = storage_for_connection().read_rankings(other, affected(change, stored_own, last))

    def rescore(owners: list[int]) -> dict[int, list[tuple[int, int]]]:
        found = index.top(other, [str(owner) for owner in owners], LIMITS[other])
        return {int(owner): [(int(member), total) for member, total in top] for owner, top in found.items()}

    return plan_change(
        change,
        stored_own=stored_own,
        last=last,
        rankings=rankings,
        rescore=rescore,
        rescore_cost=index.n_c if other == "opportunity" else index.n_o,
        max_rescored=MAX_RESCORED_PAIRS,
    )


def _store_plan(index, plan: Plan) -> None:
    """Render the pairs whose scores are written (those the index still holds), then store the plan."""
    rendered = {
        (int(row[0]), int(row[1])): (row[2], row[5])
        for row in index.render([(str(o), str(c)) for o, c in plan.scored_pairs()])
    }
    storage_for_connection().store_plan(plan.stored_rows(rendered))
