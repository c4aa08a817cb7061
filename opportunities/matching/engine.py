"""The matching engine: ranked, explained suggestions between companies and opportunities.

Plain Python on the documents of `documents.py`, no ORM. `Engine.match` gives every open opportunity
its best companies and every company open to matching its best opportunities. A suggestion's score is
the sum of its parts, and every part says where its share came from (`Part.detail`,
`Suggestion.explanation`).

Scoring
-------
score = Σ weight × fit over the parts of `WEIGHTS`, each fit in [0, 1], so the score is in [0, 1].

- text: √similarity. The similarity is the cosine of TF-IDF vectors over concept terms (`text.py`:
  language per text, stop words, stems, Dutch and German bridged to English through `glossary.py`), with
  sublinear tf (1 + ln count), smooth idf ln((1 + N) / (1 + df)) + 1 over the N company profiles and
  opportunities, and l2-normalised rows. Once there are `MIN_DOCS_FOR_MAX_DF` documents, terms in more
  than `MAX_DF` of them are dropped. A company's *profile* is its pitch, description and portfolio items
  together; each portfolio item is also scored on its own, and
  similarity = max(profile, (profile + best item) / 2):
  an item that fits better than the whole profile lifts the similarity halfway towards it, a worse one
  never lowers it, and a company is not rewarded for one lucky item as much as for a profile that fits.
  The square root spreads the small cosines that real texts give (0.04 → 0.2, 0.25 → 0.5) and keeps
  the order.
- required: share of the opportunity's required disciplines the company offers (its own disciplines
  and those of its portfolio items).
- nice: share of the nice-to-have disciplines (those not also required) it offers.
- themes: share of the opportunity's themes it works on (own or portfolio).
- country: 1 for local presence in the opportunity's country, 0.5 for a stated target country, else 0.
- language: share of the opportunity's working languages the company works in (English if it names
  none).
A part whose opportunity side is empty (no required disciplines, no themes, no country) gives 0 to
every company. Part values are counted in millionths, so parts add up exactly to the score
(`DECIMALS`), and the score never exceeds 1.

Filters, before scoring: only opportunities with `is_open` and companies with `open_to_matching`; and a
pair is considered only if the company offers at least one required discipline *or* the text similarity
is at least `TEXT_FLOOR`. The text-only baseline (`Engine(text_only=True)`) keeps the text floor alone.
Ties are broken by id (numeric ids numerically), so the output is deterministic.

Scale
-----
Nothing is computed pair by pair in Python until the kept top-k, and no list of all pairs is built.

1. Block pass (`_candidates`): opportunities in blocks of about `BLOCK_CELLS` / companies rows, each
   block against all companies at once in float32: the text cosine as a sparse product (opportunities ×
   terms) @ (terms × companies), for small problems also against all portfolio items (reduced to the best
   item per company with `np.maximum.reduceat`); the structured parts as one product of small one-hot
   matrices (opportunity side weighted: required and nice disciplines, themes, country, languages;
   company side: disciplines, themes, country fit, languages). Terms only one side has are dropped first
   (they add nothing to a dot product). Per block, each opportunity keeps its best `per_opportunity`
   (+ margin) companies, from a cheap threshold (the k-th largest of 64-column chunk maxima, then a
   sort of the few entries above it), and each company a running top `per_company` (+ margin) in dense
   company × k arrays fed with the entries above its current k-th best. Blocks run on `WORKERS` threads
   (SciPy's sparse kernels, NumPy and BLAS release the GIL; BLAS itself single-threaded meanwhile).
2. Exact scoring (`_score_pairs`): the candidates only, in float64: profile and item cosines as row-wise
   sparse products, the structured parts from sorted company × label keys (which labels a company has, as a
   bit mask per part). The filters apply here; ranks follow (score, then id), and the top-k are kept.
3. Explanations (`_explain`) for the kept pairs only: the shared terms by contribution to the dot product
   (vectorised), the best portfolio item, and the structured details, shared between pairs that have the
   same opportunity and the same mask (Parts are frozen; treat their details as read-only).

Above `LARGE_PAIRS` pairs (companies × opportunities) the block pass takes two shortcuts. They only choose
the candidates, whose scores step 2 then computes exactly: terms common on both sides (their share of
opportunities × their share of companies above `DENSE_HEAD_DENSITY`) are multiplied as dense float32
matrices by BLAS, faster than sparse for them and the same result; and portfolio items and the
discipline-or-text filter are left to step 2, so screening uses the profile text. `LARGE_CANDIDATE_MARGIN`
extra candidates per opportunity and per company absorb the difference (on synthetic data 99.9 % of the
exact tops are found).

100 000 companies (about 3 portfolio items each) × 10 000 opportunities take roughly 35–40 s on two cores
and about 2.2 GiB besides the documents themselves; see docs/matching.md for the figures and where the time
goes. The cyclic garbage collector is paused during a computation (`_paused_gc`): it would otherwise walk
the heap again and again while a million suggestion objects are built.
"""

from __future__ import annotations

import gc
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from itertools import repeat

import numpy as np
from scipy import sparse

from . import glossary
from .documents import CompanyDoc, OpportunityDoc
from .text import Corpus

ENGINE_VERSION = "1"  # bump when scoring changes: stored suggestions record it

# The weights of the parts: the one place to tune the engine. They sum to 1.0.
WEIGHTS = {
    "text": 0.35,  # what the texts say: pitch, description and portfolio against the brief
    "required": 0.25,  # required disciplines the company offers
    "nice": 0.05,  # nice-to-have disciplines it offers
    "themes": 0.15,  # the opportunity's themes it works on
    "country": 0.12,  # local presence (full) or stated interest (half) in the opportunity's country
    "language": 0.08,  # the opportunity's working languages it works in
}
PART_NAMES = tuple(WEIGHTS)

DECIMALS = 6  # scores and part values are multiples of 10⁻⁶
TEXT_FLOOR = 0.05  # text cosine that lets a company without a required discipline through
COUNTRY_FIT = {"presence": 1.0, "interest": 0.5, "none": 0.0}
MAX_DF = 0.5  # common-term pruning: drop terms in more than half of the documents ...
MIN_DOCS_FOR_MAX_DF = 1000  # ... once there are this many documents (below, idf handles them)
SHARED_TERMS = 5  # terms shown per explanation
DEFAULT_LANGUAGES = ("en",)  # an opportunity that names no working language

# Performance only (they choose candidates, never change a score).
# Extra candidates per opportunity and per company before exact scoring: few where the block pass is
# exact (up to float32), more where it leaves out portfolio items (large problems).
CANDIDATE_MARGIN = 2
LARGE_CANDIDATE_MARGIN = {"opportunity": 10, "company": 5}
BLOCK_CELLS = 1 << 24  # dense cells per block and matrix (float32: 64 MiB)
LARGE_PAIRS = 50_000_000  # above this many pairs, the dense-head and item shortcuts are used
DENSE_HEAD_DENSITY = 0.0015  # a term goes dense when (its share of opportunities) × (of companies) is above
WORKERS = max(1, min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))
PAIR_CHUNK = 100_000  # pairs per vectorised chunk in exact scoring and explanations

_UNIT = 10**DECIMALS


def id_key(doc_id: str) -> tuple:
    """Sort key for ids: numeric ids numerically, then the rest as text."""
    return (0, int(doc_id), doc_id) if doc_id.isdigit() else (1, 0, doc_id)


# --- Results ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    name: str  # one of WEIGHTS' keys
    value: float  # the part's share of the score (weight × fit); the parts add up to the score
    detail: dict  # JSON-serialisable: what the share came from


@dataclass(frozen=True, slots=True)
class Suggestion:
    opportunity_id: str
    company_id: str
    score: float  # in [0, 1]; == round(sum(part.value for part in parts), DECIMALS)
    parts: tuple[Part, ...]
    rank_for_opportunity: int | None = None  # 1-based; None if the pair is only in the company's top
    rank_for_company: int | None = None  # 1-based; None if the pair is only in the opportunity's top

    def part(self, name: str) -> Part | None:
        return next((part for part in self.parts if part.name == name), None)

    def explanation(self) -> list[str]:
        """English sentences a person can read, strongest evidence first within each part."""
        return [sentence for part in self.parts for sentence in _SENTENCES[part.name](part.detail)]

    def as_dict(self) -> dict:
        return {
            "opportunity_id": self.opportunity_id,
            "company_id": self.company_id,
            "score": self.score,
            "rank_for_opportunity": self.rank_for_opportunity,
            "rank_for_company": self.rank_for_company,
            "parts": [{"name": part.name, "value": part.value, "detail": part.detail} for part in self.parts],
            "explanation": self.explanation(),
        }


@dataclass
class MatchResult:
    suggestions: list[Suggestion]
    _by_opportunity: dict | None = field(default=None, init=False, repr=False, compare=False)
    _by_company: dict | None = field(default=None, init=False, repr=False, compare=False)

    def for_opportunity(self, opportunity_id) -> list[Suggestion]:
        """The opportunity's ranked companies (rank_for_opportunity set), best first."""
        if self._by_opportunity is None:
            self._by_opportunity = _group(self.suggestions, "opportunity_id", "rank_for_opportunity")
        return self._by_opportunity.get(str(opportunity_id), [])

    def for_company(self, company_id) -> list[Suggestion]:
        """The company's ranked opportunities (rank_for_company set), best first."""
        if self._by_company is None:
            self._by_company = _group(self.suggestions, "company_id", "rank_for_company")
        return self._by_company.get(str(company_id), [])


def _group(suggestions, key: str, rank: str) -> dict[str, list[Suggestion]]:
    groups: dict[str, list[Suggestion]] = {}
    for suggestion in suggestions:
        if getattr(suggestion, rank) is not None:
            groups.setdefault(getattr(suggestion, key), []).append(suggestion)
    for items in groups.values():
        items.sort(key=lambda s: getattr(s, rank))
    return groups


# --- Explanations -----------------------------------------------------------------------------------------


def _words(items: list[str], conjunction: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _text_sentences(detail: dict) -> list[str]:
    terms = detail.get("terms") or []
    item = detail.get("item")
    if detail.get("source") == "item" and item and terms:
        return [f"Portfolio item '{item}' matches {_words(terms)}."]
    sentences = []
    if terms:
        sentences.append(f"Profile shares {_words(terms)}.")
    if item:
        sentences.append(f"Closest portfolio item: '{item}'.")
    if not sentences:
        sentences.append("Little text in common.")
    return sentences


def _discipline_sentences(kind: str):
    def sentences(detail: dict) -> list[str]:
        matched = [glossary.discipline_label(slug) for slug in detail.get("matched", [])]
        missing = [glossary.discipline_label(slug) for slug in detail.get("missing", [])]
        out = []
        if kind == "required":
            if matched:
                out.append(f"Shares {_words(matched)} (required).")
            if missing:
                out.append(f"Does not list {_words(missing, 'or')} (required).")
        elif matched:
            out.append(f"Also offers {_words(matched)} (nice to have).")
        return out

    return sentences


def _theme_sentences(detail: dict) -> list[str]:
    matched = [glossary.theme_label(slug) for slug in detail.get("matched", [])]
    return [f"Works on {_words(matched)}."] if matched else []


def _country_sentences(detail: dict) -> list[str]:
    country = detail.get("country")
    if not country:
        return []
    name = glossary.country_name(country)
    fit = detail.get("fit")
    if fit == "presence":
        return [f"Already works in {name}."]
    if fit == "interest":
        return [f"Wants to work in {name}."]
    return [f"No presence in or stated interest in {name}."]


def _language_sentences(detail: dict) -> list[str]:
    shared = [glossary.language_name(code) for code in detail.get("shared", [])]
    missing = [glossary.language_name(code) for code in detail.get("missing", [])]
    if shared:
        return [f"Works in {_words(shared)}."]
    if missing:
        return [f"Does not work in {_words(missing, 'or')}."]
    return []


_SENTENCES = {
    "text": _text_sentences,
    "required": _discipline_sentences("required"),
    "nice": _discipline_sentences("nice"),
    "themes": _theme_sentences,
    "country": _country_sentences,
    "language": _language_sentences,
}


# --- Engine ------------------------------------------------------------------------------------------------


def _micro_weights(weights: dict) -> dict[str, int]:
    """Weights normalised to sum 1, in millionths that add up to exactly one million."""
    unknown = set(weights) - set(WEIGHTS)
    if unknown:
        raise ValueError(f"Unknown weight(s): {', '.join(sorted(unknown))}; expected some of {', '.join(WEIGHTS)}.")
    if any(value < 0 or not math.isfinite(value) for value in weights.values()):
        raise ValueError("Weights must be finite and not negative.")
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("At least one weight must be positive.")
    micro = {name: round(weights.get(name, 0) / total * _UNIT) for name in PART_NAMES}
    largest = max(PART_NAMES, key=lambda name: (micro[name], -PART_NAMES.index(name)))
    micro[largest] += _UNIT - sum(micro.values())
    return micro


class Engine:
    """Scores companies against opportunities; see the module docstring for how."""

    def __init__(self, weights: dict | None = None, *, text_only: bool = False):
        self.text_only = text_only
        self._micro = _micro_weights({"text": 1.0} if text_only else (weights if weights is not None else WEIGHTS))
        self.weights = {name: value / _UNIT for name, value in self._micro.items()}

    def match(
        self,
        companies: list[CompanyDoc],
        opportunities: list[OpportunityDoc],
        *,
        per_opportunity: int = 20,
        per_company: int = 10,
    ) -> MatchResult:
        """Every open opportunity's best `per_opportunity` companies and every company's best
        `per_company` opportunities; a pair in both tops is one suggestion with both ranks."""
        return MatchResult(self._run(companies, opportunities, max(0, per_opportunity), max(0, per_company)))

    def rank_for_opportunity(self, opportunity: OpportunityDoc, companies: list[CompanyDoc]) -> list[Suggestion]:
        """All eligible companies for one opportunity, best first (rank_for_company is None)."""
        companies = list(companies)
        return self._run(companies, [opportunity], len(companies), 0)

    def rank_for_company(self, company: CompanyDoc, opportunities: list[OpportunityDoc]) -> list[Suggestion]:
        """All eligible open opportunities for one company, best first (rank_for_opportunity is None)."""
        opportunities = list(opportunities)
        suggestions = self._run([company], opportunities, 0, len(opportunities))
        return sorted(suggestions, key=lambda s: s.rank_for_company)

    def _run(self, companies, opportunities, per_opportunity: int, per_company: int) -> list[Suggestion]:
        companies = sorted((c for c in companies if c.open_to_matching), key=lambda c: id_key(c.id))
        opportunities = sorted((o for o in opportunities if o.is_open), key=lambda o: id_key(o.id))
        if not companies or not opportunities or (per_opportunity == 0 and per_company == 0):
            return []
        with _paused_gc():
            problem = _Problem(companies, opportunities, self._micro, self.text_only)
            return problem.suggestions(per_opportunity, per_company)


# --- The computation -----------------------------------------------------------------------------------------


def _tfidf_rows(matrix: sparse.csr_matrix, idf: np.ndarray, keep: np.ndarray) -> sparse.csr_matrix:
    """Sublinear tf × idf over kept terms, rows l2-normalised (in place on a copy)."""
    matrix = matrix.copy()
    matrix.data = (1.0 + np.log(matrix.data)) * idf[matrix.indices]
    matrix.data[~keep[matrix.indices]] = 0.0
    matrix.eliminate_zeros()
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
    norms[norms == 0] = 1.0
    matrix.data /= norms[rows]
    return matrix


def _select_columns(matrix: sparse.csr_matrix, column_map: np.ndarray, n_columns: int) -> sparse.csr_matrix:
    """Keep the columns with column_map >= 0, renumbered to column_map (rows keep sorted indices)."""
    new = column_map[matrix.indices]
    kept = new >= 0
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    indptr = np.zeros(matrix.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[kept], minlength=matrix.shape[0]), out=indptr[1:])
    return sparse.csr_matrix((matrix.data[kept], new[kept], indptr), shape=(matrix.shape[0], n_columns))


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
        # Rows stay grouped; within a row, largest contribution first, then lowest column (stable sort).
        order = np.argsort(rows * 4.0 - product.data, kind="stable")
        rank = np.arange(len(order)) - product.indptr[rows[order]]
        columns = product.indices[order[rank < k]].tolist()
        offsets = np.concatenate(([0], np.cumsum(np.minimum(lengths, k)))).tolist()
        return [columns[offsets[i] : offsets[i + 1]] for i in range(n_rows)]

    return [row for part in _chunked(chunk, len(a_rows)) for row in part]


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


class _Problem:
    """One computation: companies and opportunities (already filtered and sorted by id)."""

    def __init__(self, companies: list[CompanyDoc], opportunities: list[OpportunityDoc], micro: dict, text_only: bool):
        self.companies = companies
        self.opportunities = opportunities
        self.micro = micro
        self.w = {name: value / _UNIT for name, value in micro.items()}
        self.text_only = text_only
        self.n_c, self.n_o = len(companies), len(opportunities)
        self.large = self.n_c * self.n_o > LARGE_PAIRS
        self._build_text()
        self._build_structured()

    # Text ------------------------------------------------------------------------------------------

    def _build_text(self) -> None:
        corpus = self.corpus = Corpus()
        # Shared terms are shown in the words of the opportunities' texts (a shared term is in both).
        for company in self.companies:
            corpus.add(f"{company.pitch}\n{company.description}", count_surfaces=False)
        owners, self.items = [], []
        for index, company in enumerate(self.companies):
            for item in company.portfolio:
                corpus.add(f"{item.title}\n{item.description}", count_surfaces=False)
                owners.append(index)
                self.items.append(item)
        for opportunity in self.opportunities:
            corpus.add(f"{opportunity.title}\n{opportunity.description}")
        n_c, n_i = self.n_c, len(self.items)
        counts = corpus.counts()
        corpus.release()
        own, item_counts, opportunity_counts = counts[:n_c], counts[n_c : n_c + n_i], counts[n_c + n_i :]
        self.item_owner = np.asarray(owners, dtype=np.int64)
        self.item_start = np.searchsorted(self.item_owner, np.arange(n_c + 1)) if n_i else np.zeros(n_c + 1, np.int64)
        owner_matrix = sparse.csr_matrix((np.ones(n_i), (self.item_owner, np.arange(n_i))), shape=(n_c, n_i))
        profile_counts = sparse.csr_matrix(own + owner_matrix @ item_counts)
        profile_counts.sum_duplicates()

        n_terms = counts.shape[1]
        df_companies = np.bincount(profile_counts.indices, minlength=n_terms)
        df_opportunities = np.bincount(opportunity_counts.indices, minlength=n_terms)
        df = df_companies + df_opportunities
        n_docs = n_c + self.n_o
        keep = df <= MAX_DF * n_docs if n_docs >= MIN_DOCS_FOR_MAX_DF else np.ones(n_terms, dtype=bool)
        idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0

        # Only terms on both sides can add to a cosine; the others only count in the norms.
        shared = keep & (df_companies > 0) & (df_opportunities > 0)
        self.term_ids = np.flatnonzero(shared)  # new column -> corpus term id
        column_map = np.full(n_terms, -1, dtype=np.int64)
        column_map[self.term_ids] = np.arange(len(self.term_ids))
        n_shared = len(self.term_ids)
        self.profiles = _select_columns(_tfidf_rows(profile_counts, idf, keep), column_map, n_shared)
        self.item_vectors = _select_columns(_tfidf_rows(item_counts, idf, keep), column_map, n_shared)
        self.opportunity_vectors = _select_columns(_tfidf_rows(opportunity_counts, idf, keep), column_map, n_shared)

        # Matrices for the block pass (float32). For large problems, terms common on both sides are
        # multiplied densely (BLAS beats sparse products there) and the rest sparsely.
        if self.large:
            density = (df_opportunities / self.n_o) * (df_companies / n_c)
            head = density[self.term_ids] > DENSE_HEAD_DENSITY
        else:
            head = np.zeros(n_shared, dtype=bool)
        head_map = np.full(n_shared, -1, dtype=np.int64)
        head_map[head] = np.arange(int(head.sum()))
        tail_map = np.full(n_shared, -1, dtype=np.int64)
        tail_map[~head] = np.arange(int((~head).sum()))
        n_head, n_tail = int(head.sum()), int((~head).sum())

        def part(matrix, mapping, width):
            return _select_columns(matrix, mapping, width).astype(np.float32)

        self.o_tail = part(self.opportunity_vectors, tail_map, n_tail)
        self.c_tail_t = part(self.profiles, tail_map, n_tail).T.tocsr()
        self.o_head = part(self.opportunity_vectors, head_map, n_head).toarray() if n_head else None
        self.c_head = part(self.profiles, head_map, n_head).toarray() if n_head else None
        # Portfolio items in the block pass only for small problems; large ones score them exactly for
        # the candidates (`_score_pairs`).
        self.i_t = None if self.large else self.item_vectors.astype(np.float32).T.tocsr()
        has_items = np.diff(self.item_start) > 0
        self.with_items = np.flatnonzero(has_items)
        self.item_first = self.item_start[:-1][has_items]

    # Structured parts -----------------------------------------------------------------------------------

    def _build_structured(self) -> None:
        companies, opportunities = self.companies, self.opportunities
        n_companies = len(companies)
        self.c_disciplines = [
            frozenset(c.disciplines).union(*(item.disciplines for item in c.portfolio)) for c in companies
        ]
        self.c_themes = [frozenset(c.themes).union(*(item.themes for item in c.portfolio)) for c in companies]
        self.c_presence = [frozenset(code.upper() for code in c.local_presence) for c in companies]
        self.c_targets = [frozenset(code.upper() for code in c.target_countries) for c in companies]
        self.c_languages = [frozenset(code.lower() for code in c.languages) for c in companies]

        self.o_required = [tuple(dict.fromkeys(o.required_disciplines)) for o in opportunities]
        self.o_nice = [
            tuple(slug for slug in dict.fromkeys(o.nice_disciplines) if slug not in set(o.required_disciplines))
            for o in opportunities
        ]
        self.o_themes = [tuple(dict.fromkeys(o.themes)) for o in opportunities]
        self.o_country = [o.country.upper() for o in opportunities]
        self.o_languages = [
            tuple(dict.fromkeys(code.lower() for code in o.languages)) or DEFAULT_LANGUAGES for o in opportunities
        ]

        def index(groups) -> dict[str, int]:
            labels = sorted({label for group in groups for label in group})
            return {label: i for i, label in enumerate(labels)}

        disciplines = index(self.o_required + self.o_nice)
        themes = index(self.o_themes)
        countries = index([[code] for code in self.o_country if code])
        languages = index(self.o_languages)

        def share(groups):  # 1 / size of each opportunity's group
            return [1.0 / len(group) if group else 0.0 for group in groups]

        c_country_fit = [
            {
                **dict.fromkeys(targets, COUNTRY_FIT["interest"]),
                **dict.fromkeys(presence, COUNTRY_FIT["presence"]),
            }
            for presence, targets in zip(self.c_presence, self.c_targets, strict=True)
        ]
        # Company features and, per part, the opportunity's weights on them.
        self.c_features = {
            "disciplines": _one_hot(self.c_disciplines, disciplines),
            "themes": _one_hot(self.c_themes, themes),
            "country": _one_hot(c_country_fit, countries),
            "language": _one_hot(self.c_languages, languages),
        }
        self.o_features = {
            "required": _one_hot(self.o_required, disciplines, share(self.o_required)),
            "nice": _one_hot(self.o_nice, disciplines, share(self.o_nice)),
            "themes": _one_hot(self.o_themes, themes, share(self.o_themes)),
            "country": _one_hot([[code] if code else [] for code in self.o_country], countries),
            "language": _one_hot(self.o_languages, languages, share(self.o_languages)),
        }
        self.part_features = {
            "required": "disciplines",
            "nice": "disciplines",
            "themes": "themes",
            "country": "country",
            "language": "language",
        }
        # One product for all structured parts: [disciplines | themes | country | language].
        w = self.w
        self.f_companies_t = (
            sparse.hstack(
                [self.c_features[name] for name in ("disciplines", "themes", "country", "language")], format="csr"
            )
            .T.tocsr()
            .astype(np.float32)
        )
        unit = w["text"] if w["text"] > 0 else 1.0  # screening scores are in units of the text weight
        self.f_opportunities = sparse.hstack(
            [
                (w["required"] * self.o_features["required"] + w["nice"] * self.o_features["nice"]) / unit,
                w["themes"] / unit * self.o_features["themes"],
                w["country"] / unit * self.o_features["country"],
                w["language"] / unit * self.o_features["language"],
            ],
            format="csr",
        ).astype(np.float32)
        self.f_opportunities.eliminate_zeros()
        if self.f_companies_t.shape[0] * n_companies <= BLOCK_CELLS:
            self.f_companies_t = self.f_companies_t.toarray()
        self.required_binary = (self.o_features["required"] > 0).astype(np.float32).tocsr()
        self.disciplines_t = self.c_features["disciplines"].T.tocsr().astype(np.float32)

        # For exact scores and explanations of pairs: which of an opportunity's labels a company has, as
        # a bit mask over the opportunity's list (company membership as sorted keys company × label).
        self.lists = {
            "required": (self.o_required, disciplines, "disciplines"),
            "nice": (self.o_nice, disciplines, "disciplines"),
            "themes": (self.o_themes, themes, "themes"),
            "language": (self.o_languages, languages, "language"),
        }
        self.member_keys = {}
        for name, matrix in self.c_features.items():
            rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
            self.member_keys[name] = (rows * max(matrix.shape[1], 1) + matrix.indices, matrix.data, matrix.shape[1])
        self.padded = {}
        for name, (groups, label_index, _features) in self.lists.items():
            width = max((len(group) for group in groups), default=0)
            padded = np.full((len(groups), max(width, 1)), -1, dtype=np.int64)
            for row, group in enumerate(groups):
                padded[row, : len(group)] = [label_index[label] for label in group]
            self.padded[name] = (padded, np.asarray([len(group) for group in groups], dtype=np.int64))
        self.o_country_index = np.asarray([countries.get(code, -1) for code in self.o_country], dtype=np.int64)

    # Block pass ---------------------------------------------------------------------------------------------

    def _block_scores(self, start: int, stop: int) -> np.ndarray:
        """Screening scores (float32) of opportunities start:stop against all companies, -inf where a
        pair is filtered out. Exact for small problems up to float32 rounding; for large ones without the
        portfolio items and the discipline-or-text filter (`_score_pairs` applies both)."""
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

    def _block_candidates(self, start: int, stop: int, k_opportunity: int, top: _CompanyTop | None) -> dict:
        """Scores a block and picks its candidates: each opportunity's best `k_opportunity` companies and,
        for the companies' running tops, the entries above their current thresholds."""
        scores = self._block_scores(start, stop)
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
        return result

    def _candidates(self, per_opportunity: int, per_company: int) -> tuple[np.ndarray, np.ndarray]:
        """Candidate pairs (opportunity, company) from the block pass."""
        margin_o = LARGE_CANDIDATE_MARGIN["opportunity"] if self.large else CANDIDATE_MARGIN
        margin_c = LARGE_CANDIDATE_MARGIN["company"] if self.large else CANDIDATE_MARGIN
        k_opportunity = per_opportunity + margin_o if per_opportunity else 0
        top = _CompanyTop(self.n_c, per_company + margin_c) if per_company else None
        block = max(1, min(1024, BLOCK_CELLS // max(self.n_c, 1 if self.large else len(self.items), 1)))
        starts = list(range(0, self.n_o, block))
        found_o, found_c = [], []

        def consume(result) -> None:
            if "opportunity" in result:
                found_o.append(result["opportunity"][0])
                found_c.append(result["opportunity"][1])
            if "company" in result:
                top.add(*result["company"])

        def run(start):
            return self._block_candidates(start, min(start + block, self.n_o), k_opportunity, top)

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
        if top is not None:
            rows, columns = top.pairs()
            found_o.append(rows)
            found_c.append(columns)
        # The block pass is over: drop its matrices before the candidates are scored and explained.
        self.o_tail = self.c_tail_t = self.o_head = self.c_head = self.i_t = None
        self.f_companies_t = self.f_opportunities = self.required_binary = self.disciplines_t = None
        if not found_o:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        pairs = np.unique(np.concatenate(found_o).astype(np.int64) * self.n_c + np.concatenate(found_c))
        return pairs // self.n_c, pairs % self.n_c

    # Exact scores ---------------------------------------------------------------------------------------

    def _score_pairs(self, o: np.ndarray, c: np.ndarray) -> dict[str, np.ndarray]:
        """Exact fits and part values (in millionths) of the given pairs."""
        profile = _rowwise(self.opportunity_vectors, o, self.profiles, c)
        counts = self.item_start[c + 1] - self.item_start[c]
        best_item = np.full(len(o), -1, dtype=np.int64)
        item_similarity = np.zeros(len(o))
        with_items = np.flatnonzero(counts > 0)
        if len(with_items):
            pair_of = np.repeat(with_items, counts[with_items])
            offsets = np.concatenate(([0], np.cumsum(counts[with_items])[:-1]))
            item = self.item_start[c[pair_of]] + (np.arange(len(pair_of)) - np.repeat(offsets, counts[with_items]))
            similarity = _rowwise(self.opportunity_vectors, o[pair_of], self.item_vectors, item)
            best = np.maximum.reduceat(similarity, offsets)
            item_similarity[with_items] = best
            is_best = np.flatnonzero(similarity >= best[np.searchsorted(with_items, pair_of)])
            _, first = np.unique(pair_of[is_best], return_index=True)
            best_item[with_items] = item[is_best[first]]
        profile = np.clip(profile, 0.0, 1.0)
        item_similarity = np.clip(item_similarity, 0.0, 1.0)
        text = np.where(counts > 0, np.maximum(profile, (profile + item_similarity) / 2), profile)
        fits = {"text": np.sqrt(text)}
        codes = {}
        for name in self.lists:
            count, codes[name] = self._membership(name, o, c)
            length = self.padded[name][1][o]
            fits[name] = np.divide(count, length, out=np.zeros(len(o)), where=length > 0)
        found, fit = self._lookup_members("country", self.o_country_index[o], c)
        codes["country"] = np.where(found, np.where(fit >= COUNTRY_FIT["presence"], 2, 1), 0)
        fits["country"] = np.asarray([COUNTRY_FIT["none"], COUNTRY_FIT["interest"], COUNTRY_FIT["presence"]])[
            codes["country"]
        ]
        values = {name: np.rint(fits[name] * self.micro[name]).astype(np.int64) for name in PART_NAMES}
        eligible = text >= TEXT_FLOOR
        if not self.text_only:
            eligible |= fits["required"] > 0
        return {
            "codes": codes,
            "eligible": eligible,
            "profile": profile,
            "item_similarity": item_similarity,
            "best_item": best_item,
            "similarity": text,
            "fits": fits,
            "values": values,
            "total": sum(values.values()),
        }

    def _lookup_members(self, features: str, labels: np.ndarray, c: np.ndarray):
        """(found, value) of label `labels[i]` for company `c[i]` (label -1: not found)."""
        keys, data, width = self.member_keys[features]
        wanted = c * max(width, 1) + labels
        position = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
        found = (labels >= 0) & (len(keys) > 0)
        if len(keys):
            found &= keys[position] == wanted
            return found, np.where(found, data[position], 0.0)
        return found, np.zeros(len(c))

    def _membership(self, name: str, o: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(how many of the opportunity's labels the company has, which: bit j for the j-th label)."""
        padded, _lengths = self.padded[name]
        count = np.zeros(len(o), dtype=np.int64)
        mask = np.zeros(len(o), dtype=np.int64)
        for j in range(padded.shape[1]):
            found, _value = self._lookup_members(self.lists[name][2], padded[o, j], c)
            count += found
            if j < 62:
                mask |= found.astype(np.int64) << j
        return count, mask

    # Ranking and explanations ------------------------------------------------------------------------------

    def suggestions(self, per_opportunity: int, per_company: int) -> list[Suggestion]:
        o, c = self._candidates(per_opportunity, per_company)
        if not len(o):
            return []
        scored = self._score_pairs(o, c)
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
        return self._explain(o, c, scored, rank_o, rank_c)

    def _explain(self, o, c, scored, rank_o, rank_c) -> list[Suggestion]:
        """Suggestions for the kept pairs, with their parts and details (the pairs' arrays in `scored`)."""
        best_item = scored["best_item"]
        profile = scored["profile"]
        item_similarity = scored["item_similarity"]
        from_item = (best_item >= 0) & (item_similarity > profile)
        terms: list[list[int]] = [[] for _ in range(len(o))]
        for selector, matrix, rows in (
            (np.flatnonzero(~from_item), self.profiles, c),
            (np.flatnonzero(from_item), self.item_vectors, best_item),
        ):
            if len(selector):
                found = _top_terms(self.opportunity_vectors, o[selector], matrix, rows[selector], SHARED_TERMS)
                for position, columns in zip(selector.tolist(), found, strict=True):
                    terms[position] = columns
        used = np.unique(np.fromiter((column for row in terms for column in row), dtype=np.int64))
        surfaces = {int(column): self.corpus.surface(int(self.term_ids[column])) for column in used}

        names = [name for name in PART_NAMES if self.micro[name] > 0]
        o_list, c_list = o.tolist(), c.tolist()
        columns_of_parts = []
        for name in names:
            values = (scored["values"][name] / _UNIT).tolist()
            if name == "text":
                items = [
                    self.items[index] if index >= 0 and similarity > 0 else None
                    for index, similarity in zip(best_item.tolist(), item_similarity.tolist(), strict=True)
                ]
                details = [
                    {
                        "similarity": similarity,
                        "item": item.title if item is not None else None,
                        "item_id": item.id if item is not None else None,
                        "source": "item" if item_first else "profile",
                        "terms": list(dict.fromkeys([surfaces[column] for column in columns])),
                    }
                    for similarity, item, item_first, columns in zip(
                        np.round(scored["similarity"], 4).tolist(),
                        items,
                        from_item.tolist(),
                        terms,
                        strict=True,
                    )
                ]
                columns_of_parts.append(
                    [_new_part("text", value, detail) for value, detail in zip(values, details, strict=True)]
                )
                continue
            # A structured part depends only on the opportunity and which of its labels the company has:
            # one shared Part per such key (Parts are frozen; treat their details as read-only).
            shift = 2 if name == "country" else self.padded[name][0].shape[1]
            codes = scored["codes"][name]
            if shift > 62:  # more labels than a mask holds: no sharing
                columns_of_parts.append(
                    [
                        Part(name, value, self._detail(name, oi, ci))
                        for value, oi, ci in zip(values, o_list, c_list, strict=True)
                    ]
                )
                continue
            if self.n_o.bit_length() + shift <= 62:
                keys = ((o << shift) | codes).tolist()
            else:
                keys = list(zip(o_list, codes.tolist(), strict=True))
            cache: dict = {}
            column = []
            for key, value, oi, ci in zip(keys, values, o_list, c_list, strict=True):
                part = cache.get(key)
                if part is None:
                    part = cache[key] = Part(name, value, self._detail(name, oi, ci))
                column.append(part)
            columns_of_parts.append(column)
        opportunity_ids = [opportunity.id for opportunity in self.opportunities]
        company_ids = [company.id for company in self.companies]
        return [
            _new_suggestion(
                opportunity_ids[oi],
                company_ids[ci],
                score,
                parts,
                rank_for_opportunity or None,
                rank_for_company or None,
            )
            for oi, ci, score, parts, rank_for_opportunity, rank_for_company in zip(
                o_list,
                c_list,
                (scored["total"] / _UNIT).tolist(),
                zip(*columns_of_parts, strict=True),
                rank_o.tolist(),
                rank_c.tolist(),
                strict=True,
            )
        ]

    def _detail(self, name: str, o: int, c: int) -> dict:
        if name == "country":
            country = self.o_country[o]
            if country and country in self.c_presence[c]:
                fit = "presence"
            elif country and country in self.c_targets[c]:
                fit = "interest"
            else:
                fit = "none"
            return {"country": country or None, "fit": fit}
        wanted = self.lists[name][0][o]
        offered = {
            "required": self.c_disciplines,
            "nice": self.c_disciplines,
            "themes": self.c_themes,
            "language": self.c_languages,
        }[name][c]
        matched = [label for label in wanted if label in offered]
        missing = [label for label in wanted if label not in offered]
        coverage = round(len(matched) / len(wanted), 4) if wanted else 0.0
        if name == "language":
            return {"shared": matched, "missing": missing, "coverage": coverage}
        return {"matched": matched, "missing": missing, "coverage": coverage}


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


def _slot_setters(cls) -> tuple:
    return tuple(cls.__dict__[item.name].__set__ for item in fields(cls))


# Fast constructors for the frozen, slotted results: they set the slots through their descriptors instead
# of the generated __init__ (which goes through object.__setattr__ per field). Same objects, in about half
# the time, which counts for the million suggestions of a full recompute.
_new = object.__new__
_PART_NAME, _PART_VALUE, _PART_DETAIL = _slot_setters(Part)
_S_OPPORTUNITY, _S_COMPANY, _S_SCORE, _S_PARTS, _S_RANK_O, _S_RANK_C = _slot_setters(Suggestion)


def _new_part(name: str, value: float, detail: dict) -> Part:
    part = _new(Part)
    _PART_NAME(part, name)
    _PART_VALUE(part, value)
    _PART_DETAIL(part, detail)
    return part


def _new_suggestion(opportunity_id, company_id, score, parts, rank_for_opportunity, rank_for_company) -> Suggestion:
    suggestion = _new(Suggestion)
    _S_OPPORTUNITY(suggestion, opportunity_id)
    _S_COMPANY(suggestion, company_id)
    _S_SCORE(suggestion, score)
    _S_PARTS(suggestion, parts)
    _S_RANK_O(suggestion, rank_for_opportunity)
    _S_RANK_C(suggestion, rank_for_company)
    return suggestion


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
