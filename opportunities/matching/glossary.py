"""The portal's domain glossary, Dutch and German words mapped to English concept words: the loader.

The words are data, one JSON file per language in `data/` (`glossary.en.json`, `glossary.nl.json`,
`glossary.de.json`: the glossary by section, and the word lists `text.py` uses: stop words kept,
language markers, generic words, compound linking letters), and the English labels of slugs and codes
in `data/labels.json`. They are read once, when this module is imported.

English is the engine's canonical term space: `text.py` stems English with the English Snowball stemmer,
and a Dutch or German word found here is replaced by the English words of its entry, stemmed the same
way. So "fietsveiligheid" becomes `cycl` + `safeti`, exactly the terms of "cycling safety", and a Dutch
portfolio can match an English brief.

How entries are found (see `text.concepts`):
- exact lower-case word first (list plurals and common forms explicitly: Snowball does not always bring
  "fiets" and "fietsen" to one stem), then the word's Dutch or German stem against the stems of the keys;
- a compound that is not listed is split into listed parts, longest head first, with the linking letters
  of each language ("verkeers|veiligheid", "zorg|robot", "Schul|weg"); so only the parts need an entry;
- a key of seven letters or more is also recognised inside an English text ("... a Dutch energiewende
  campaign ..."), shorter keys only in their own language ("kind" is a child in Dutch, not in English).

Values are English words separated by spaces; a value may name several concepts ("elderly care"). Keep
values to words an English brief would use. `EN` normalises English synonyms and spelling variants to
the same concept words, so "kids", "bike" and "visualization" meet "children", "cycling" and
"visualisation". Loan words that Dutch and German texts use unchanged ("design", "games") are listed so
that they are not stemmed as Dutch or German.

Discipline and theme slugs are shared ids across languages; `DISCIPLINE_LABELS` and `THEME_LABELS` only
give them readable English names for explanations. A slug without a label reads as its words.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).parent / "data"
LANGUAGE_FILES = ("en", "nl", "de")  # data/glossary.<language>.json


def _read(name: str) -> dict:
    with (DATA / name).open(encoding="utf-8") as file:
        return json.load(file)


def _merged(sections: dict[str, dict[str, str]]) -> dict[str, str]:
    words: dict[str, str] = {}
    for entries in sections.values():
        words.update(entries)
    return words


# Read once, when the module is first imported.
_LANGUAGES = {lang: _read(f"glossary.{lang}.json") for lang in LANGUAGE_FILES}
_LABELS = _read("labels.json")

# The glossary of each language by section (section title -> {word: English concept words}), in file order.
SECTIONS: dict[str, dict[str, dict[str, str]]] = {lang: data["glossary"] for lang, data in _LANGUAGES.items()}

NL: dict[str, str] = _merged(SECTIONS["nl"])
DE: dict[str, str] = _merged(SECTIONS["de"])
EN: dict[str, str] = _merged(SECTIONS["en"])  # English synonyms and spelling variants
GLOSSARIES: dict[str, dict[str, str]] = {"nl": NL, "de": DE, "en": EN}

# The word lists of `text.py`, per language.
KEPT_STOP_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(data.get("kept_stop_words", ())) for lang, data in _LANGUAGES.items()
}  # words of a stop-word list that carry meaning in this domain ("serious games", "older people")
MARKER_WORDS: dict[str, frozenset[str]] = {lang: frozenset(data["markers"]) for lang, data in _LANGUAGES.items()}
GENERIC_WORDS: dict[str, frozenset[str]] = {lang: frozenset(data["generic"]) for lang, data in _LANGUAGES.items()}
# Words that stay in scoring but explain no fit when shown as a shared term (any language's list counts).
UNEXPLAINING_WORDS: frozenset[str] = frozenset(
    word for data in _LANGUAGES.values() for word in data.get("unexplaining", ())
)
LINKING: dict[str, tuple[str, ...]] = {
    lang: tuple(data["linking"]) for lang, data in _LANGUAGES.items() if "linking" in data
}  # compound linking letters, tried in this order

# --- Labels ----------------------------------------------------------------------------------------------

DISCIPLINE_LABELS: dict[str, str] = _LABELS["disciplines"]
THEME_LABELS: dict[str, str] = _LABELS["themes"]
COUNTRY_NAMES: dict[str, str] = _LABELS["countries"]
LANGUAGE_NAMES: dict[str, str] = _LABELS["languages"]


def _label(labels: dict[str, str], slug: str) -> str:
    return labels.get(slug) or slug.replace("-", " ").replace("_", " ")


def discipline_label(slug: str) -> str:
    """Readable English name of a discipline slug; an unknown slug reads as its words."""
    return _label(DISCIPLINE_LABELS, slug)


def theme_label(slug: str) -> str:
    return _label(THEME_LABELS, slug)


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code.upper(), code.upper())


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.lower(), code)


# --- Shared terms in the reader's language ---------------------------------------------------------------

# English concept words -> the first word of a language's glossary that stands for them (file order).
_READER_WORDS: dict[str, dict[str, str]] = {}
for _language, _words in (("nl", NL), ("de", DE)):
    _reverse: dict[str, str] = {}
    for _word, _concepts in _words.items():
        _reverse.setdefault(_concepts, _word)
    _READER_WORDS[_language] = _reverse


def explains(term: str) -> bool:
    """Whether a shared term says something about the fit (not a generic word such as "experience")."""
    word = term.strip().lower()
    return bool(word) and word not in UNEXPLAINING_WORDS and not any(word in words for words in GENERIC_WORDS.values())


def term_for_reader(term: str, language: str) -> str:
    """A shared term as a reader of `language` ("en", "nl", "de") would say it, where the glossary bridges
    it: an English word shown to a Dutch reader becomes the Dutch word of its entry ("exhibition" ->
    "tentoonstelling"), a Dutch or German word shown to an English reader its English concept words
    ("fietsveiligheid" -> "cycling safety"). Anything else stays as written."""
    word = term.strip().lower()
    language = (language or "en").split("-")[0].lower()
    if language == "en":
        bridged = NL.get(word) or DE.get(word)
        return bridged if bridged and bridged != word else term
    reverse = _READER_WORDS.get(language)
    if reverse is None or word in GLOSSARIES.get(language, {}):
        return term
    concept = EN.get(word, word)
    for candidate in (concept, concept[:-1] if concept.endswith("s") else None):
        if candidate and candidate in reverse:
            return reverse[candidate]
    return term
