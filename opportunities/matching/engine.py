"""The matching engine: ranked, explained suggestions between companies and opportunities.

This module is its front: `Engine`, `ENGINE_VERSION`, and the names of the stage modules re-exported
(see Stages below for which module does what).

Plain Python on the documents of `documents.py`, no ORM. `Engine.match` gives every open opportunity
its best companies and every company open to matching its best opportunities. A suggestion's score is
the sum of its parts, and every part says where its share came from (`Part.detail`,
`Suggestion.explanation`).

Scoring
-------
score = Σ weight × fit over the parts of `WEIGHTS` (`scoring.py`), each fit in [0, 1], so the score is in [0, 1].

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

1. Block pass (`screening.py`): opportunities in blocks of about `BLOCK_CELLS` / companies rows, each
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
2. Exact scoring (`scoring.score_pairs`): the candidates only, in float64: profile and item cosines as row-wise
   sparse products, the structured parts from sorted company × label keys (which labels a company has, as a
   bit mask per part). The filters apply here; ranks follow (score, then id), and the top-k are kept.
3. Explanations (`explanation.explain`) for the kept pairs only: the shared terms by contribution to the dot product
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
The cyclic garbage collector is paused during a computation (`arrays._paused_gc`): it would otherwise walk the
heap again and again while millions of small objects are built.

Stages
------
`text.py` (analysis into concept terms; word lists in `glossary.py` and `data/`) → `vectors.py` (TF-IDF
rows) → `index.py` (`MatchIndex`: vectors, labels, lookups; follows changes) → `screening.py` (block pass:
candidates) → `scoring.py` (`WEIGHTS`, exact scores) → `ranking.py` (top-k, `Computation`) →
`explanation.py` (parts and details) and `stored.py` (the stored form); `results.py` holds `Part`,
`Suggestion` and `MatchResult`, `arrays.py` the array helpers they share. The stage functions take the
`MatchIndex` as their first argument and never import `index.py`, so the modules import each other without
cycles.
"""

from __future__ import annotations

from .arrays import PAIR_CHUNK, WORKERS
from .documents import CompanyDoc, OpportunityDoc, id_key
from .explanation import SHARED_TERMS
from .index import DEFAULT_LANGUAGES, MatchIndex
from .ranking import Computation
from .results import MatchResult, Part, Suggestion
from .scoring import _UNIT, COUNTRY_FIT, DECIMALS, PART_NAMES, TEXT_FLOOR, WEIGHTS, _micro_weights
from .screening import BLOCK_CELLS, CANDIDATE_MARGIN, DENSE_HEAD_DENSITY, LARGE_CANDIDATE_MARGIN, LARGE_PAIRS
from .stored import STORED_DETAIL, canonical_json, stored_parts
from .vectors import MAX_DF, MIN_DOCS_FOR_MAX_DF

__all__ = [
    "BLOCK_CELLS",
    "CANDIDATE_MARGIN",
    "COUNTRY_FIT",
    "DECIMALS",
    "DEFAULT_LANGUAGES",
    "DENSE_HEAD_DENSITY",
    "ENGINE_VERSION",
    "LARGE_CANDIDATE_MARGIN",
    "LARGE_PAIRS",
    "MAX_DF",
    "MIN_DOCS_FOR_MAX_DF",
    "PAIR_CHUNK",
    "PART_NAMES",
    "SHARED_TERMS",
    "STORED_DETAIL",
    "TEXT_FLOOR",
    "WEIGHTS",
    "WORKERS",
    "Computation",
    "Engine",
    "MatchIndex",
    "MatchResult",
    "Part",
    "Suggestion",
    "canonical_json",
    "id_key",
    "stored_parts",
]

ENGINE_VERSION = "3"  # bump when scoring changes: stored suggestions record it


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
