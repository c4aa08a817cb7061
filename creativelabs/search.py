"""The portal's one search box: every word must appear in one of the searched fields.

Shared by the company directory and (later) the opportunity list, so both behave alike.
Any input is safe: it is split into plain words and matched with parameterised lookups.
"""

from functools import reduce
from operator import and_, or_

from django.db.models import Q, QuerySet

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8


def search_words(query: str) -> list[str]:
    """The words of a query, trimmed to sane limits; punctuation is kept as typed."""
    words = (query or "")[:MAX_QUERY_LENGTH].split()
    return [word for word in words if word.strip()][:MAX_WORDS]


def text_search(queryset: QuerySet, query: str, fields: list[str]) -> QuerySet:
    words = search_words(query)
    if not words:
        return queryset
    per_word = [reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields)) for word in words]
    return queryset.filter(reduce(and_, per_word)).distinct()
