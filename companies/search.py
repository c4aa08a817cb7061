"""The company directory's search: a company's profile and its public portfolio items.

On PostgreSQL each company keeps a stored, indexed vector (`search_vector`, made by the SQL function
`companies_search_vector` of migration 0007: English, Dutch and as written). It decides what matches;
a small generated vector of the name and the pitch (`search_head`) ranks the matches: a word in the
name first, then in the pitch, then the other matches by name. The services that change those texts
call `refresh_search_vectors` in their transaction, so the directory finds what a company saved at
once; private and Lab-only portfolio items never reach the vector. On SQLite (the embedded default)
every word must appear in a profile field or in a public portfolio item.

A query word also finds its translations and synonyms (`creativelabs.search_expansion`: the glossary,
and the names of the themes and disciplines in English and Dutch, `taxonomy_names`), and the vector
holds the names of the company's themes and disciplines in both languages (migration 0008), so
"elderly" and "ouderenzorg" both find a company on the elderly-care theme.
"""

from collections.abc import Collection

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from creativelabs.search import text_search
from creativelabs.search_expansion import expand
from labs.models import Theme

from .models import Discipline, PortfolioItem, Visibility

PROFILE_FIELDS = ["name", "pitch", "description", "city"]
WORK_FIELDS = ["title", "client", "description"]
VECTOR_COLUMN = "search_vector"
RANK_COLUMN = "search_head"  # the name and the pitch: small, so ranking many matches stays quick


def directory_search(queryset: QuerySet, query: str) -> QuerySet:
    """Companies of `queryset` matching `query`; annotated with `search_rank` on PostgreSQL."""
    return text_search(
        queryset,
        query,
        PROFILE_FIELDS,
        vector_column=VECTOR_COLUMN,
        rank_column=RANK_COLUMN,
        also=_in_public_work,
        expand=expansion(),
    )


def taxonomy_names() -> list[tuple[str, str]]:
    """The English and Dutch names of every theme and discipline (one small query)."""
    themes = Theme.objects.order_by().values_list("name_en", "name_nl")
    return list(themes.union(Discipline.objects.order_by().values_list("name_en", "name_nl"), all=True))


def expansion():
    """The search's expansion of one word: the glossary and the themes' and disciplines' names."""
    names = taxonomy_names()
    return lambda word: expand(word, names)


def _in_public_work(word: str) -> Q:
    """The fallback's test for a word in one of the company's public portfolio items."""
    mentions = Q()
    for field in WORK_FIELDS:
        mentions |= Q(**{f"{field}__icontains": word})
    items = PortfolioItem.objects.filter(mentions, company=OuterRef("pk"), visibility=Visibility.PUBLIC)
    return Q(Exists(items))


def refresh_search_vectors(company_ids: Collection[int] | None = None) -> None:
    """Store these companies' vectors as their rows are now (every company's with None). PostgreSQL only.

    A plain UPDATE of one column: no history row, `updated_at` unchanged, and the same call twice
    stores the same vector.
    """
    if connection.vendor != "postgresql":
        return
    sql = "UPDATE companies_company SET search_vector = companies_search_vector(id)"
    with connection.cursor() as cursor:
        if company_ids is None:
            cursor.execute(sql)
        elif company_ids:
            cursor.execute(f"{sql} WHERE id = ANY(%s)", [list(company_ids)])
