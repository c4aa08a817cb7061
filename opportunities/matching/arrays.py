"""Array helpers the stages share: sparse rows and products, pairs and ranks, threads and a paused gc.

Plain NumPy and SciPy on the engine's matrices; nothing here knows what a document or a part is.
"""

from __future__ import annotations

import gc
import os
from concurrent.futures import ThreadPoolExecutor
from itertools import repeat

import numpy as np
from scipy import sparse

# Performance only (never changes a result).
WORKERS = max(1, min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))
PAIR_CHUNK = 100_000  # pairs per vectorised chunk in exact scoring and explanations


def _select_columns(matrix: sparse.csr_matrix, column_map: np.ndarray, n_columns: int) -> sparse.csr_matrix:
    """Keep the columns with column_map >= 0, renumbered to column_map (rows keep sorted indices)."""
    new = column_map[matrix.indices]
    kept = new >= 0
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    indptr = np.zeros(matrix.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[kept], minlength=matrix.shape[0]), out=indptr[1:])
    return sparse.csr_matrix((matrix.data[kept], new[kept], indptr), shape=(matrix.shape[0], n_columns))


def _widen(matrix: sparse.csr_matrix, n_columns: int) -> sparse.csr_matrix:
    if matrix.shape[1] >= n_columns:
        return matrix
    return sparse.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], n_columns))


def _one_hot(rows: list, index: dict[str, int], values=None) -> sparse.csr_matrix:
    """Rows of labels (or {label: value}) as a sparse matrix over `index` (labels not in it are left out),
    each row times `values[row]` if given. Labels within a row are distinct (sets, dict keys, deduplicated
    tuples)."""
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    flat = [label for labels in rows for label in labels]
    columns = np.fromiter(map(index.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
    row_ids = np.repeat(np.arange(len(rows)), lengths)
    if rows and isinstance(rows[0], dict):
        data = np.fromiter((value for labels in rows for value in labels.values()), dtype=np.float64, count=len(flat))
    else:
        data = np.ones(len(flat))
    if values is not None:
        data = data * np.asarray(values, dtype=np.float64)[row_ids]
    kept = columns >= 0
    matrix = sparse.csr_matrix((data[kept], (row_ids[kept], columns[kept])), shape=(len(rows), len(index)))
    matrix.sum_duplicates()  # canonical: sorted columns within each row
    return matrix


def _product(a: sparse.csr_matrix, b: sparse.csr_matrix) -> np.ndarray:
    """Dense a @ b.T (float64), transposing only the smaller side. Each entry sums the products of shared
    columns in ascending column order, as `_rowwise` does: the same floating-point result."""
    if a.shape[0] <= b.shape[0]:
        return np.ascontiguousarray((b @ a.T).toarray().T)
    return (a @ b.T).toarray()


def _chunked(function, n: int) -> list:
    """function(start, stop) over chunks of `PAIR_CHUNK` pairs, on `WORKERS` threads when there are several
    chunks (the work is in SciPy and NumPy, which release the GIL); results in chunk order."""
    starts = range(0, n, PAIR_CHUNK)
    if WORKERS > 1 and len(starts) > 1:
        with ThreadPoolExecutor(max_workers=WORKERS) as executor:
            return list(executor.map(lambda start: function(start, min(start + PAIR_CHUNK, n)), starts))
    return [function(start, min(start + PAIR_CHUNK, n)) for start in starts]


def _rowwise(a: sparse.csr_matrix, a_rows: np.ndarray, b: sparse.csr_matrix, b_rows: np.ndarray) -> np.ndarray:
    """Dot products a[a_rows[i]] · b[b_rows[i]], vectorised in chunks."""

    def chunk(start: int, stop: int) -> np.ndarray:
        product = a[a_rows[start:stop]].multiply(b[b_rows[start:stop]])
        return np.asarray(product.sum(axis=1)).ravel()

    parts = _chunked(chunk, len(a_rows))
    return np.concatenate(parts) if parts else np.zeros(0)


def _top_terms(a, a_rows, b, b_rows, k: int) -> list[list[int]]:
    """For each pair, the `k` columns that add most to a[a_row] · b[b_row], largest first."""

    def chunk(start: int, stop: int) -> list[list[int]]:
        product = sparse.csr_matrix(a[a_rows[start:stop]].multiply(b[b_rows[start:stop]]))
        product.eliminate_zeros()
        product.sort_indices()
        n_rows = product.shape[0]
        lengths = np.diff(product.indptr)
        rows = np.repeat(np.arange(n_rows), lengths)
        # Rows stay grouped; within a row, largest contribution first, then lowest column. (Exact: the order
        # of a pair's terms must not depend on the other pairs rendered with it.)
        order = np.lexsort((product.indices, -product.data, rows))
        rank = np.arange(len(order)) - product.indptr[rows[order]]
        columns = product.indices[order[rank < k]].tolist()
        offsets = np.concatenate(([0], np.cumsum(np.minimum(lengths, k)))).tolist()
        return [columns[offsets[i] : offsets[i + 1]] for i in range(n_rows)]

    return [row for part in _chunked(chunk, len(a_rows)) for row in part]


def _starts(owners: np.ndarray, n: int) -> np.ndarray:
    """Where each of `n` owners' rows start in `owners` (sorted), plus the end."""
    if not len(owners):
        return np.zeros(n + 1, dtype=np.int64)
    return np.searchsorted(owners, np.arange(n + 1)).astype(np.int64)


def _assemble(old: sparse.csr_matrix, new: sparse.csr_matrix, pieces) -> sparse.csr_matrix:
    """Rows of `old` and `new` in the order of `pieces` [("old" | "new", start, stop)], in one copy."""
    datas, indices, lengths = [], [], []
    for kind, start, stop in pieces:
        if stop <= start:
            continue
        matrix = old if kind == "old" else new
        a, b = matrix.indptr[start], matrix.indptr[stop]
        datas.append(matrix.data[a:b])
        indices.append(matrix.indices[a:b])
        lengths.append(np.diff(matrix.indptr[start : stop + 1]))
    n_rows = int(sum(len(length) for length in lengths))
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    if lengths:
        np.cumsum(np.concatenate(lengths), out=indptr[1:])
    data = np.concatenate(datas).astype(old.dtype, copy=False) if datas else np.zeros(0, dtype=old.dtype)
    index = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32)
    return sparse.csr_matrix((data, index, indptr), shape=(n_rows, max(old.shape[1], new.shape[1])))


def _assemble_list(old: list, new: list, pieces) -> list:
    out = []
    for kind, start, stop in pieces:
        out.extend((old if kind == "old" else new)[start:stop])
    return out


def _take(positions: np.ndarray, o: np.ndarray, c: np.ndarray, scored: dict) -> tuple:
    """The pairs at `positions`, with their scored arrays."""
    if len(positions) == len(o) and np.array_equal(positions, np.arange(len(o))):
        return o, c, scored
    taken = {
        key: (
            {name: array[positions] for name, array in value.items()} if isinstance(value, dict) else value[positions]
        )
        for key, value in scored.items()
    }
    return o[positions], c[positions], taken


def _ranks(groups: np.ndarray) -> np.ndarray:
    """1-based position within runs of equal values (groups already sorted)."""
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    counts = np.diff(np.r_[starts, len(groups)])
    return np.arange(len(groups)) - np.repeat(starts, counts) + 1


class _paused_gc:
    """No cyclic garbage collection while one computation builds millions of small objects (none of them
    cyclic): CPython would otherwise walk the whole heap again and again. Restored afterwards."""

    def __enter__(self):
        self._was_enabled = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc):
        if self._was_enabled:
            gc.enable()
        return False
