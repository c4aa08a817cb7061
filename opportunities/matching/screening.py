"""The block pass: candidate pairs for exact scoring, without scoring every pair in Python.

Opportunities in blocks of about `BLOCK_CELLS` / companies rows, each block against all companies at once in
float32: the text cosine as a sparse product, for small problems also against all portfolio items, and the
structured parts as one product of small one-hot matrices. Each opportunity keeps its best companies and
each company a running top (`_CompanyTop`), with a margin; blocks run on `WORKERS` threads with BLAS held to
one thread. Above `LARGE_PAIRS` pairs, common terms are multiplied densely and portfolio items are left to
exact scoring. These choices only pick candidates: `scoring.score_pairs` then scores them exactly.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse

from .arrays import WORKERS, _one_hot, _ranks, _select_columns
from .scoring import _LIST_PARTS, TEXT_FLOOR

# Performance only (they choose candidates, never change a score).
# Extra candidates per opportunity and per company before exact scoring: few where the block pass is
# exact (up to float32), more where it leaves out portfolio items (large problems).
CANDIDATE_MARGIN = 2
LARGE_CANDIDATE_MARGIN = {"opportunity": 10, "company": 5}
BLOCK_CELLS = 1 << 24  # dense cells per block and matrix (float32: 64 MiB)
LARGE_PAIRS = 50_000_000  # above this many pairs, the dense-head and item shortcuts are used
DENSE_HEAD_DENSITY = 0.0015  # a term goes dense when (its share of opportunities) × (of companies) is above


def _row_thresholds(scores: np.ndarray, k: int) -> np.ndarray:
    """Per row, a threshold with at least `k` entries at or above it (-inf for rows with fewer entries).

    Wide rows use the k-th largest of the maxima of 64-column chunks: at least k entries (those maxima)
    reach it, it is cheap, and it is rarely far below the row's exact k-th largest value."""
    n_rows, n_columns = scores.shape
    if k >= n_columns:
        return np.full(n_rows, -np.inf, dtype=scores.dtype)
    if n_columns >= 128 * k:
        maxima = np.maximum.reduceat(scores, np.arange(0, n_columns, 64), axis=1)
        return np.partition(maxima, maxima.shape[1] - k, axis=1)[:, maxima.shape[1] - k]
    return np.partition(scores, n_columns - k, axis=1)[:, n_columns - k]


def _best_k(groups: np.ndarray, others: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the best `k` entries per group: highest value, then lowest `others` (the id order)."""
    order = np.lexsort((others, -values.astype(np.float64), groups))
    return order[_ranks(groups[order]) <= k]


class _CompanyTop:
    """Each company's best `k` opportunities so far, as dense company × k arrays. Blocks arrive in
    opportunity order and only entries above a company's current k-th best (`threshold`) are offered,
    so on equal scores the earlier, lower id stays."""

    def __init__(self, n_companies: int, k: int):
        self.k = k
        self.values = np.full((n_companies, k), -np.inf, dtype=np.float32)
        self.rows = np.full((n_companies, k), -1, dtype=np.int64)
        self.threshold = np.full(n_companies, -np.inf, dtype=np.float32)

    def add(self, rows: np.ndarray, columns: np.ndarray, values: np.ndarray) -> None:
        if not len(rows):
            return
        chosen = _best_k(columns, rows, values, self.k)  # at most k new per company, best first
        rows, columns, values = rows[chosen], columns[chosen], values[chosen]
        starts = np.flatnonzero(np.r_[True, columns[1:] != columns[:-1]])
        touched = columns[starts]
        group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(columns)]))
        slot = np.arange(len(columns)) - starts[group]
        new_values = np.full((len(touched), self.k), -np.inf, dtype=np.float32)
        new_rows = np.full((len(touched), self.k), -1, dtype=np.int64)
        new_values[group, slot] = values
        new_rows[group, slot] = rows
        # Existing entries first: a stable sort keeps them ahead of equal newcomers.
        merged_values = np.concatenate((self.values[touched], new_values), axis=1)
        merged_rows = np.concatenate((self.rows[touched], new_rows), axis=1)
        order = np.argsort(-merged_values, axis=1, kind="stable")[:, : self.k]
        self.values[touched] = np.take_along_axis(merged_values, order, axis=1)
        self.rows[touched] = np.take_along_axis(merged_rows, order, axis=1)
        self.threshold[touched] = self.values[touched, self.k - 1]

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        companies, slots = np.nonzero(self.rows >= 0)
        return self.rows[companies, slots], companies.astype(np.int64)


class _BlockPass:
    """float32 matrices of a `MatchIndex` for screening all pairs block by block (dropped again after the
    pass)."""

    def __init__(self, index):
        n_c, n_o = index.n_c, index.n_o
        self.w, self.text_only = index.w, index.text_only
        self.large = n_c * n_o > LARGE_PAIRS
        n_terms = len(index.idf)
        df_companies = np.bincount(index.profiles.indices, minlength=n_terms)
        df_opportunities = np.bincount(index.opportunity_vectors.indices, minlength=n_terms)
        # Only terms on both sides can add to a cosine (the others are in the norms already).
        shared = (df_companies > 0) & (df_opportunities > 0)
        if self.large:
            # Terms common on both sides are multiplied densely (BLAS beats sparse products there).
            head = shared & ((df_opportunities / n_o) * (df_companies / n_c) > DENSE_HEAD_DENSITY)
        else:
            head = np.zeros(n_terms, dtype=bool)
        tail = shared & ~head
        head_map = np.full(n_terms, -1, dtype=np.int64)
        head_map[head] = np.arange(int(head.sum()))
        tail_map = np.full(n_terms, -1, dtype=np.int64)
        tail_map[tail] = np.arange(int(tail.sum()))
        n_head, n_tail = int(head.sum()), int(tail.sum())

        def part(matrix, mapping, width):
            return _select_columns(matrix, mapping, width).astype(np.float32)

        self.o_tail = part(index.opportunity_vectors, tail_map, n_tail)
        self.c_tail_t = part(index.profiles, tail_map, n_tail).T.tocsr()
        self.o_head = part(index.opportunity_vectors, head_map, n_head).toarray() if n_head else None
        self.c_head = part(index.profiles, head_map, n_head).toarray() if n_head else None
        # Portfolio items in the block pass only for small problems; large ones score them exactly for the
        # candidates (`scoring.score_pairs`).
        self.i_t = None if self.large else part(index.item_vectors, tail_map, n_tail).T.tocsr()
        has_items = np.diff(index.item_start) > 0
        self.with_items = np.flatnonzero(has_items)
        self.item_first = index.item_start[:-1][has_items]

        # One product for all structured parts: [disciplines | themes | country | language], the opportunity
        # side weighted by its share of each part.
        w = self.w

        def share(groups):  # 1 / size of each opportunity's group
            return [1.0 / len(group) if group else 0.0 for group in groups]

        def weighted(name):
            return _one_hot(index.lists[name], index.label_index[_LIST_PARTS[name]], share(index.lists[name]))

        unit = w["text"] if w["text"] > 0 else 1.0  # screening scores are in units of the text weight
        self.f_companies_t = (
            sparse.hstack(
                [index.c_features[name] for name in ("disciplines", "themes", "country", "language")], format="csr"
            )
            .T.tocsr()
            .astype(np.float32)
        )
        self.f_opportunities = sparse.hstack(
            [
                (w["required"] * weighted("required") + w["nice"] * weighted("nice")) / unit,
                w["themes"] / unit * weighted("themes"),
                w["country"] / unit * index.o_binary["country"],
                w["language"] / unit * weighted("language"),
            ],
            format="csr",
        ).astype(np.float32)
        self.f_opportunities.eliminate_zeros()
        if self.f_companies_t.shape[0] * n_c <= BLOCK_CELLS:
            self.f_companies_t = self.f_companies_t.toarray()
        self.required_binary = index.o_binary["required"].astype(np.float32).tocsr()
        self.disciplines_t = index.c_features["disciplines"].T.tocsr().astype(np.float32)
        self.seconds: list[tuple[float, float]] = []  # (scoring, selecting) thread time per block

    def drop(self) -> None:
        self.o_tail = self.c_tail_t = self.o_head = self.c_head = self.i_t = None
        self.f_companies_t = self.f_opportunities = self.required_binary = self.disciplines_t = None

    def scores(self, start: int, stop: int) -> np.ndarray:
        """Screening scores (float32) of opportunities start:stop against all companies, -inf where a
        pair is filtered out. Exact for small problems up to float32 rounding; for large ones without the
        portfolio items and the discipline-or-text filter (`scoring.score_pairs` applies both)."""
        text = (self.o_tail[start:stop] @ self.c_tail_t).toarray()
        if self.o_head is not None:
            text += self.o_head[start:stop] @ self.c_head.T
        if self.i_t is not None and len(self.with_items):
            items = (self.o_tail[start:stop] @ self.i_t).toarray()
            best = np.maximum.reduceat(items, self.item_first, axis=1)
            del items
            lifted = text[:, self.with_items]
            lifted += best
            lifted *= 0.5
            text[:, self.with_items] = np.maximum(text[:, self.with_items], lifted)
        eligible = None
        if not self.large:
            eligible = text >= TEXT_FLOOR
            required = self.required_binary[start:stop]
            if not self.text_only and required.nnz:
                used = np.unique(required.indices)
                eligible |= (required[:, used].toarray() @ self.disciplines_t[used].toarray()) > 0
        # Cosines of non-negative unit vectors: in [0, 1] up to rounding. Scores are in units of the text
        # weight (the structured features are divided by it), which keeps the order and saves a pass.
        scores = np.sqrt(text, out=text) if self.w["text"] > 0 else np.zeros_like(text)
        features = self.f_opportunities[start:stop]
        if features.nnz:
            if isinstance(self.f_companies_t, np.ndarray):
                scores += features.toarray() @ self.f_companies_t
            else:
                used = np.unique(features.indices)
                scores += features[:, used].toarray() @ self.f_companies_t[used].toarray()
        if eligible is not None:
            scores[~eligible] = -np.inf
        return scores

    def candidates(self, start: int, stop: int, k_opportunity: int, top: _CompanyTop | None) -> dict:
        """Scores a block and picks its candidates: each opportunity's best `k_opportunity` companies and,
        for the companies' running tops, the entries above their current thresholds."""
        clock = time.perf_counter()
        scores = self.scores(start, stop)
        scored = time.perf_counter()
        n_rows, n_columns = scores.shape
        row_threshold = _row_thresholds(scores, k_opportunity) if k_opportunity else None
        mask = None if row_threshold is None else scores >= row_threshold[:, None]
        if top is not None:
            above = scores > top.threshold[None, :]
            if n_rows > top.k and np.count_nonzero(above) > 2 * top.k * n_columns:
                # Early blocks, thresholds still low: only the block's own best k per company.
                cut = np.partition(scores, n_rows - top.k, axis=0)[n_rows - top.k]
                above &= scores >= cut[None, :]
            mask = above if mask is None else np.logical_or(mask, above, out=mask)
        rows, columns = np.nonzero(mask)
        del mask
        values = scores[rows, columns]
        eligible = values > -np.inf
        rows, columns, values = rows[eligible].astype(np.int64), columns[eligible].astype(np.int64), values[eligible]
        result = {}
        if k_opportunity:
            mine = values >= row_threshold[rows]
            chosen = _best_k(rows[mine], columns[mine], values[mine], k_opportunity)
            result["opportunity"] = (rows[mine][chosen] + start, columns[mine][chosen])
        if top is not None:
            offered = values > top.threshold[columns]
            result["company"] = (rows[offered] + start, columns[offered], values[offered])
        self.seconds.append((scored - clock, time.perf_counter() - scored))
        return result


def candidates(
    index, per_opportunity: int, per_company: int, rows: tuple[int, int] | None = None
) -> tuple[np.ndarray, np.ndarray, list]:
    """Candidate pairs (opportunity rows, company rows) of a `MatchIndex` from the block pass, and the
    (scoring, selecting) thread seconds of each block. `rows`: only opportunity rows start:stop (a shard),
    each still against every company; the companies' tops are then those of the shard."""
    block_pass = _BlockPass(index)
    margin_o = LARGE_CANDIDATE_MARGIN["opportunity"] if block_pass.large else CANDIDATE_MARGIN
    margin_c = LARGE_CANDIDATE_MARGIN["company"] if block_pass.large else CANDIDATE_MARGIN
    k_opportunity = per_opportunity + margin_o if per_opportunity else 0
    top = _CompanyTop(index.n_c, per_company + margin_c) if per_company else None
    n_items = len(index.item_ids)
    block = max(1, min(1024, BLOCK_CELLS // max(index.n_c, 1 if block_pass.large else n_items, 1)))
    first, last = rows if rows is not None else (0, index.n_o)
    starts = list(range(first, min(last, index.n_o), block))
    found_o, found_c = [], []

    def consume(result) -> None:
        if "opportunity" in result:
            found_o.append(result["opportunity"][0])
            found_c.append(result["opportunity"][1])
        if "company" in result:
            top.add(*result["company"])

    def run(start):
        return block_pass.candidates(start, min(start + block, last, index.n_o), k_opportunity, top)

    try:
        if WORKERS > 1 and len(starts) > 2:
            # The first block alone: it sets the companies' thresholds, which make the later blocks cheap.
            consume(run(starts[0]))
            with _single_threaded_blas(), ThreadPoolExecutor(max_workers=WORKERS) as executor:
                pending = []
                for start in starts[1:]:
                    pending.append(executor.submit(run, start))
                    if len(pending) >= WORKERS:
                        consume(pending.pop(0).result())
                for future in pending:
                    consume(future.result())
        else:
            for start in starts:
                consume(run(start))
    finally:
        # The block pass is over: drop its matrices before the candidates are scored and explained.
        block_pass.drop()
    if top is not None:
        rows, columns = top.pairs()
        found_o.append(rows)
        found_c.append(columns)
    if not found_o:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), block_pass.seconds
    pairs = np.unique(np.concatenate(found_o).astype(np.int64) * index.n_c + np.concatenate(found_c))
    return pairs // index.n_c, pairs % index.n_c, block_pass.seconds


class _single_threaded_blas:
    """Limit BLAS to one thread while blocks run on several Python threads (if threadpoolctl is there)."""

    def __enter__(self):
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - optional
            self._limits = None
        else:
            self._limits = threadpool_limits(limits=1, user_api="blas")
        return self

    def __exit__(self, *exc):
        if self._limits is not None:
            self._limits.restore_original_limits()
        return False
