"""The word lists of match_bench's synthetic texts, read from `words.json`."""

import json
from dataclasses import dataclass
from pathlib import Path

PATH = Path(__file__).with_name("words.json")


@dataclass(frozen=True)
class Words:
    section_themes: dict[str, list[str]]  # glossary section (first word of its comment) -> theme slugs
    cities_nl: list[str]
    cities: dict[str, list[str]]  # focus country code -> cities
    country_language: dict[str, str]  # focus country code -> its language
    syllables: list[str]  # made-up names are built from these
    en: dict[str, list[str]]  # sentence templates by kind (pitch, sentences, item, title, …)
    nl: dict[str, list[str]]


def load(path: Path = PATH) -> Words:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("_comment", None)
    return Words(**data)


WORDS = load()
