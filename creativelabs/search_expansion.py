"""Query expansion for the search box: a word of a query also finds its translations and synonyms.

Two sources. The domain glossary: JSON files named in `settings.SEARCH_GLOSSARY_FILES` (the matching
engine's, `{"glossary": {section: {word: "English concept words"}}}`), read once; a word finds the
concept words of its entry ("fiets" -> "cycling", "bicycle" -> "cycling") and the words whose entry is
that concept ("elderly" -> "senioren", "altenpflege"). And names the caller passes in, as groups of the
names of one thing (a theme's English and Dutch name): a word of one name finds the others ("elderly"
and "ouderenzorg" both find "Elderly care" and "Ouderenzorg").

The result is a short list of alternative phrases per word; `creativelabs.search` ORs them into the
word's tsquery (a phrase's words ANDed), so the search still runs on the full-text index. This module
imports no app: the settings name the files, the caller hands over the names.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from django.conf import settings

MAX_ALTERNATIVES = 10
# A name's word this long also matches a query word that starts it ("ouderen" finds "ouderenzorg").
NAME_PREFIX_FROM = 5
WORD = re.compile(r"[^\W_]+")


@cache
def _glossary() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """(word -> concept phrase, concept phrase -> the words that have it), from the configured files."""
    forward: dict[str, str] = {}
    reverse: defaultdict[str, list[str]] = defaultdict(list)
    for name in getattr(settings, "SEARCH_GLOSSARY_FILES", ()):
        with Path(name).open(encoding="utf-8") as file:
            sections = json.load(file).get("glossary", {})
        for entries in sections.values():
            for word, concept in entries.items():
                word, concept = word.lower(), concept.lower()
                forward.setdefault(word, concept)
                if word != concept:
                    reverse[concept].append(word)
    return forward, {concept: tuple(words) for concept, words in reverse.items()}


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _names_matching(word: str, names: Iterable[Sequence[str]]) -> list[str]:
    """Every name of each group in which `word` is a whole name or one of a name's words."""
    found: list[str] = []
    for group in names:
        for name in group:
            words = _words(name)
            if word == name.lower() or any(
                part == word or (len(word) >= NAME_PREFIX_FROM and part.startswith(word)) for part in words
            ):
                found.extend(other for other in group if other)
                break
    return found


def expand(word: str, names: Iterable[Sequence[str]] = ()) -> list[str]:
    """Alternative phrases for one query word (not the word itself), at most MAX_ALTERNATIVES.

    A phrase that starts with another alternative of four letters or more is left out: the search
    matches words of that length as prefixes already.
    """
    word = word.lower()
    forward, reverse = _glossary()
    concept = forward.get(word)
    concepts = [concept] if concept and concept != word else []
    names = list(names)
    # Names first (few, and the other language's), then the glossary's other words for the same concept.
    candidates: list[str] = list(concepts)
    for phrase in [word, *concepts]:
        for part in _words(phrase):
            candidates.extend(_names_matching(part, names))
    for phrase in [word, *concepts]:
        candidates.extend(reverse.get(phrase, ()))
    alternatives: list[str] = []
    for candidate in candidates:
        phrase = " ".join(_words(candidate))
        if not phrase or phrase == word or phrase in alternatives:
            continue
        if any(phrase.startswith(kept) and len(kept) >= 4 and " " not in kept for kept in [word, *alternatives]):
            continue
        alternatives.append(phrase)
        if len(alternatives) == MAX_ALTERNATIVES:
            break
    return alternatives
