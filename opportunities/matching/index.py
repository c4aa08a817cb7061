"""The index stage: the processed corpus of a set of companies and open opportunities (`MatchIndex`).

Texts analysed into TF-IDF rows (`text.py`, `vectors.py`), the labels of the structured parts and the lookups
exact scoring needs, all in id order; and the changes an index follows without processing every text again.
Scoring, ranking and rendering are the other stages' functions on an index (`scoring.py`, `ranking.py`,
`stored.py`); its methods for them only hand the index over.
"""

from __future__ import annotations

import bisect
import math
import time

import numpy as np
from scipy import sparse

from . import ranking, scoring, stored
from .arrays import _assemble, _assemble_list, _one_hot, _paused_gc, _starts, _widen
from .documents import OpportunityDoc, id_key
from .ranking import Computation
from .scoring import _LIST_PARTS, _UNIT, COUNTRY_FIT
from .text import Corpus
from .vectors import (
    MAX_DF,
    MIN_DOCS_FOR_MAX_DF,
    _item_text,
    _opportunity_text,
    _profile_counts,
    _profile_text,
    _tfidf_rows,
)

DEFAULT_LANGUAGES = ("en",)  # an opportunity that names no working language


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
        self.surface_json: dict[int, str] = {}  # JSON text of term surfaces (`stored.py`)
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
            self.surface_json = {}
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

    def position(self, side: str, doc_id: str) -> int | None:
        """The row of a company (side "company") or opportunity id, or None."""
        if self._positions is None:
            self._positions = {
                "company": {doc_id: row for row, doc_id in enumerate(self.company_ids)},
                "opportunity": {doc_id: row for row, doc_id in enumerate(self.opportunity_ids)},
            }
        return self._positions[side].get(doc_id)

    def has_company(self, company_id) -> bool:
        return self.position("company", str(company_id)) is not None

    def has_opportunity(self, opportunity_id) -> bool:
        return self.position("opportunity", str(opportunity_id)) is not None

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
            row = self.position(side, doc_id)
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

    # Scores and rankings (the stages, on this corpus) ------------------------------------------------------

    def compute(self, per_opportunity: int, per_company: int) -> Computation:
        """The block pass, exact scores for the candidates and the top-k on each side."""
        return ranking.compute(self, per_opportunity, per_company)

    def _score_pairs(self, o: np.ndarray, c: np.ndarray) -> dict[str, np.ndarray]:
        """Exact fits and part values (in millionths) of the given pairs (`scoring.score_pairs`)."""
        return scoring.score_pairs(self, o, c)

    def score_block(self, o_rows, c_rows) -> tuple[np.ndarray, np.ndarray]:
        """Exact scores (in millionths) and eligibility of every pair of opportunity rows `o_rows` × company
        rows `c_rows`, as dense len(o_rows) × len(c_rows) arrays: the same numbers `_score_pairs` gives."""
        return scoring.score_block(self, o_rows, c_rows)

    def top(self, side: str, doc_ids, k: int) -> dict[str, list[tuple[str, int]]]:
        """For each opportunity (side "opportunity") or company (side "company") in `doc_ids` that the index
        holds, its best `k` eligible counterparts as [(id, score in millionths)], best first, ties by id."""
        return ranking.top(self, side, doc_ids, k)

    def score_one(self, side: str, doc_id, k: int) -> tuple[list[tuple[str, int]], dict[str, int]]:
        """One opportunity (side "opportunity") or company against all the others: its best `k` as `top`
        gives them, and every eligible counterpart's exact score (millionths) by id."""
        return ranking.score_one(self, side, doc_id, k)

    def render(self, pairs, rank_o=None, rank_c=None) -> list[tuple]:
        """Stored rows (`Computation.stored`) of the given (opportunity id, company id) pairs that the index
        holds, with the given ranks (None: no rank); pairs the index doesn't hold are left out."""
        return stored.render(self, pairs, rank_o, rank_c)


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


class _IdKeys:
    """A list of ids seen as their sort keys, for bisect."""

    def __init__(self, ids: list[str]):
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, position: int) -> tuple:
        return id_key(self.ids[position])
