"""The text stage: what text each document is, and how its term counts (`text.Corpus`) become TF-IDF rows.

Sublinear tf (1 + ln count), smooth idf ln((1 + N) / (1 + df)) + 1, l2-normalised rows; once there are
`MIN_DOCS_FOR_MAX_DF` documents, terms in more than `MAX_DF` of them are dropped (`MatchIndex` keeps the idf
and the kept terms of its build).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .documents import CompanyDoc, OpportunityDoc

MAX_DF = 0.5  # common-term pruning: drop terms in more than half of the documents ...
MIN_DOCS_FOR_MAX_DF = 1000  # ... once there are this many documents (below, idf handles them)


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


def _profile_counts(own: sparse.csr_matrix, item_counts: sparse.csr_matrix, owners: np.ndarray) -> sparse.csr_matrix:
    """Each company's own counts plus those of its portfolio items: one document per company."""
    n_c, n_i = own.shape[0], item_counts.shape[0]
    owner_matrix = sparse.csr_matrix((np.ones(n_i), (owners, np.arange(n_i))), shape=(n_c, n_i))
    profile_counts = sparse.csr_matrix(own + owner_matrix @ item_counts)
    profile_counts.sum_duplicates()
    return profile_counts
