"""The portal's one search box, shared by the opportunity list and the company directory.

On PostgreSQL it is full-text search in English and Dutch together, ranked: every word must
match, stemmed in English, in Dutch or as written, and words of four letters or more also
match as a prefix (so "fietsen" finds "fiets", "kind" finds "kinderen", "living" finds "live").
A table may keep a stored, indexed vector (`vector_column`), and a smaller one to rank by
(`rank_column`); otherwise the vector is computed from the fields. On SQLite every word must
appear in one of the fields (or meet `also`, the fallback's test for text a stored vector holds
beyond the fields). Any input is safe: only letters and digits reach PostgreSQL, as parameters.

With `expand` (a function of one word giving alternative phrases, `search_expansion.expand` with
the caller's names), each word matches the word *or* any of its alternatives (a phrase: all its
words), ORed into the same tsquery, so the index still decides ("fiets" finds "cycling").
"""

import re
from collections.abc import Callable
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
CONFIGS = ("english", "dutch", "simple")
# Words this long also match longer words that start with them ("kind" finds "kinderen").
PREFIX_FROM = 4


def search_words(query: str) -> list[str]:
    """The words of a query, trimmed to sane limits; NUL characters dropped."""
    words = (query or "").replace("\x00", " ")[:MAX_QUERY_LENGTH].split()
    return words[:MAX_WORDS]


def text_search(
    queryset: QuerySet,
    query: str,
    fields: list[str],
    *,
    vector_column: str | None = None,
    rank_column: str | None = None,
    also: Callable[[str], Q] | None = None,
    expand: Callable[[str], list[str]] | None = None,
) -> QuerySet:
    """`queryset` narrowed to rows matching `query`; annotated with `search_rank` on PostgreSQL."""
    words = search_words(query)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        return _full_text(queryset, words, fields, vector_column, rank_column, expand)

    def mentions(word: str) -> Q:
        return reduce(or_, [Q(**{f"{field}__icontains": word}) for field in fields] + ([also(word)] if also else []))

    per_word = []
    for word in words:
        alternatives = [phrase.split() for phrase in (expand(word) if expand else [])]
        per_word.append(reduce(or_, [mentions(word)] + [reduce(and_, map(mentions, p)) for p in alternatives if p]))
    return queryset.filter(reduce(and_, per_word)).distinct()


def _token(word: str) -> str:
    return f"{word}:*" if len(word) >= PREFIX_FROM else word


def _full_text(
    queryset: QuerySet,
    words: list[str],
    fields: list[str],
    vector_column: str | None,
    rank_column: str | None,
    expand: Callable[[str], list[str]] | None = None,
) -> QuerySet:
    # Only letters and digits reach to_tsquery, so no input can be a tsquery syntax error.
    tokens = re.findall(r"[^\W_]+", " ".join(words))[:MAX_WORDS]
    if not tokens:
        return queryset
    quote = connection.ops.quote_name
    table = quote(queryset.model._meta.db_table)
    if vector_column:
        vector = f"{table}.{quote(vector_column)}"
    else:
        columns = " || ' ' || ".join(
            f"coalesce({table}.{quote(queryset.model._meta.get_field(f).column)}, '')" for f in fields
        )
        vector = " || ".join(f"to_tsvector('{config}'::regconfig, {columns})" for config in CONFIGS)
    one_word = "(" + " || ".join(f"to_tsquery('{config}'::regconfig, %s)" for config in CONFIGS) + ")"
    groups, params = [], []
    for token in tokens:
        # The word or any alternative phrase (its words ANDed); only letters and digits, as parameters.
        phrases = [[token]] + [re.findall(r"[^\W_]+", phrase)[:4] for phrase in (expand(token) if expand else [])]
        phrases = [phrase for phrase in phrases if phrase]
        groups.append("(" + " || ".join("(" + " && ".join([one_word] * len(phrase)) + ")" for phrase in phrases) + ")")
        params.extend(_token(word) for phrase in phrases for word in phrase for _config in CONFIGS)
    tsquery = " && ".join(groups)
    # Only quoted identifiers and fixed text configurations go into the SQL; the words are parameters.
    ranked = f"{table}.{quote(rank_column)}" if rank_column else vector
    rank = RawSQL(f"ts_rank({ranked}, {tsquery})", params, output_field=FloatField())  # noqa: S611
    matches = RawSQL(f"({vector}) @@ ({tsquery})", params, output_field=BooleanField())  # noqa: S611
    return queryset.annotate(search_rank=rank).filter(matches)
