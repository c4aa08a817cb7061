"""Quality metrics for the matching engine against a hand-judged gold set (`manage.py match_eval`).

Plain Python, no ORM. The gold set is a JSON file (see `tests/data/match_gold.json`)::

    {"companies": [{"id", "name", "description", "city", "size", "disciplines", "themes",
                    "target_countries", "local_presence", "languages",
                    "portfolio": [{"title", "description", "client", "year", "disciplines", "themes"}]}],
     "opportunities": [{"id", "title", "description", "country", "city", "themes", "disciplines", "language"}],
     "judgments": {"<opportunity id>": {"<company id>": 2 | 1}}}

A judgment of 2 is a strong fit, 1 a plausible one; a pair that is not judged counts as 0 (not relevant).

Metrics, per query (one opportunity ranking all companies, or one company ranking all opportunities), then
averaged over the queries:

- ``ndcg@k``: normalised discounted cumulative gain with linear gains (the grade) and a log2 discount,
  ``sum(grade_i / log2(i + 1))`` over ranks ``i = 1..k``, divided by the same sum for the ideal order.
- ``p@k``: the share of the top k that is relevant (grade ≥ 1); fewer than k results still divide by k.
- ``mrr``: 1 / rank of the first relevant result (0 if none is ranked); the mean is the MRR.
- ``recall@k``: the share of the relevant items that appear in the top k.

Companies → opportunities uses the same judgments inverted, for every company judged at least once.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean

from .documents import CompanyDoc, OpportunityDoc, PortfolioDoc

GRADES = (1, 2)
NDCG_K = 10
PRECISION_K = 5
RECALL_K = 20
METRICS = (f"ndcg@{NDCG_K}", f"p@{PRECISION_K}", "mrr", f"recall@{RECALL_K}")


class GoldFormatError(ValueError):
    """The gold file is not what `load_gold` expects; the message says where and why."""


@dataclass(frozen=True)
class Gold:
    companies: tuple[CompanyDoc, ...]
    opportunities: tuple[OpportunityDoc, ...]
    judgments: dict[str, dict[str, int]]  # opportunity id -> company id -> grade (1 or 2)

    @property
    def judgment_count(self) -> int:
        return sum(len(graded) for graded in self.judgments.values())

    def company_judgments(self) -> dict[str, dict[str, int]]:
        """The judgments inverted: company id -> opportunity id -> grade."""
        inverted: dict[str, dict[str, int]] = {}
        for opportunity_id, graded in self.judgments.items():
            for company_id, grade in graded.items():
                inverted.setdefault(company_id, {})[opportunity_id] = grade
        return inverted


# --- Metrics -------------------------------------------------------------------------------------------


def _dcg(grades: Iterable[float]) -> float:
    return sum(grade / math.log2(position + 2) for position, grade in enumerate(grades))


def ndcg_at(ranked_ids: Sequence[str], gains: Mapping[str, float], k: int) -> float:
    """nDCG of the top k of `ranked_ids`, with `gains` the graded relevance of each id (absent = 0)."""
    if k <= 0:
        return 0.0
    ideal = _dcg(sorted((g for g in gains.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return _dcg(gains.get(doc_id, 0) for doc_id in ranked_ids[:k]) / ideal


def precision_at(ranked_ids: Sequence[str], relevant: set[str], k: int) -> float:
    """Relevant ids among the first k, divided by k."""
    if k <= 0:
        return 0.0
    return sum(1 for doc_id in ranked_ids[:k] if doc_id in relevant) / k


def mrr(ranked_ids: Sequence[str], relevant: set[str]) -> float:
    """Reciprocal rank of the first relevant id (0.0 if there is none); average it over queries for MRR."""
    for position, doc_id in enumerate(ranked_ids, start=1):
        if doc_id in relevant:
            return 1 / position
    return 0.0


def recall_at(ranked_ids: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the relevant ids found among the first k (0.0 when nothing is relevant)."""
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked_ids[:k])) / len(relevant)


def query_metrics(ranked_ids: Sequence[str], gains: Mapping[str, int]) -> dict[str, float]:
    """All metrics of one ranking against one query's graded judgments."""
    ranked_ids = list(ranked_ids)
    relevant = {doc_id for doc_id, grade in gains.items() if grade >= 1}
    return {
        f"ndcg@{NDCG_K}": ndcg_at(ranked_ids, gains, NDCG_K),
        f"p@{PRECISION_K}": precision_at(ranked_ids, relevant, PRECISION_K),
        "mrr": mrr(ranked_ids, relevant),
        f"recall@{RECALL_K}": recall_at(ranked_ids, relevant, RECALL_K),
    }


# --- Evaluation ----------------------------------------------------------------------------------------


def evaluate_queries(engine, gold: Gold) -> dict[str, list[dict]]:
    """Every query's ranking and metrics, for both directions (what `evaluate` averages).

    Each row: ``{"id", "ranked": [ids, best first], "gains": {id: grade}, "metrics": {...}}``.
    """
    companies = list(gold.companies)
    opportunities = list(gold.opportunities)
    by_id = {o.id: o for o in opportunities}
    company_by_id = {c.id: c for c in companies}

    to_companies = []
    for opportunity_id, gains in gold.judgments.items():
        ranked = [s.company_id for s in engine.rank_for_opportunity(by_id[opportunity_id], companies)]
        to_companies.append(
            {"id": opportunity_id, "ranked": ranked, "gains": gains, "metrics": query_metrics(ranked, gains)}
        )

    to_opportunities = []
    for company_id, gains in gold.company_judgments().items():
        ranked = [s.opportunity_id for s in engine.rank_for_company(company_by_id[company_id], opportunities)]
        to_opportunities.append(
            {"id": company_id, "ranked": ranked, "gains": gains, "metrics": query_metrics(ranked, gains)}
        )
    return {"opportunities_to_companies": to_companies, "companies_to_opportunities": to_opportunities}


def _means(rows: list[dict]) -> dict[str, float]:
    return {name: fmean(row["metrics"][name] for row in rows) if rows else 0.0 for name in METRICS}


def evaluate(engine, gold: Gold) -> dict[str, dict[str, float]]:
    """The mean of each metric over the judged queries, per direction:
    ``{"opportunities_to_companies": {"ndcg@10", "p@5", "mrr", "recall@20"}, "companies_to_opportunities": {...}}``.
    """
    return {direction: _means(rows) for direction, rows in evaluate_queries(engine, gold).items()}


# --- Loading -------------------------------------------------------------------------------------------


def load_gold(path: str | Path) -> Gold:
    """Read and check a gold file; raises `GoldFormatError` (with the place of the problem) if it is malformed."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise GoldFormatError(f"cannot read {path}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise GoldFormatError(f"{path} is not UTF-8 text: {error}") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise GoldFormatError(f"{path} is not valid JSON: {error}") from error
    return parse_gold(data)


def parse_gold(data) -> Gold:
    """Convert the decoded JSON of a gold file to documents and judgments, checking it on the way."""
    _expect(isinstance(data, dict), "the top level", "an object with companies, opportunities and judgments")
    for key in ("companies", "opportunities", "judgments"):
        _expect(key in data, "the top level", f'a "{key}" key')
    _expect(isinstance(data["companies"], list), "companies", "a list")
    _expect(isinstance(data["opportunities"], list), "opportunities", "a list")
    _expect(isinstance(data["judgments"], dict), "judgments", "an object")

    companies = tuple(_company(item, f"companies[{n}]") for n, item in enumerate(data["companies"]))
    opportunities = tuple(_opportunity(item, f"opportunities[{n}]") for n, item in enumerate(data["opportunities"]))
    _unique([c.id for c in companies], "company")
    _unique([o.id for o in opportunities], "opportunity")

    company_ids = {c.id for c in companies}
    opportunity_ids = {o.id for o in opportunities}
    judgments: dict[str, dict[str, int]] = {}
    for opportunity_id, graded in data["judgments"].items():
        where = f"judgments[{opportunity_id!r}]"
        _expect(opportunity_id in opportunity_ids, where, "an opportunity id that exists in opportunities")
        _expect(isinstance(graded, dict), where, "an object of company id -> grade")
        for company_id, grade in graded.items():
            _expect(company_id in company_ids, f"{where}[{company_id!r}]", "a company id that exists in companies")
            _expect(
                type(grade) is int and grade in GRADES, f"{where}[{company_id!r}]", "a grade of 1 or 2 (absent = 0)"
            )
        judgments[opportunity_id] = dict(graded)
    return Gold(companies=companies, opportunities=opportunities, judgments=judgments)


def _company(item, where: str) -> CompanyDoc:
    _expect(isinstance(item, dict), where, "an object")
    company_id = _id(item, where)
    portfolio = item.get("portfolio", [])
    _expect(isinstance(portfolio, list), f"{where}.portfolio", "a list")
    return CompanyDoc(
        id=company_id,
        name=_text(item, "name", where, required=True),
        description=_text(item, "description", where),
        pitch=_text(item, "pitch", where),
        city=_text(item, "city", where),
        disciplines=_labels(item, "disciplines", where),
        themes=_labels(item, "themes", where),
        target_countries=_countries(item, "target_countries", where),
        local_presence=_countries(item, "local_presence", where),
        languages=_labels(item, "languages", where),
        portfolio=tuple(
            _portfolio_item(entry, f"{company_id}-p{n}", f"{where}.portfolio[{n - 1}]")
            for n, entry in enumerate(portfolio, start=1)
        ),
        open_to_matching=item.get("open_to_matching", True) is not False,
    )


def _portfolio_item(item, item_id: str, where: str) -> PortfolioDoc:
    _expect(isinstance(item, dict), where, "an object")
    year = item.get("year")
    _expect(year is None or type(year) is int, f"{where}.year", "a whole number or null")
    return PortfolioDoc(
        id=item_id,
        title=_text(item, "title", where, required=True),
        description=_text(item, "description", where),
        client=_text(item, "client", where),
        year=year,
        disciplines=_labels(item, "disciplines", where),
        themes=_labels(item, "themes", where),
    )


def _opportunity(item, where: str) -> OpportunityDoc:
    _expect(isinstance(item, dict), where, "an object")
    language = _text(item, "language", where).strip().lower()
    return OpportunityDoc(
        id=_id(item, where),
        title=_text(item, "title", where, required=True),
        description=_text(item, "description", where),
        country=_text(item, "country", where).strip().upper(),
        city=_text(item, "city", where),
        themes=_labels(item, "themes", where),
        required_disciplines=_labels(item, "disciplines", where),
        nice_disciplines=_labels(item, "nice_disciplines", where),
        languages=(language,) if language else (),
    )


def _expect(condition: bool, where: str, what: str) -> None:
    if not condition:
        raise GoldFormatError(f"{where}: expected {what}")


def _id(item: dict, where: str) -> str:
    value = item.get("id")
    _expect(isinstance(value, str) and value.strip() != "", f"{where}.id", 'a non-empty string id such as "c01"')
    return value.strip()


def _text(item: dict, key: str, where: str, *, required: bool = False) -> str:
    value = item.get(key, "")
    _expect(isinstance(value, str), f"{where}.{key}", "a string")
    _expect(not required or value.strip() != "", f"{where}.{key}", "a non-empty string")
    return value


def _labels(item: dict, key: str, where: str) -> tuple[str, ...]:
    value = item.get(key, [])
    _expect(isinstance(value, list) and all(isinstance(v, str) for v in value), f"{where}.{key}", "a list of strings")
    return tuple(dict.fromkeys(v.strip().lower() for v in value if v.strip()))


def _countries(item: dict, key: str, where: str) -> tuple[str, ...]:
    codes = tuple(code.upper() for code in _labels(item, key, where))
    _expect(all(len(code) == 2 and code.isalpha() for code in codes), f"{where}.{key}", "ISO 3166 alpha-2 codes")
    return codes


def _unique(ids: list[str], kind: str) -> None:
    duplicates = sorted(doc_id for doc_id, count in Counter(ids).items() if count > 1)
    if duplicates:
        raise GoldFormatError(f"duplicate {kind} id(s): {', '.join(duplicates)}")
