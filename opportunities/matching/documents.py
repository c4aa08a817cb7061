"""The engine's input: plain, immutable documents built by a loader from database rows (or JSON)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PortfolioDoc:
    id: str
    title: str
    description: str = ""
    client: str = ""
    year: int | None = None
    disciplines: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompanyDoc:
    id: str
    name: str
    description: str = ""
    pitch: str = ""
    city: str = ""
    disciplines: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    target_countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, upper case
    local_presence: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # ISO 639-1: "nl", "en", "de", "zh", ...
    portfolio: tuple[PortfolioDoc, ...] = ()  # only the items matching may read
    open_to_matching: bool = True


@dataclass(frozen=True)
class OpportunityDoc:
    id: str
    title: str
    description: str = ""  # summary and brief together
    country: str = ""
    city: str = ""
    themes: tuple[str, ...] = ()
    required_disciplines: tuple[str, ...] = ()
    nice_disciplines: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    is_open: bool = True  # published and before its deadline


def id_key(doc_id: str) -> tuple:
    """Sort key for ids: numeric ids numerically, then the rest as text."""
    return (0, int(doc_id), doc_id) if doc_id.isdigit() else (1, 0, doc_id)
