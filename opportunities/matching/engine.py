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

4. Storage and changes. `Engine.compute` returns a `Computation`: the kept pairs as arrays, rendered in chunks
   as objects (`suggestions`) or in the compact stored form (`stored`: `canonical_json(stored_parts(...))`,
   the text PostgreSQL prints jsonb in, which rows stored as jsonb became in migration 0007; a stored row
   is compared as text, never parsed), so a million suggestions are never built at once. Its `index`
   (`MatchIndex`, the processed corpus: vectors, labels, lookups) can stay in memory and follow changes
   (`upsert_*`, `remove_*` analyse only the changed texts, with the idf of the build), and score one or a
   few documents exactly against all the others (`score_one`, `top`, `score_block`: the same numbers as the
   full computation's exact scores).

Figures (full and incremental recomputes at 100 000 × 10 000, with the database) are in docs/matching.md.
The cyclic garbage collector is paused during a computation (`_paused_gc`): it would otherwise walk the
heap again and again while millions of small objects are built.
"""

from __future__ import annotations

import bisect
import gc
import json
import math
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from itertools import repeat

import numpy as np
from scipy import sparse

from . import glossary
from .documents import CompanyDoc, OpportunityDoc
from .text import Corpus

ENGINE_VERSION = "2"  # bump when scoring changes: stored suggestions record it

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
        computation = self.compute(companies, opportunities, per_opportunity=per_opportunity, per_company=per_company)
        return MatchResult(computation.suggestions())

    def compute(
        self,
        companies: list[CompanyDoc],
        opportunities: list[OpportunityDoc],
        *,
        per_opportunity: int = 20,
        per_company: int = 10,
    ) -> Computation:
        """`match` without building every suggestion at once: the kept pairs stay arrays, rendered in
        chunks (`Computation.suggestions`, `Computation.stored`), and the processed corpus stays available
        for incremental recomputes (`Computation.index`)."""
        return self.index(companies, opportunities).compute(max(0, per_opportunity), max(0, per_company))

    def index(self, companies: list[CompanyDoc], opportunities: list[OpportunityDoc]) -> MatchIndex:
        """The processed corpus alone (texts analysed, vectors and labels ready), without the block pass."""
        return MatchIndex(companies, opportunities, self._micro, self.text_only)

    def rank_for_opportunity(self, opportunity: OpportunityDoc, companies: list[CompanyDoc]) -> list[Suggestion]:
        """All eligible companies for one opportunity, best first (rank_for_company is None)."""
        companies = list(companies)
        return self.compute(companies, [opportunity], per_opportunity=len(companies), per_company=0).suggestions()

    def rank_for_company(self, company: CompanyDoc, opportunities: list[OpportunityDoc]) -> list[Suggestion]:
        """All eligible open opportunities for one company, best first (rank_for_opportunity is None)."""
        opportunities = list(opportunities)
        suggestions = self.compute(
            [company], opportunities, per_opportunity=0, per_company=len(opportunities)
        ).suggestions()
        return sorted(suggestions, key=lambda s: s.rank_for_company)


# --- Stored form ----------------------------------------------------------------------------------------------

# What a stored suggestion keeps of each part's detail: what the portal shows. Parts worth nothing are left
# out (the country part stays: "no link with the country yet" is worth showing), so the kept parts still add
# up to the score.
STORED_DETAIL = {
    "text": ("source", "item", "terms"),
    "required": ("matched",),
    "nice": ("matched",),
    "themes": ("matched",),
    "country": ("fit",),
    "language": ("shared",),
}


def stored_parts(parts) -> list[dict]:
    """The compact, JSON-ready form of a suggestion's parts that the portal stores and shows."""
    return [
        {
            "name": part.name,
            "value": part.value,
            "detail": {key: part.detail.get(key) for key in STORED_DETAIL[part.name]},
        }
        for part in parts
        if part.value > 0 or part.name == "country"
    ]


def _micro_text(micro: int) -> str:
    """A value in millionths as a JSON number, written as PostgreSQL prints it back (no exponent)."""
    text = f"{micro / _UNIT:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _json_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def canonical_json(value) -> str:
    """JSON text in the form PostgreSQL prints a jsonb value in (keys by length, then bytes; ", " and ": "
    between items; numbers as written): the stored parts, compared as text (rows stored as jsonb were
    converted to this form by migration 0007, so they compare equal to a new rendering). Floats must be
    multiples of 10⁻⁶ (part values are)."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda item: (len(item[0].encode()), item[0].encode()))
        return "{" + ", ".join(f"{_json_string(key)}: {canonical_json(item)}" for key, item in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(canonical_json(item) for item in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        return _micro_text(round(value * _UNIT))
    if isinstance(value, int):
        return str(value)
    return _json_string(value)


class Computation:
    """The kept pairs of one computation as arrays, rendered on demand (valid until its index changes)."""

    def __init__(self, index: MatchIndex, o, c, scored, rank_o, rank_c):
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
            return self.index._explain(*self._slice(start, stop))

    def stored(self, start: int = 0, stop: int | None = None) -> list[tuple]:
        """Rows start:stop as (opportunity id, company id, score, rank for the opportunity or None, rank for
        the company or None, the parts: `canonical_json(stored_parts(...))`)."""
        if not len(self):
            return []
        clock = time.perf_counter()
        with _paused_gc():
            rows = self.index._stored(*self._slice(start, stop), rendered=self._rendered)
        timings = self.index.timings
        timings["explanations"] = timings.get("explanations", 0.0) + time.perf_counter() - clock
        return rows


# --- The computation -----------------------------------------------------------------------------------------


def _profile_text(company: CompanyDoc) -> str:
    return f"{company.pitch}\n{company.description}"


def _item_text(item) -> str:
    return f"{item.title}\n{item.description}"


def _opportunity_text(opportunity: OpportunityDoc) -> str:
    return f"{opportunity.title}\n{opportunity.description}"


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


_LIST_PARTS = {"required": "disciplines", "nice": "disciplines", "themes": "themes", "language": "language"}


class MatchIndex:
    """The processed corpus of a set of companies and open opportunities: TF-IDF vectors over concept terms,
    the labels of the structured parts, and the lookups exact scoring needs.

    `compute` runs the block pass and keeps the top-k (a full computation). The index can then stay in
    memory (the worker keeps one) and follow changes without processing every text again: `upsert_*` and
    `remove_*` analyse only the changed documents. Between two builds the idf and the pruned common terms stay
    those of the last build (a new term counts as seen once), so a changed document is weighted like the
    others; `score_block` and `top` score one or a few documents exactly against all the others.
    Rows are kept in id order on both sides, which is the tie-break order."""

    def __init__(self, companies, opportunities, micro: dict, text_only: bool):
        companies = sorted((c for c in companies if c.open_to_matching), key=lambda c: id_key(c.id))
        opportunities = sorted((o for o in opportunities if o.is_open), key=lambda o: id_key(o.id))
        self.micro = micro
        self.w = {name: value / _UNIT for name, value in micro.items()}
        self.text_only = text_only
        self.company_ids = [company.id for company in companies]
        self.opportunity_ids = [opportunity.id for opportunity in opportunities]
        self._positions: dict[str, dict[str, int]] | None = None
        self._surface_json: dict[int, str] = {}
        self.timings: dict[str, float] = {}  # seconds per phase of the last build and computation
        with _paused_gc():
            clock = time.perf_counter()
            self._build_text(companies, opportunities)
            self.timings["text processing"] = time.perf_counter() - clock
            clock = time.perf_counter()
            self._build_company_labels(companies)
            self._build_opportunity_labels(opportunities)
            self._build_structured()
            self.timings["labels"] = time.perf_counter() - clock

    @property
    def n_c(self) -> int:
        return len(self.company_ids)

    @property
    def n_o(self) -> int:
        return len(self.opportunity_ids)

    # Text ------------------------------------------------------------------------------------------

    def _build_text(self, companies, opportunities) -> None:
        corpus = self.corpus = Corpus()
        # Shared terms are shown in the words of the opportunities' texts (a shared term is in both).
        for company in companies:
            corpus.add(_profile_text(company), count_surfaces=False)
        owners, self.item_ids, self.item_titles = [], [], []
        for index, company in enumerate(companies):
            for item in company.portfolio:
                corpus.add(_item_text(item), count_surfaces=False)
                owners.append(index)
                self.item_ids.append(item.id)
                self.item_titles.append(item.title)
        for opportunity in opportunities:
            corpus.add(_opportunity_text(opportunity))
        n_c, n_i = len(companies), len(self.item_ids)
        counts = corpus.counts()
        corpus.release()
        own, item_counts, opportunity_counts = counts[:n_c], counts[n_c : n_c + n_i], counts[n_c + n_i :]
        del counts
        self.item_owner = np.asarray(owners, dtype=np.int64)
        self.item_start = _starts(self.item_owner, n_c)
        profile_counts = _profile_counts(own, item_counts, self.item_owner)
        del own

        n_terms = profile_counts.shape[1]
        df_companies = np.bincount(profile_counts.indices, minlength=n_terms)
        df_opportunities = np.bincount(opportunity_counts.indices, minlength=n_terms)
        df = df_companies + df_opportunities
        n_docs = n_c + len(opportunities)
        self.keep = df <= MAX_DF * n_docs if n_docs >= MIN_DOCS_FOR_MAX_DF else np.ones(n_terms, dtype=bool)
        self.idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
        self.new_term_idf = math.log((1.0 + n_docs) / 2.0) + 1.0  # a term first seen after the build
        self.profiles = _tfidf_rows(profile_counts, self.idf, self.keep)
        self.item_vectors = _tfidf_rows(item_counts, self.idf, self.keep)
        self.opportunity_vectors = _tfidf_rows(opportunity_counts, self.idf, self.keep)

    def _counts(self, texts: list[str], count_surfaces: bool) -> sparse.csr_matrix:
        """Raw term counts of new texts; the vocabulary grows, and a new term gets the idf of a term seen once."""
        corpus = self.corpus
        for text in texts:
            corpus.add(text, count_surfaces=count_surfaces)
        counts = corpus.counts()
        corpus.release()
        n_terms = counts.shape[1]
        if n_terms > len(self.idf):
            extra = n_terms - len(self.idf)
            self.idf = np.concatenate((self.idf, np.full(extra, self.new_term_idf)))
            self.keep = np.concatenate((self.keep, np.ones(extra, dtype=bool)))
        if count_surfaces:
            self._surface_json = {}
        return counts

    # Labels --------------------------------------------------------------------------------------------

    def _build_company_labels(self, companies) -> None:
        (self.c_disciplines, self.c_themes, self.c_presence, self.c_targets, self.c_languages) = _company_labels(
            companies
        )

    @staticmethod
    def _opportunity_labels(o: OpportunityDoc) -> tuple:
        required = tuple(dict.fromkeys(o.required_disciplines))
        nice = tuple(slug for slug in dict.fromkeys(o.nice_disciplines) if slug not in set(required))
        themes = tuple(dict.fromkeys(o.themes))
        languages = tuple(dict.fromkeys(code.lower() for code in o.languages)) or DEFAULT_LANGUAGES
        return required, nice, themes, o.country.upper(), languages

    def _build_opportunity_labels(self, opportunities) -> None:
        labels = [self._opportunity_labels(o) for o in opportunities]
        self.o_required = [label[0] for label in labels]
        self.o_nice = [label[1] for label in labels]
        self.o_themes = [label[2] for label in labels]
        self.o_country = [label[3] for label in labels]
        self.o_languages = [label[4] for label in labels]

    def _build_structured(self) -> None:
        """Label indexes (the opportunities' labels), company features and the opportunity-side lookups."""

        def index(groups) -> dict[str, int]:
            labels = sorted({label for group in groups for label in group})
            return {label: i for i, label in enumerate(labels)}

        labels = (self.c_disciplines, self.c_themes, self.c_presence, self.c_targets, self.c_languages)
        self.label_index = {
            "disciplines": index(self.o_required + self.o_nice),
            "themes": index(self.o_themes),
            "country": index([[code] for code in self.o_country if code]),
            "language": index(self.o_languages),
        }
        self.c_features = {
            name: self._company_features_of(labels, name) for name in ("disciplines", "themes", "country", "language")
        }
        self._build_member_keys()
        self._build_opportunity_lookups()

    def _build_member_keys(self) -> None:
        # Which labels a company has, as sorted keys company × label (exact scores of given pairs).
        self.member_keys = {}
        for name, matrix in self.c_features.items():
            rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
            self.member_keys[name] = (rows * max(matrix.shape[1], 1) + matrix.indices, matrix.data, matrix.shape[1])

    def _build_opportunity_lookups(self) -> None:
        self.lists = {
            "required": self.o_required,
            "nice": self.o_nice,
            "themes": self.o_themes,
            "language": self.o_languages,
        }
        self.padded = {}
        self.o_binary = {}
        for name, groups in self.lists.items():
            label_index = self.label_index[_LIST_PARTS[name]]
            width = max((len(group) for group in groups), default=0)
            padded = np.full((len(groups), max(width, 1)), -1, dtype=np.int64)
            for row, group in enumerate(groups):
                padded[row, : len(group)] = [label_index[label] for label in group]
            self.padded[name] = (padded, np.asarray([len(group) for group in groups], dtype=np.int64))
            self.o_binary[name] = _one_hot(groups, label_index)
        countries = self.label_index["country"]
        self.o_country_index = np.asarray([countries.get(code, -1) for code in self.o_country], dtype=np.int64)
        self.o_binary["country"] = _one_hot([[code] if code else [] for code in self.o_country], countries)

    # Changes ------------------------------------------------------------------------------------------

    def _position(self, side: str, doc_id: str) -> int | None:
        if self._positions is None:
            self._positions = {
                "company": {doc_id: row for row, doc_id in enumerate(self.company_ids)},
                "opportunity": {doc_id: row for row, doc_id in enumerate(self.opportunity_ids)},
            }
        return self._positions[side].get(doc_id)

    def has_company(self, company_id) -> bool:
        return self._position("company", str(company_id)) is not None

    def has_opportunity(self, opportunity_id) -> bool:
        return self._position("opportunity", str(opportunity_id)) is not None

    def upsert_companies(self, companies) -> None:
        """Take in new or changed companies (one not open to matching is removed)."""
        self._set_companies({company.id: company if company.open_to_matching else None for company in companies})

    def remove_companies(self, company_ids) -> None:
        self._set_companies({str(company_id): None for company_id in company_ids})

    def upsert_opportunities(self, opportunities) -> None:
        """Take in new or changed opportunities (one no longer open is removed)."""
        self._set_opportunities({o.id: o if o.is_open else None for o in opportunities})

    def remove_opportunities(self, opportunity_ids) -> None:
        self._set_opportunities({str(opportunity_id): None for opportunity_id in opportunity_ids})

    def _edits(self, side: str, changes: dict) -> list[tuple[int, int, object]]:
        """(start, stop, new document or None) per change, in row order: a document's own row, or an empty
        slot at its place in id order; changes to documents the index doesn't hold and that stay out go."""
        ids = self.company_ids if side == "company" else self.opportunity_ids
        edits = []
        for doc_id, doc in changes.items():
            row = self._position(side, doc_id)
            if row is not None:
                edits.append((row, row + 1, doc))
            elif doc is not None:
                row = bisect.bisect_left(_IdKeys(ids), id_key(doc_id))
                edits.append((row, row, doc))
        edits.sort(key=lambda edit: (edit[0], edit[1], id_key(edit[2].id) if edit[2] is not None else ()))
        return edits

    def _set_companies(self, changes: dict) -> None:
        edits = self._edits("company", changes)
        if not edits:
            return
        with _paused_gc():
            docs = [doc for _start, _stop, doc in edits if doc is not None]
            items = [list(doc.portfolio) for doc in docs]
            texts = [_profile_text(doc) for doc in docs] + [_item_text(item) for found in items for item in found]
            counts = self._counts(texts, count_surfaces=False) if texts else sparse.csr_matrix((0, len(self.idf)))
            own, item_counts = counts[: len(docs)], counts[len(docs) :]
            owners = np.repeat(np.arange(len(docs)), [len(found) for found in items]).astype(np.int64)
            profiles = _tfidf_rows(_profile_counts(own, item_counts, owners), self.idf, self.keep)
            item_vectors = _tfidf_rows(item_counts, self.idf, self.keep)
            item_offsets = np.concatenate(([0], np.cumsum([len(found) for found in items]))).astype(np.int64)
            labels = _company_labels(docs)
            # Rebuild each row-wise structure once: kept slices of the old rows, the new rows in between.
            pieces, item_pieces, position = [], [], 0
            new_row = 0
            for start, stop, doc in edits:
                pieces.append(("old", position, start))
                item_pieces.append(("old", int(self.item_start[position]), int(self.item_start[start])))
                if doc is not None:
                    pieces.append(("new", new_row, new_row + 1))
                    item_pieces.append(("new", int(item_offsets[new_row]), int(item_offsets[new_row + 1])))
                    new_row += 1
                position = stop
            pieces.append(("old", position, self.n_c))
            item_pieces.append(("old", int(self.item_start[position]), len(self.item_ids)))
            n_columns = len(self.idf)
            self.profiles = _widen(_assemble(self.profiles, profiles, pieces), n_columns)
            self.item_vectors = _widen(_assemble(self.item_vectors, item_vectors, item_pieces), n_columns)
            self.opportunity_vectors = _widen(self.opportunity_vectors, n_columns)
            new_items = [item for found in items for item in found]
            self.item_ids = _assemble_list(self.item_ids, [item.id for item in new_items], item_pieces)
            self.item_titles = _assemble_list(self.item_titles, [item.title for item in new_items], item_pieces)
            counts_per_company = np.diff(self.item_start)
            new_counts = np.diff(item_offsets)
            per_company = np.concatenate(
                [counts_per_company[a:b] if kind == "old" else new_counts[a:b] for kind, a, b in pieces]
            ).astype(np.int64)
            self.company_ids = _assemble_list(self.company_ids, [doc.id for doc in docs], pieces)
            self.item_owner = np.repeat(np.arange(len(self.company_ids)), per_company).astype(np.int64)
            self.item_start = _starts(self.item_owner, len(self.company_ids))
            self._positions = None
            for name, new_labels in zip(
                ("c_disciplines", "c_themes", "c_presence", "c_targets", "c_languages"), labels, strict=True
            ):
                setattr(self, name, _assemble_list(getattr(self, name), new_labels, pieces))
            for name in list(self.c_features):
                rows = self._company_features_of(labels, name)
                self.c_features[name] = _assemble(self.c_features[name], rows, pieces)
            self._build_member_keys()

    def _company_features_of(self, labels: tuple, name: str) -> sparse.csr_matrix:
        disciplines, themes, presence, targets, languages = labels
        if name == "country":
            fits = [
                {**dict.fromkeys(target, COUNTRY_FIT["interest"]), **dict.fromkeys(present, COUNTRY_FIT["presence"])}
                for present, target in zip(presence, targets, strict=True)
            ]
            return _one_hot(fits, self.label_index[name])
        groups = {"disciplines": disciplines, "themes": themes, "language": languages}[name]
        return _one_hot(groups, self.label_index[name])

    def _set_opportunities(self, changes: dict) -> None:
        edits = self._edits("opportunity", changes)
        if not edits:
            return
        with _paused_gc():
            docs = [doc for _start, _stop, doc in edits if doc is not None]
            if docs:
                counts = self._counts([_opportunity_text(doc) for doc in docs], count_surfaces=True)
                vectors = _tfidf_rows(counts, self.idf, self.keep)
            else:
                vectors = sparse.csr_matrix((0, len(self.idf)))
            pieces, position, new_row = [], 0, 0
            for start, stop, doc in edits:
                pieces.append(("old", position, start))
                if doc is not None:
                    pieces.append(("new", new_row, new_row + 1))
                    new_row += 1
                position = stop
            pieces.append(("old", position, self.n_o))
            n_columns = len(self.idf)
            self.opportunity_vectors = _widen(_assemble(self.opportunity_vectors, vectors, pieces), n_columns)
            self.profiles = _widen(self.profiles, n_columns)
            self.item_vectors = _widen(self.item_vectors, n_columns)
            self.opportunity_ids = _assemble_list(self.opportunity_ids, [doc.id for doc in docs], pieces)
            self._positions = None
            labels = [self._opportunity_labels(doc) for doc in docs]
            for position, name in enumerate(("o_required", "o_nice", "o_themes", "o_country", "o_languages")):
                setattr(self, name, _assemble_list(getattr(self, name), [label[position] for label in labels], pieces))
            known = all(
                all(slug in self.label_index["disciplines"] for slug in label[0] + label[1])
                and all(slug in self.label_index["themes"] for slug in label[2])
                and (not label[3] or label[3] in self.label_index["country"])
                and all(code in self.label_index["language"] for code in label[4])
                for label in labels
            )
            if known:
                self._build_opportunity_lookups()
            else:  # a label no open opportunity had: the company features need a column for it
                self._build_structured()

    # Block pass ---------------------------------------------------------------------------------------------

    def _prepare_block_pass(self) -> None:
        """float32 matrices for screening all pairs block by block (dropped again after the pass)."""
        n_c, n_o = self.n_c, self.n_o
        self.large = n_c * n_o > LARGE_PAIRS
        n_terms = len(self.idf)
        df_companies = np.bincount(self.profiles.indices, minlength=n_terms)
        df_opportunities = np.bincount(self.opportunity_vectors.indices, minlength=n_terms)
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

        self.o_tail = part(self.opportunity_vectors, tail_map, n_tail)
        self.c_tail_t = part(self.profiles, tail_map, n_tail).T.tocsr()
        self.o_head = part(self.opportunity_vectors, head_map, n_head).toarray() if n_head else None
        self.c_head = part(self.profiles, head_map, n_head).toarray() if n_head else None
        # Portfolio items in the block pass only for small problems; large ones score them exactly for the
        # candidates (`_score_pairs`).
        self.i_t = None if self.large else part(self.item_vectors, tail_map, n_tail).T.tocsr()
        has_items = np.diff(self.item_start) > 0
        self.with_items = np.flatnonzero(has_items)
        self.item_first = self.item_start[:-1][has_items]

        # One product for all structured parts: [disciplines | themes | country | language], the opportunity
        # side weighted by its share of each part.
        w = self.w

        def share(groups):  # 1 / size of each opportunity's group
            return [1.0 / len(group) if group else 0.0 for group in groups]

        def weighted(name):
            return _one_hot(self.lists[name], self.label_index[_LIST_PARTS[name]], share(self.lists[name]))

        unit = w["text"] if w["text"] > 0 else 1.0  # screening scores are in units of the text weight
        self.f_companies_t = (
            sparse.hstack(
                [self.c_features[name] for name in ("disciplines", "themes", "country", "language")], format="csr"
            )
            .T.tocsr()
            .astype(np.float32)
        )
        self.f_opportunities = sparse.hstack(
            [
                (w["required"] * weighted("required") + w["nice"] * weighted("nice")) / unit,
                w["themes"] / unit * weighted("themes"),
                w["country"] / unit * self.o_binary["country"],
                w["language"] / unit * weighted("language"),
            ],
            format="csr",
        ).astype(np.float32)
        self.f_opportunities.eliminate_zeros()
        if self.f_companies_t.shape[0] * n_c <= BLOCK_CELLS:
            self.f_companies_t = self.f_companies_t.toarray()
        self.required_binary = self.o_binary["required"].astype(np.float32).tocsr()
        self.disciplines_t = self.c_features["disciplines"].T.tocsr().astype(np.float32)

    def _drop_block_pass(self) -> None:
        self.o_tail = self.c_tail_t = self.o_head = self.c_head = self.i_t = None
        self.f_companies_t = self.f_opportunities = self.required_binary = self.disciplines_t = None

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
        clock = time.perf_counter()
        scores = self._block_scores(start, stop)
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
        self._block_seconds.append((scored - clock, time.perf_counter() - scored))
        return result

    def _candidates(self, per_opportunity: int, per_company: int) -> tuple[np.ndarray, np.ndarray]:
        """Candidate pairs (opportunity, company) from the block pass."""
        self._prepare_block_pass()
        margin_o = LARGE_CANDIDATE_MARGIN["opportunity"] if self.large else CANDIDATE_MARGIN
        margin_c = LARGE_CANDIDATE_MARGIN["company"] if self.large else CANDIDATE_MARGIN
        k_opportunity = per_opportunity + margin_o if per_opportunity else 0
        top = _CompanyTop(self.n_c, per_company + margin_c) if per_company else None
        n_items = len(self.item_ids)
        block = max(1, min(1024, BLOCK_CELLS // max(self.n_c, 1 if self.large else n_items, 1)))
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
            self._drop_block_pass()
        if top is not None:
            rows, columns = top.pairs()
            found_o.append(rows)
            found_c.append(columns)
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
            found, _value = self._lookup_members(_LIST_PARTS[name], padded[o, j], c)
            count += found
            if j < 62:
                mask |= found.astype(np.int64) << j
        return count, mask

    def score_block(self, o_rows, c_rows) -> tuple[np.ndarray, np.ndarray]:
        """Exact scores (in millionths) and eligibility of every pair of opportunity rows `o_rows` × company
        rows `c_rows`, as dense len(o_rows) × len(c_rows) arrays: the same numbers `_score_pairs` gives."""
        o_rows, c_rows = np.asarray(o_rows, dtype=np.int64), np.asarray(c_rows, dtype=np.int64)
        vectors = self.opportunity_vectors[o_rows]
        profile = _product(vectors, self.profiles[c_rows])
        counts = self.item_start[c_rows + 1] - self.item_start[c_rows]
        item_similarity = np.zeros_like(profile)
        with_items = np.flatnonzero(counts > 0)
        if len(with_items):
            starts = self.item_start[c_rows[with_items]]
            lengths = counts[with_items]
            offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            items = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))
            similarity = _product(vectors, self.item_vectors[items])
            item_similarity[:, with_items] = np.maximum.reduceat(similarity, offsets, axis=1)
            del similarity
        np.clip(profile, 0.0, 1.0, out=profile)
        np.clip(item_similarity, 0.0, 1.0, out=item_similarity)
        text = np.where(counts > 0, np.maximum(profile, (profile + item_similarity) / 2), profile)
        del profile, item_similarity
        total = np.rint(np.sqrt(text) * self.micro["text"]).astype(np.int64)
        eligible = text >= TEXT_FLOOR
        for name in self.lists:
            count = _product(self.o_binary[name][o_rows], self.c_features[_LIST_PARTS[name]][c_rows])
            length = self.padded[name][1][o_rows][:, None].astype(np.float64)
            fit = np.divide(count, length, out=np.zeros_like(count), where=length > 0)
            total += np.rint(fit * self.micro[name]).astype(np.int64)
            if name == "required" and not self.text_only:
                eligible |= count > 0
        fit = _product(self.o_binary["country"][o_rows], self.c_features["country"][c_rows])
        total += np.rint(fit * self.micro["country"]).astype(np.int64)
        return total, eligible

    def top(self, side: str, doc_ids, k: int) -> dict[str, list[tuple[str, int]]]:
        """For each opportunity (side "opportunity") or company (side "company") in `doc_ids` that the index
        holds, its best `k` eligible counterparts as [(id, score in millionths)], best first, ties by id."""
        rows = [row for row in (self._position(side, str(doc_id)) for doc_id in doc_ids) if row is not None]
        result: dict[str, list[tuple[str, int]]] = {}
        if not rows or k <= 0:
            return result
        own_ids, other_ids = (
            (self.opportunity_ids, self.company_ids)
            if side == "opportunity"
            else (self.company_ids, self.opportunity_ids)
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
                total, eligible = self.score_block(block, everyone)
            else:
                total, eligible = self.score_block(everyone, block)
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

    def score_one(self, side: str, doc_id, k: int) -> tuple[list[tuple[str, int]], dict[str, int]]:
        """One opportunity (side "opportunity") or company against all the others: its best `k` as `top`
        gives them, and every eligible counterpart's exact score (millionths) by id."""
        row = self._position(side, str(doc_id))
        if row is None:
            return [], {}
        if side == "opportunity":
            total, eligible = self.score_block([row], np.arange(self.n_c))
            ids = self.company_ids
        else:
            total, eligible = self.score_block(np.arange(self.n_o), [row])
            total, eligible = total.T, eligible.T
            ids = self.opportunity_ids
        scores, candidates = total[0], np.flatnonzero(eligible[0])
        values = scores[candidates]
        best = candidates
        if len(candidates) > k:
            kth = np.partition(values, len(values) - k)[len(values) - k]
            best = candidates[values >= kth]
        best = best[np.lexsort((best, -scores[best]))[: max(k, 0)]]
        top = [(ids[i], int(scores[i])) for i in best.tolist()]
        return top, dict(zip([ids[i] for i in candidates.tolist()], values.tolist(), strict=True))

    def render(self, pairs, rank_o=None, rank_c=None) -> list[tuple]:
        """Stored rows (`Computation.stored`) of the given (opportunity id, company id) pairs that the index
        holds, with the given ranks (None: no rank); pairs the index doesn't hold are left out."""
        o, c, kept = [], [], []
        for position, (opportunity_id, company_id) in enumerate(pairs):
            o_row = self._position("opportunity", str(opportunity_id))
            c_row = self._position("company", str(company_id))
            if o_row is not None and c_row is not None:
                o.append(o_row)
                c.append(c_row)
                kept.append(position)
        if not kept:
            return []
        o, c = np.asarray(o, dtype=np.int64), np.asarray(c, dtype=np.int64)

        def ranks(values):
            values = values or [None] * len(pairs)
            return np.asarray([values[position] or 0 for position in kept], dtype=np.int64)

        with _paused_gc():
            return self._stored(o, c, self._score_pairs(o, c), ranks(rank_o), ranks(rank_c))

    # Ranking and explanations ------------------------------------------------------------------------------

    def compute(self, per_opportunity: int, per_company: int) -> Computation:
        """The block pass, exact scores for the candidates and the top-k on each side."""
        empty = np.zeros(0, dtype=np.int64)
        if not self.n_c or not self.n_o or (per_opportunity == 0 and per_company == 0):
            return Computation(self, empty, empty, {}, empty, empty)
        with _paused_gc():
            clock = time.perf_counter()
            self._block_seconds: list[tuple[float, float]] = []
            o, c = self._candidates(per_opportunity, per_company)
            # The block pass interleaves scoring and top-k selection on several threads: its wall time is
            # shared out in proportion to the thread time each took.
            wall = time.perf_counter() - clock
            scoring = sum(seconds for seconds, _ in self._block_seconds)
            selecting = sum(seconds for _, seconds in self._block_seconds)
            share = scoring / (scoring + selecting) if scoring + selecting else 1.0
            self.timings["scoring: block pass"] = wall * share
            self.timings["top-k: block pass"] = wall * (1 - share)
            self.timings["candidates"] = len(o)
            if not len(o):
                return Computation(self, empty, empty, {}, empty, empty)
            clock = time.perf_counter()
            scored = self._score_pairs(o, c)
            self.timings["scoring: exact"] = time.perf_counter() - clock
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
            self.timings["top-k: ranking"] = time.perf_counter() - clock
            return Computation(self, o, c, scored, rank_o, rank_c)

    def _text_evidence(self, o, c, scored) -> tuple[np.ndarray, list[list[int]]]:
        """Per pair: whether its best portfolio item carried the text part, and the shared terms (columns)
        that add most to the cosine it is explained by."""
        best_item = scored["best_item"]
        from_item = (best_item >= 0) & (scored["item_similarity"] > scored["profile"])
        terms: list[list[int]] = [[] for _ in range(len(o))]
        for selector, matrix, rows in (
            (np.flatnonzero(~from_item), self.profiles, c),
            (np.flatnonzero(from_item), self.item_vectors, best_item),
        ):
            if len(selector):
                found = _top_terms(self.opportunity_vectors, o[selector], matrix, rows[selector], SHARED_TERMS)
                for position, columns in zip(selector.tolist(), found, strict=True):
                    terms[position] = columns
        return from_item, terms

    def _structured_keys(self, name: str, o: np.ndarray, codes: np.ndarray) -> list:
        """Keys under which a structured part is the same: the opportunity and which of its labels match."""
        shift = 2 if name == "country" else self.padded[name][0].shape[1]
        if shift > 62:  # more labels than a mask holds: no sharing
            return list(range(len(o)))
        if self.n_o.bit_length() + shift <= 62:
            return ((o << shift) | codes).tolist()
        return list(zip(o.tolist(), codes.tolist(), strict=True))

    def _explain(self, o, c, scored, rank_o, rank_c) -> list[Suggestion]:
        """Suggestions for the kept pairs, with their parts and details (the pairs' arrays in `scored`)."""
        best_item = scored["best_item"]
        item_similarity = scored["item_similarity"]
        from_item, terms = self._text_evidence(o, c, scored)
        corpus = self.corpus

        names = [name for name in PART_NAMES if self.micro[name] > 0]
        o_list, c_list = o.tolist(), c.tolist()
        columns_of_parts = []
        for name in names:
            values = (scored["values"][name] / _UNIT).tolist()
            if name == "text":
                details = [
                    {
                        "similarity": similarity,
                        "item": self.item_titles[index] if index >= 0 and item_score > 0 else None,
                        "item_id": self.item_ids[index] if index >= 0 and item_score > 0 else None,
                        "source": "item" if item_first else "profile",
                        "terms": list(dict.fromkeys([corpus.surface(column) for column in columns])),
                    }
                    for similarity, index, item_score, item_first, columns in zip(
                        np.round(scored["similarity"], 4).tolist(),
                        best_item.tolist(),
                        item_similarity.tolist(),
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
            keys = self._structured_keys(name, o, scored["codes"][name])
            cache: dict = {}
            column = []
            for key, value, oi, ci in zip(keys, values, o_list, c_list, strict=True):
                part = cache.get(key)
                if part is None:
                    part = cache[key] = Part(name, value, self._detail(name, oi, ci))
                column.append(part)
            columns_of_parts.append(column)
        opportunity_ids, company_ids = self.opportunity_ids, self.company_ids
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

    def _stored(self, o, c, scored, rank_o, rank_c, rendered: dict | None = None) -> list[tuple]:
        """Rows in the stored form: the same parts as `_explain`, as `canonical_json(stored_parts(...))`,
        written straight from the arrays (a million suggestions are never built as objects). `rendered`
        keeps item titles, numbers and structured parts as JSON text from one chunk of a computation to the
        next."""
        best_item = scored["best_item"].tolist()
        with_item = (scored["item_similarity"] > 0).tolist()
        from_item, terms = self._text_evidence(o, c, scored)
        surface_json = self._surface_json
        corpus = self.corpus
        rendered = rendered if rendered is not None else {"titles": {}, "numbers": {}}
        titles: dict[int, str] = rendered["titles"]
        numbers: dict[int, str] = rendered["numbers"]
        o_list, c_list = o.tolist(), c.tolist()
        fragments: list[list] = []
        structured_keys: list[list] = []
        structured_fragments: list[dict] = []
        for name in PART_NAMES:
            if self.micro[name] <= 0:
                continue
            values = scored["values"][name].tolist()
            if name == "text":
                column = []
                append = column.append
                for value, index, has_item, item_first, columns in zip(
                    values, best_item, with_item, from_item.tolist(), terms, strict=True
                ):
                    if value <= 0:
                        append(None)
                        continue
                    if index >= 0 and has_item:
                        item = titles.get(index)
                        if item is None:
                            item = titles[index] = _json_string(self.item_titles[index])
                    else:
                        item = "null"
                    words = []
                    for term in columns:
                        word = surface_json.get(term)
                        if word is None:
                            word = surface_json[term] = _json_string(corpus.surface(term))
                        if word not in words:
                            words.append(word)
                    number = numbers.get(value)
                    if number is None:
                        number = numbers[value] = _micro_text(value)
                    source = '"item"' if item_first else '"profile"'
                    append(
                        f'{{"name": "text", "value": {number}, "detail": {{"item": {item}, '
                        f'"terms": [{", ".join(words)}], "source": {source}}}}}'
                    )
                fragments.append(column)
                continue
            # A structured part is the same for all pairs with the same key (`_structured_keys`): one
            # fragment per key, and one joined text per combination of keys.
            keys = self._structured_keys(name, o, scored["codes"][name])
            cache: dict = rendered.setdefault(name, {})
            for key, value, oi, ci in zip(keys, values, o_list, c_list, strict=True):
                if key not in cache:
                    if value > 0 or name == "country":
                        detail = self._detail(name, oi, ci)
                        stored = {key: detail.get(key) for key in STORED_DETAIL[name]}
                        cache[key] = canonical_json({"name": name, "value": value / _UNIT, "detail": stored})
                    else:
                        cache[key] = None
            structured_keys.append(keys)
            structured_fragments.append(cache)
        joined: dict = rendered.setdefault("joined", {})
        structured = []
        for combination in zip(*structured_keys, strict=True):
            text = joined.get(combination)
            if text is None:
                found = (cache[key] for cache, key in zip(structured_fragments, combination, strict=True))
                text = joined[combination] = ", ".join(fragment for fragment in found if fragment is not None)
            structured.append(text)
        if not structured_keys:
            structured = [""] * len(o_list)
        texts = fragments[0] if fragments else [None] * len(o_list)
        opportunity_ids, company_ids = self.opportunity_ids, self.company_ids
        return [
            (
                opportunity_ids[oi],
                company_ids[ci],
                score,
                rank_for_opportunity or None,
                rank_for_company or None,
                f"[{text}, {rest}]" if text and rest else f"[{text or rest}]",
            )
            for oi, ci, score, text, rest, rank_for_opportunity, rank_for_company in zip(
                o_list,
                c_list,
                (scored["total"] / _UNIT).tolist(),
                texts,
                structured,
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
        wanted = self.lists[name][o]
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


def _company_labels(companies) -> tuple[list, list, list, list, list]:
    """Per company: its disciplines and themes (with its portfolio's), presence and target countries,
    languages."""
    return (
        [frozenset(c.disciplines).union(*(item.disciplines for item in c.portfolio)) for c in companies],
        [frozenset(c.themes).union(*(item.themes for item in c.portfolio)) for c in companies],
        [frozenset(code.upper() for code in c.local_presence) for c in companies],
        [frozenset(code.upper() for code in c.target_countries) for c in companies],
        [frozenset(code.lower() for code in c.languages) for c in companies],
    )


def _starts(owners: np.ndarray, n: int) -> np.ndarray:
    """Where each of `n` owners' rows start in `owners` (sorted), plus the end."""
    if not len(owners):
        return np.zeros(n + 1, dtype=np.int64)
    return np.searchsorted(owners, np.arange(n + 1)).astype(np.int64)


def _profile_counts(own: sparse.csr_matrix, item_counts: sparse.csr_matrix, owners: np.ndarray) -> sparse.csr_matrix:
    """Each company's own counts plus those of its portfolio items: one document per company."""
    n_c, n_i = own.shape[0], item_counts.shape[0]
    owner_matrix = sparse.csr_matrix((np.ones(n_i), (owners, np.arange(n_i))), shape=(n_c, n_i))
    profile_counts = sparse.csr_matrix(own + owner_matrix @ item_counts)
    profile_counts.sum_duplicates()
    return profile_counts


class _IdKeys:
    """A list of ids seen as their sort keys, for bisect."""

    def __init__(self, ids: list[str]):
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, position: int) -> tuple:
        return id_key(self.ids[position])


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
