"""Rows into the API's answers (api/schemas.py): the public fields only, each rule of what is public here.

The rows come from api/selectors.py with everything they show already fetched (no query per row).
Names of countries and choices are given in both portal languages.
"""

from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_countries import countries

from companies.models import Company
from labs.models import Post
from opportunities.models import Opportunity


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _in(language: str, text) -> str:
    """`text` (a lazy translation, or a function giving the text) in `language`."""
    with translation.override(language):
        return str(text() if callable(text) else text)


@cache
def country_ref(code: str) -> dict:
    """Country names come from django-countries' translations, fixed for the life of the process."""

    def name():
        return countries.name(code) or code

    return {"code": code, "name_en": _in("en", name), "name_nl": _in("nl", name)}


def choice(value: str, choices) -> dict:
    label = dict(choices).get(value, value)
    return {"code": value, "name_en": _in("en", label), "name_nl": _in("nl", label)}


def named(items) -> list[dict]:
    return [{"slug": item.slug, "name_en": item.name_en, "name_nl": item.name_nl} for item in items]


def opportunity(row: Opportunity) -> dict:
    """As the public page shows it to a visitor: no brief, fee terms, contacts or attachments; the
    client only when the Lab made it public."""
    return {
        "id": row.pk,
        "url": absolute(reverse("opportunities:detail", kwargs={"pk": row.pk})),
        "title": row.title,
        "summary": row.summary,
        "status": row.status,
        "is_open_for_interest": row.is_open_for_interest,
        "country": country_ref(row.country_id),
        "city": row.city,
        "lab": {"id": row.lab.pk, "slug": row.lab.slug, "name": row.lab.name},
        "client_name": (row.client_name or None) if row.client_is_public else None,
        "themes": named(row.themes.all()),
        "required_disciplines": named(row.required_disciplines.all()),
        "nice_disciplines": named(row.nice_disciplines.all()),
        "budget": choice(row.budget_band, Opportunity.Budget.choices),
        "currency": row.currency,
        "expected_start": row.expected_start,
        "deadline": row.deadline,
        "languages": list(row.languages),
        "published_at": row.published_at,
        # Annotated for a partner's scope (api/selectors.py); a published one has not closed.
        "closed_at": getattr(row, "closed_at", None) if row.status != "published" else None,
        "updated_at": row.updated_at,
    }


def theme(row) -> dict:
    return {
        "id": row.pk,
        "slug": row.slug,
        "url": absolute(row.get_absolute_url()),
        "name_en": row.name_en,
        "name_nl": row.name_nl,
        "description_en": row.description_en,
        "description_nl": row.description_nl,
        "countries": sorted(country.code for country in row.countries.all()),
        "is_archived": row.is_archived,
        "updated_at": row.updated_at,
    }


def country(row) -> dict:
    return {
        **country_ref(row.code),
        "url": absolute(row.get_absolute_url()),
        "introduction_en": row.introduction_en,
        "introduction_nl": row.introduction_nl,
    }


def lab(row) -> dict:
    """No people: the Lab's business developers are on its page in the portal, not in the API."""
    return {
        "id": row.pk,
        "slug": row.slug,
        "url": absolute(row.get_absolute_url()),
        "name": row.name,
        "country": country_ref(row.country_id),
        "city": row.city,
        "description_en": row.description_en,
        "description_nl": row.description_nl,
        "created_at": row.created_at,
    }


def post(row: Post) -> dict:
    """No people: a post's staff are never shown."""
    return {
        "id": row.pk,
        "name": row.name,
        "kind": choice(row.kind, Post.Kind.choices),
        "country": country_ref(row.country_id),
        "city": row.city,
    }


def portfolio_item(row) -> dict:
    return {
        "id": row.pk,
        "title": row.title,
        "client": row.client,
        "year": row.year,
        "country": row.country.code or None,
        "description": row.description,
        "disciplines": named(row.disciplines.all()),
        "themes": named(row.themes.all()),
        "link": row.link or None,
        "updated_at": row.updated_at,
    }


def company(row: Company) -> dict:
    """The directory's public profile: no KvK number, team, members or their addresses; only the public
    portfolio items (`public_portfolio`, prefetched by the selector)."""
    return {
        "id": row.pk,
        "slug": row.slug,
        "url": absolute(row.get_absolute_url()),
        "name": row.name,
        "pitch": row.pitch,
        "description": row.description,
        "city": row.city,
        "size": choice(row.size, Company.Size.choices),
        "founded_year": row.founded_year,
        "website": row.website or None,
        "logo_url": absolute(reverse("companies:logo", kwargs={"slug": row.slug})) if row.logo else None,
        "disciplines": named(row.disciplines.all()),
        "themes": named(row.themes.all()),
        "target_countries": [c.code for c in row.target_countries],
        "presence_countries": [c.code for c in row.presence_countries],
        "languages": list(row.languages),
        "portfolio": [portfolio_item(item) for item in row.public_portfolio],
        "updated_at": row.updated_at,
    }
