"""The engine's output: a suggestion's parts, the suggestion, the grouped result, and the English sentences
a suggestion reads as."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import glossary


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
