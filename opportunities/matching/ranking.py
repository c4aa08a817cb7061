"""Ranking: the top-k of each opportunity and each company, from the block pass's candidates scored exactly,
and the best counterparts of one or a few documents (`top`, `score_one`).

Ranks follow (score, then id); the kept pairs stay arrays in a `Computation`, rendered in chunks as
`Suggestion` objects (`explanation.py`) or in the stored form (`stored.py`).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .arrays import WORKERS, _paused_gc, _ranks, _take
from .explanation import explain
from .results import Suggestion
from .scoring import score_block, score_pairs
from .screening import BLOCK_CELLS, candidates
from .stored import stored_rows


def compute(index, per_opportunity: int, per_company: int) -> Computation:
    """The block pass, exact scores for the candidates and the top-k on each side."""
    empty = np.zeros(0, dtype=np.int64)
    if not index.n_c or not index.n_o or (per_opportunity == 0 and per_company == 0):
        return Computation(index, empty, empty, {}, empty, empty)
    with _paused_gc():
        clock = time.perf_counter()
        o, c, block_seconds = candidates(index, per_opportunity, per_company)
        # The block pass interleaves scoring and top-k selection on several threads: its wall time is
        # shared out in proportion to the thread time each took.
        wall = time.perf_counter() - clock
        scoring = sum(seconds for seconds, _ in block_seconds)
        selecting = sum(seconds for _, seconds in block_seconds)
        share = scoring / (scoring + selecting) if scoring + selecting else 1.0
        index.timings["scoring: block pass"] = wall * share
        index.timings["top-k: block pass"] = wall * (1 - share)
        index.timings["candidates"] = len(o)
        return rank_candidates(index, o, c, per_opportunity, per_company)


def rank_candidates(index, o: np.ndarray, c: np.ndarray, per_opportunity: int, per_company: int) -> Computation:
    """Exact scores of the candidate pairs (opportunity rows `o`, company rows `c`, each pair once) and the
    top-k on each side. Any candidate set that holds each side's true top-k gives the same kept pairs: the
    block pass's, or the union of the shards' (`suggestions.sharded`)."""
    empty = np.zeros(0, dtype=np.int64)
    if not len(o):
        return Computation(index, empty, empty, {}, empty, empty)
    with _paused_gc():
        clock = time.perf_counter()
        scored = score_pairs(index, o, c)
        index.timings["scoring: exact"] = time.perf_counter() - clock
        clock = time.perf_counter()
        o, c, scored = _take(np.flatnonzero(scored["eligible"]), o, c, scored)
        total = scored["total"]
        rank_o = np.zeros(len(o), dtype=np.int64)
        rank_c = np.zeros(len(o), dtype=np.int64)
        if per_opportunity:
            order = np.lexsort((c, -total, o))  # per opportunity: best first, then company id
            rank_o[order] = _ranks(o[order])
        if per_company:
            order = np.lexsort((o, -total, c))
            rank_c[order] = _ranks(c[order])
        in_o = (rank_o <= per_opportunity) & (per_opportunity > 0)
        in_c = (rank_c <= per_company) & (per_company > 0)
        kept = np.flatnonzero(in_o | in_c)
        # Output order: opportunity, rank (unranked last), company.
        kept = kept[np.lexsort((c[kept], np.where(in_o[kept], rank_o[kept], np.iinfo(np.int64).max), o[kept]))]
        rank_o, rank_c = np.where(in_o, rank_o, 0)[kept], np.where(in_c, rank_c, 0)[kept]
        o, c, scored = _take(kept, o, c, scored)  # and the other candidates' arrays go
        index.timings["top-k: ranking"] = time.perf_counter() - clock
        return Computation(index, o, c, scored, rank_o, rank_c)


class Computation:
    """The kept pairs of one computation as arrays, rendered on demand (valid until its index changes)."""

    def __init__(self, index, o, c, scored, rank_o, rank_c):  # index: the MatchIndex it came from
        self.index = index
        self._o, self._c, self._scored = o, c, scored
        self._rank_o, self._rank_c = rank_o, rank_c
        self._rendered: dict[str, dict] = {"titles": {}, "numbers": {}}  # JSON texts kept from chunk to chunk

    def __len__(self) -> int:
        return len(self._o)

    def _slice(self, start: int, stop: int | None):
        stop = len(self) if stop is None else min(stop, len(self))
        positions = np.arange(start, stop)
        o, c, scored = _take(positions, self._o, self._c, self._scored)
        return o, c, scored, self._rank_o[positions], self._rank_c[positions]

    def ranked_at(self, side: str, rank: int) -> dict[str, tuple[int, str]]:
        """The pair at `rank` of each opportunity's (side "opportunity") or company's ranking: owner id ->
        (score in millionths, counterpart id)."""
        if not len(self):
            return {}
        ranks, owners, others = (
            (self._rank_o, self._o, self._c) if side == "opportunity" else (self._rank_c, self._c, self._o)
        )
        owner_ids, other_ids = (
            (self.index.opportunity_ids, self.index.company_ids)
            if side == "opportunity"
            else (self.index.company_ids, self.index.opportunity_ids)
        )
        at = np.flatnonzero(ranks == rank)
        return {
            owner_ids[owner]: (int(total), other_ids[other])
            for owner, other, total in zip(
                owners[at].tolist(), others[at].tolist(), self._scored["total"][at].tolist(), strict=True
            )
        }

    def suggestions(self, start: int = 0, stop: int | None = None) -> list[Suggestion]:
        """Suggestions start:stop, in output order (opportunity, its rank, company)."""
        if not len(self):
            return []
        with _paused_gc():
            return explain(self.index, *self._slice(start, stop))

    def stored(self, start: int = 0, stop: int | None = None) -> list[tuple]:
        """Rows start:stop as (opportunity id, company id, score, rank for the opportunity or None, rank for
        the company or None, the parts: `canonical_json(stored_parts(...))`)."""
        if not len(self):
            return []
        clock = time.perf_counter()
        with _paused_gc():
            rows = stored_rows(self.index, *self._slice(start, stop), rendered=self._rendered)
        timings = self.index.timings
        timings["explanations"] = timings.get("explanations", 0.0) + time.perf_counter() - clock
        return rows


def top(index, side: str, doc_ids, k: int) -> dict[str, list[tuple[str, int]]]:
    """For each opportunity (side "opportunity") or company (side "company") in `doc_ids` that the index
    holds, its best `k` eligible counterparts as [(id, score in millionths)], best first, ties by id."""
    rows = [row for row in (index.position(side, str(doc_id)) for doc_id in doc_ids) if row is not None]
    result: dict[str, list[tuple[str, int]]] = {}
    if not rows or k <= 0:
        return result
    own_ids, other_ids = (
        (index.opportunity_ids, index.company_ids)
        if side == "opportunity"
        else (index.company_ids, index.opportunity_ids)
    )
    n_other = len(other_ids)
    if not n_other:
        return {own_ids[row]: [] for row in rows}
    cells_per_row = n_other * 8  # the products of a row, with portfolio items, and the structured parts
    per_block = max(1, BLOCK_CELLS // max(cells_per_row, 1))
    everyone = np.arange(n_other)

    def run(begin: int) -> list[tuple[str, list[tuple[str, int]]]]:
        block = np.asarray(rows[begin : begin + per_block])
        if side == "opportunity":
            total, eligible = score_block(index, block, everyone)
        else:
            total, eligible = score_block(index, everyone, block)
            total, eligible = total.T, eligible.T
        found = []
        for row, scores, ok in zip(block.tolist(), total, eligible, strict=True):
            candidates = np.flatnonzero(ok)
            if len(candidates) > k:
                # Best k by score, then by row (= id order): partition on score, settle ties exactly.
                kth = np.partition(scores[candidates], len(candidates) - k)[len(candidates) - k]
                candidates = candidates[scores[candidates] >= kth]
            order = np.lexsort((candidates, -scores[candidates]))[:k]
            found.append((own_ids[row], [(other_ids[i], int(scores[i])) for i in candidates[order].tolist()]))
        return found

    begins = range(0, len(rows), per_block)
    if WORKERS > 1 and len(begins) > 1:
        with ThreadPoolExecutor(max_workers=WORKERS) as executor:
            blocks = list(executor.map(run, begins))
    else:
        blocks = [run(begin) for begin in begins]
    for found in blocks:
        result.update(found)
    return result


def score_one(index, side: str, doc_id, k: int) -> tuple[list[tuple[str, int]], dict[str, int]]:
    """One opportunity (side "opportunity") or company against all the others: its best `k` as `top`
    gives them, and every eligible counterpart's exact score (millionths) by id."""
    row = index.position(side, str(doc_id))
    if row is None:
        return [], {}
    if side == "opportunity":
        total, eligible = score_block(index, [row], np.arange(index.n_c))
        ids = index.company_ids
    else:
        total, eligible = score_block(index, np.arange(index.n_o), [row])
        total, eligible = total.T, eligible.T
        ids = index.opportunity_ids
    scores, candidates = total[0], np.flatnonzero(eligible[0])
    values = scores[candidates]
    best = candidates
    if len(candidates) > k:
        kth = np.partition(values, len(values) - k)[len(values) - k]
        best = candidates[values >= kth]
    best = best[np.lexsort((best, -scores[best]))[: max(k, 0)]]
    top = [(ids[i], int(scores[i])) for i in best.tolist()]
    return top, dict(zip([ids[i] for i in candidates.tolist()], values.tolist(), strict=True))
