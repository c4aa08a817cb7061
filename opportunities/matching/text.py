"""Text analysis for matching: language, tokens, stop words, stems and the Dutch/German → English bridge.

Every text is turned into *concept terms* in one space, English Snowball stems:

1. Tokens are runs of letters and digits in the lower-cased text ("skin-care" is `skin`, `care`).
2. The language of each text is detected (`detect_language`): English, Dutch or German.
3. Each token is looked up, once per language, by `concepts`: stop words of the text's language are
   dropped; a glossary word (`glossary.py`) becomes the stemmed English words of its entry; an unlisted
   Dutch or German compound whose parts are listed becomes the parts' concepts; any other word becomes
   its stem in its own language (English stems for English text).

`Corpus` counts the terms of many documents into sparse matrices, remembers how often each surface
word was seen so that a term can be shown as a readable word (`Corpus.surface`), and is what the engine
builds its TF-IDF vectors from.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from array import array
from collections import Counter
from functools import cache, lru_cache

import numpy as np
import Stemmer
from scipy import sparse
from stop_words import get_stop_words

from . import glossary

LANGUAGES = ("en", "nl", "de")
DEFAULT_LANGUAGE = "en"

# Below this many words a text without evidence is taken to be English (the portal's default).
SHORT_TEXT_TOKENS = 8
# py3langid answers below this confidence (over three languages) are not trusted.
MIN_CONFIDENCE = 0.6
# Detection reads the start of a text: this many words for evidence, this many characters for the model.
EVIDENCE_TOKENS = 80
MODEL_CHARS = 600
# Glossary keys this long are recognised in a text of any language (mixed-language briefs).
CROSS_LANGUAGE_KEY_CHARS = 7
# Compound splitting: shortest head and modifier, and linking letters tried between them.
MIN_HEAD_CHARS = 4
MIN_MODIFIER_CHARS = 3
LINKING = glossary.LINKING  # linking letters tried between the parts of a compound, per language

TOKEN_RE = re.compile(r"[^\W_]+")

# Words of the English stop-word list that carry meaning in this domain ("serious games", "older people").
_KEEP_EN = glossary.KEPT_STOP_WORDS["en"]

# Function words that mark a language (only words found in one of the three lists count).
_MARKERS = {lang: set(glossary.MARKER_WORDS[lang]) for lang in LANGUAGES}
for _lang, _words in list(_MARKERS.items()):
    _others = set().union(*(w for other, w in _MARKERS.items() if other != _lang))
    _MARKERS[_lang] = _words - _others
MARKERS = {lang: frozenset(words) for lang, words in _MARKERS.items()}

_STEMMERS_LOCAL = threading.local()
_STEMMER_NAMES = {"en": "english", "nl": "dutch", "de": "german"}


def _stemmer(lang: str):
    # PyStemmer objects are not thread-safe: one per thread and language.
    cache = getattr(_STEMMERS_LOCAL, "cache", None)
    if cache is None:
        cache = _STEMMERS_LOCAL.cache = {}
    stemmer = cache.get(lang)
    if stemmer is None:
        stemmer = cache[lang] = Stemmer.Stemmer(_STEMMER_NAMES[lang])
    return stemmer


def stem(word: str, lang: str) -> str:
    return _stemmer(lang if lang in _STEMMER_NAMES else DEFAULT_LANGUAGE).stemWord(word)


# Words that every profile and brief on this portal could use and that say nothing about fit: the
# companies' own nationality and the languages everyone lists, and the trade's generic nouns and verbs.
# Shown as "shared terms" they would explain nothing, so they are dropped like stop words.
_GENERIC = {lang: set(glossary.GENERIC_WORDS[lang]) for lang in LANGUAGES}


@cache
def stop_words(lang: str) -> frozenset[str]:
    words = set(get_stop_words(lang)) if lang in LANGUAGES else set()
    if lang == "en":
        words -= _KEEP_EN
    return frozenset(words | _GENERIC.get(lang, set()))


# Plain ASCII text (most of it) is split by a translation table, several times faster than the regex.
_ASCII_SEPARATORS = str.maketrans({chr(code): " " for code in range(128) if not chr(code).isalnum()})


def tokenize(text: str) -> list[str]:
    """Lower-case runs of letters and digits."""
    if not text:
        return []
    if text.isascii():
        return text.lower().translate(_ASCII_SEPARATORS).split()
    return TOKEN_RE.findall(unicodedata.normalize("NFC", text).lower())


def warm_up() -> None:
    """Load what the first analysis would otherwise load on the way (the language model, about half a
    second; the glossary's indexes): a worker calls this when it starts."""
    _identifier()
    _evidence_words()
    _cross_language_keys()
    _english_domain_words()
    for lang in _STEMMER_NAMES:
        _stem_index(lang)


# --- Language detection ----------------------------------------------------------------------------


_IDENTIFIER = None
_IDENTIFIER_LOCK = threading.Lock()


def _identifier():
    global _IDENTIFIER
    if _IDENTIFIER is None:
        with _IDENTIFIER_LOCK:
            if _IDENTIFIER is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages(list(LANGUAGES))
                _IDENTIFIER = identifier
    return _IDENTIFIER


@lru_cache(maxsize=1)
def _evidence() -> dict[str, tuple[int, ...]]:
    """Words that point to a language (as positions in LANGUAGES): its function words, and for Dutch and
    German their glossary words that are not also English words."""
    english = set(stop_words("en")) | set(glossary.EN) | _glossary_value_words()
    words: dict[str, list[int]] = {}
    for position, lang in enumerate(LANGUAGES):
        found = set(MARKERS[lang])
        if lang != "en":
            found |= {key for key in glossary.GLOSSARIES[lang] if len(key) >= 5 and key not in english}
        for word in found:
            words.setdefault(word, []).append(position)
    return {word: tuple(positions) for word, positions in words.items()}


@lru_cache(maxsize=1)
def _evidence_words() -> frozenset[str]:
    return frozenset(_evidence())


@lru_cache(maxsize=1)
def _glossary_value_words() -> frozenset[str]:
    return frozenset(
        word for table in glossary.GLOSSARIES.values() for value in table.values() for word in value.split()
    )


def detect_language(text: str, tokens: list[str] | None = None) -> str:
    """ "en", "nl" or "de" for one text.

    Evidence words decide first, without the model: function words of each language, and for Dutch and
    German their glossary words that are not English words. Two or more distinct ones of a language, and
    at least twice as many as of any other, decide. A short text (under `SHORT_TEXT_TOKENS` words) goes
    with one-sided evidence, and is English without any. Anything else (a longer text without clear
    evidence, or a short one with conflicting evidence) goes to py3langid restricted to English, Dutch
    and German; an unsure answer falls back to the evidence, then to English.
    """
    if tokens is None:
        tokens = tokenize(text)
    if not tokens:
        return DEFAULT_LANGUAGE
    votes = [0, 0, 0]
    evidence = _evidence()
    for word in _evidence_words().intersection(tokens[:EVIDENCE_TOKENS]):
        for language in evidence[word]:
            votes[language] += 1
    best_votes = max(votes)
    best = LANGUAGES[votes.index(best_votes)]  # ties keep the order of LANGUAGES
    second_votes = sorted(votes)[1]
    if best_votes >= 2 and best_votes >= 2 * second_votes:
        return best
    if len(tokens) < SHORT_TEXT_TOKENS:
        if best_votes == 0:
            return DEFAULT_LANGUAGE
        if best_votes > second_votes:
            return best
    lang, confidence = _identifier().classify(text[:MODEL_CHARS])
    if confidence >= MIN_CONFIDENCE and lang in LANGUAGES:
        return lang
    return best if best_votes > second_votes else DEFAULT_LANGUAGE


# --- Concepts ------------------------------------------------------------------------------------------

Concept = tuple[str, str]  # (term, surface word to show for it)


@cache
def _english_concepts(value: str) -> tuple[Concept, ...]:
    stemmer = _stemmer("en")
    return tuple((stemmer.stemWord(word), word) for word in value.split())


@cache
def _stem_index(lang: str) -> dict[str, str]:
    """Glossary keys by their stem in their own language; stems shared by keys with different values are
    left out."""
    index: dict[str, str] = {}
    ambiguous = set()
    for key, value in glossary.GLOSSARIES[lang].items():
        key_stem = stem(key, lang)
        if index.get(key_stem, value) != value:
            ambiguous.add(key_stem)
        index[key_stem] = value
    for key_stem in ambiguous:
        del index[key_stem]
    return index


@lru_cache(maxsize=1)
def _cross_language_keys() -> dict[str, str]:
    english = set(glossary.EN) | _glossary_value_words()
    keys: dict[str, str] = {}
    for lang in ("nl", "de"):
        for key, value in glossary.GLOSSARIES[lang].items():
            if len(key) >= CROSS_LANGUAGE_KEY_CHARS and key not in english and key != value:
                keys.setdefault(key, value)
    return keys


@lru_cache(maxsize=1)
def _english_domain_words() -> frozenset[str]:
    """English words the glossary knows: its English synonyms and the words its entries map to."""
    return frozenset(glossary.EN) | _glossary_value_words()


def _lookup(word: str, lang: str) -> str | None:
    """The glossary value of a word in `lang`: by exact word, and for Dutch and German also by stem (English
    synonyms are exact only: an English stem such as `program` covers too much)."""
    table = glossary.GLOSSARIES[lang]
    value = table.get(word)
    if value is None and lang != "en" and len(word) >= 3:
        value = _stem_index(lang).get(stem(word, lang))
    return value


def _split_compound(word: str, lang: str, depth: int = 0) -> str | None:
    """Concepts of an unlisted compound made of listed parts, longest head first; None if it is not one."""
    linking = LINKING.get(lang, ())
    for cut in range(MIN_MODIFIER_CHARS, len(word) - MIN_HEAD_CHARS + 1):
        head = _lookup(word[cut:], lang)
        if head is None:
            continue
        modifier_word = word[:cut]
        modifier = _lookup(modifier_word, lang)
        if modifier is None:
            for link in linking:
                if modifier_word.endswith(link) and len(modifier_word) - len(link) >= MIN_MODIFIER_CHARS:
                    modifier = _lookup(modifier_word[: -len(link)], lang)
                    if modifier is not None:
                        break
        if modifier is None and depth < 1 and len(modifier_word) >= MIN_MODIFIER_CHARS + MIN_HEAD_CHARS:
            modifier = _split_compound(modifier_word, lang, depth + 1)
        if modifier is not None:
            return f"{modifier} {head}"
    return None


_CONCEPTS: dict[str, dict[str, tuple[Concept, ...]]] = {lang: {} for lang in LANGUAGES}


def concepts(token: str, lang: str) -> tuple[Concept, ...]:
    """The concept terms of one lower-case token in a text of language `lang` (memoised)."""
    if lang not in _CONCEPTS:
        lang = DEFAULT_LANGUAGE
    memo = _CONCEPTS[lang]
    found = memo.get(token)
    if found is None:
        found = memo[token] = _analyse_token(token, lang)
    return found


def _analyse_token(token: str, lang: str) -> tuple[Concept, ...]:
    if len(token) < 2 or token.isdigit() or token in stop_words(lang):
        return ()
    if token[0].isdigit() and not any(ch.isalpha() for ch in token):
        return ()
    value = _lookup(token, lang)
    if value is None and token in _cross_language_keys():
        value = _cross_language_keys()[token]
    if value is None and lang != "en" and token in _english_domain_words():
        # An English domain word in a Dutch or German text ("elderly", "cycling"): English, as in a brief.
        value = glossary.EN.get(token, token)
    if value is None and lang != "en" and len(token) >= MIN_MODIFIER_CHARS + MIN_HEAD_CHARS:
        value = _split_compound(token, lang)
    if value is None:
        return ((stem(token, lang), token),)
    found = _english_concepts(value)
    if lang == "en" and len(found) == 1 and token in glossary.EN:
        # An English synonym shows as itself ("kids"), not as the word it is filed under.
        return ((found[0][0], token),)
    return found


def analyse(text: str, lang: str | None = None) -> list[str]:
    """The concept terms of a text, in order and with repeats (for tests and debugging)."""
    tokens = tokenize(text)
    lang = lang or detect_language(text, tokens)
    return [term for token in tokens for term, _surface in concepts(token, lang)]


# --- Corpus ----------------------------------------------------------------------------------------------


class Corpus:
    """Term counts of documents, one row each; a document may be made of several texts."""

    def __init__(self):
        self.vocabulary: dict[str, int] = {}
        self.terms: list[str] = []
        # Per language: token -> its first term id (-1: no term), and the further ids of tokens with several.
        self._first: dict[str, dict[str, int]] = {lang: {} for lang in LANGUAGES}
        self._more: dict[str, dict[str, tuple[int, ...]]] = {lang: {} for lang in LANGUAGES}
        self.token_counts: dict[str, Counter] = {lang: Counter() for lang in LANGUAGES}
        self.languages: list[str] = []  # language of every text added, in order
        self._indptr = array("q", [0])
        self._indices = array("i")  # one entry per token occurrence (-1: none); counts come from summing
        self._seen: dict[str, Counter] | None = None  # surface words per term, built on first use
        self._surfaces: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._indptr) - 1

    def _learn(self, token: str, lang: str) -> int:
        ids = []
        for term, _surface in concepts(token, lang):
            term_id = self.vocabulary.get(term)
            if term_id is None:
                term_id = self.vocabulary[term] = len(self.terms)
                self.terms.append(term)
            ids.append(term_id)
        if len(ids) > 1:
            self._more[lang][token] = tuple(ids[1:])
        first = self._first[lang][token] = ids[0] if ids else -1
        return first

    def add(self, *texts: str, count_surfaces: bool = True) -> int:
        """Add one document made of `texts` (each detected on its own); returns its row. Surface words
        are counted for `surface` unless `count_surfaces` is False (a term shown as shared between two
        documents is in both, so counting one side is enough)."""
        indices = self._indices
        for text in texts:
            tokens = tokenize(text)
            if not tokens:
                continue
            lang = detect_language(text, tokens)
            self.languages.append(lang)
            if count_surfaces:
                self.token_counts[lang].update(tokens)
                if self._seen is not None:
                    self._see(Counter(tokens), lang)
            first = self._first[lang]
            found = list(map(first.get, tokens))
            if None in found:
                found = [self._learn(token, lang) if i is None else i for token, i in zip(tokens, found, strict=True)]
            indices.extend(found)
            more = self._more[lang]
            if more and not more.keys().isdisjoint(tokens):
                for token in {token for token in tokens if token in more}:
                    indices.extend(more[token] * tokens.count(token))
        self._indptr.append(len(indices))
        return len(self._indptr) - 2

    def counts(self) -> sparse.csr_matrix:
        """Documents × terms raw counts (float64, duplicates summed, sorted indices)."""
        indices = np.frombuffer(self._indices, dtype=np.int32) if len(self._indices) else np.zeros(0, np.int32)
        kept = indices >= 0
        kept_before = np.concatenate(([0], np.cumsum(kept, dtype=np.int64)))
        indptr = kept_before[np.frombuffer(self._indptr, dtype=np.int64)]
        indices = indices[kept]
        matrix = sparse.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(self), len(self.terms))
        )
        matrix.sum_duplicates()
        return matrix.astype(np.float64)

    def release(self) -> None:
        """Forget the raw token occurrences (after `counts`); surfaces keep working."""
        self._indices = array("i")
        self._indptr = array("q", [0])
        self._first = {lang: {} for lang in LANGUAGES}
        self._more = {lang: {} for lang in LANGUAGES}

    def surface(self, term_id: int) -> str:
        """The readable word for a term: the surface word most often seen for it (English glossary
        words for Dutch and German glossary words), ties to the shorter, then alphabetical."""
        found = self._surfaces.get(term_id)
        if found is None:
            if self._seen is None:
                self._seen = {}
                for word in _glossary_value_words():  # a small prior for the glossary's English words
                    self._seen.setdefault(_english_concepts(word)[0][0], Counter())[word] += 0.5
                for lang, tokens in self.token_counts.items():
                    self._see(tokens, lang)
            term = self.terms[term_id]
            words = self._seen.get(term)
            found = min(words.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0] if words else term
            self._surfaces[term_id] = found
        return found

    def _see(self, tokens: Counter, lang: str) -> None:
        """Count the surface words of `tokens` (token -> count) for their terms."""
        seen, vocabulary = self._seen, self.vocabulary
        for token, count in tokens.items():
            for term, surface in concepts(token, lang):
                # A translated word counts half: where English texts use a word, theirs is shown.
                weight = count if lang == "en" or surface == token else count / 2
                seen.setdefault(term, Counter())[surface] += weight
                self._surfaces.pop(vocabulary.get(term, -1), None)
