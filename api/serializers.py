"""Rows into the API's answers (api/schemas.py): the public fields only, each rule of what is public here.

The rows come from api/selectors.py with everything they show already fetched (no query per row).
Names of countries and choices are given in both portal languages.
"""

import datetime
from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_countries import countries

from companies.models import Company
from exchanges.models import Exchange
from labs.models import Post
from networks.models import HelpRequest, Network
from opportunities.models import Opportunity, Status


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


CHOICES = {
    "budget": Opportunity.Budget.choices,
    "size": Company.Size.choices,
    "post": Post.Kind.choices,
    "exchange_kind": Exchange.Kind.choices,
    "exchange_status": Exchange.Status.choices,
    "exchange_audience": Exchange.Audience.choices,
    "network_status": Network.Status.choices,
    "request_status": HelpRequest.Status.choices,
}


@cache
def choice(kind: str, value: str) -> dict:
    """A choice (`CHOICES[kind]`) with its label in both languages; the labels are fixed for the process."""
    label = dict(CHOICES[kind]).get(value, value)
    return {"code": value, "name_en": _in("en", label), "name_nl": _in("nl", label)}


def named(items) -> list[dict]:
    return [{"slug": item.slug, "name_en": item.name_en, "name_nl": item.name_nl} for item in items]


def opportunity(row: dict, *, today: datetime.date) -> dict:
    """As the public page shows it to a visitor: no brief, fee terms, contacts or attachments; the
    client only when the Lab made it public. `row` is one of `selectors.opportunity_rows`."""
    return {
        "id": row["id"],
        "url": absolute(reverse("opportunities:detail", kwargs={"pk": row["id"]})),
        "title": row["title"],
        "summary": row["summary"],
        "status": row["status"],
        # `Opportunity.is_open_for_interest`, on the row's values.
        "is_open_for_interest": row["status"] == Status.PUBLISHED and row["deadline"] >= today,
        "country": country_ref(row["country_id"]),
        "city": row["city"],
        "lab": {"id": row["lab_id"], "slug": row["lab__slug"], "name": row["lab__name"]},
        "client_name": (row["client_name"] or None) if row["client_is_public"] else None,
        "themes": row["themes"],
        "required_disciplines": row["required_disciplines"],
        "nice_disciplines": row["nice_disciplines"],
        "budget": choice("budget", row["budget_band"]),
        "currency": row["currency"],
        "expected_start": row["expected_start"],
        "deadline": row["deadline"],
        "languages": list(row["languages"]),
        "published_at": row["published_at"],
        # Only read for a partner's scope (api/selectors.py); a published one has not closed.
        "closed_at": row.get("closed_at") if row["status"] != Status.PUBLISHED else None,
        "updated_at": row["updated_at"],
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
        "kind": choice("post", row.kind),
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
        "size": choice("size", row.size),
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


def exchange(row: Exchange) -> dict:
    """The exchange as its public page shows it: no registrations, no people, no link to join online."""
    organiser = row.lab or row.post
    return {
        "id": row.pk,
        "url": absolute(row.get_absolute_url()),
        "ics_url": absolute(reverse("exchanges:ics", kwargs={"pk": row.pk})),
        "kind": choice("exchange_kind", row.kind),
        "status": choice("exchange_status", row.status),
        "title_en": row.title_en,
        "title_nl": row.title_nl,
        "description_en": row.description_en,
        "description_nl": row.description_nl,
        "organiser": {"kind": "lab" if row.lab_id else "post", "id": organiser.pk, "name": organiser.name},
        "country": country_ref(row.country_id),
        "themes": named(row.themes.all()),
        "is_online": row.is_online,
        "city": row.city,
        "venue": row.venue,
        "time_zone": row.time_zone,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "registration_deadline": row.registration_deadline,
        "capacity": row.capacity,
        "audience": choice("exchange_audience", row.audience),
        "requires_approval": row.requires_approval,
        "updated_at": row.updated_at,
    }


def network(row: Network) -> dict:
    """The network as its public page shows it, without members' people or contacts."""
    return {
        "id": row.pk,
        "slug": row.slug,
        "url": absolute(row.get_absolute_url()),
        "name": row.name,
        "status": choice("network_status", row.status),
        "theme": named([row.theme])[0],
        "countries": [country_ref(country.code) for country in row.countries.all()],
        "description_en": row.description_en,
        "description_nl": row.description_nl,
        "help_accepted": row.help_accepted,
        "updated_at": row.updated_at,
    }


def network_detail(row: Network, members, per_member: dict, requests) -> dict:
    """`network` with its members (kind, name, side, help given and received) and its newest requests."""

    def member(membership) -> dict:
        counts = per_member.get(membership.pk)
        return {
            "kind": membership.kind,
            "id": membership.member.pk,
            "name": str(membership.member),
            "side": membership.side,
            "helped": counts.helped if counts else 0,
            "was_helped": counts.was_helped if counts else 0,
        }

    return {
        **network(row),
        "members": [member(m) for m in members],
        "requests": [
            {
                "id": r.pk,
                "url": absolute(r.get_absolute_url()),
                "title": r.title,
                "status": choice("request_status", r.status),
                "side": r.membership.side,
                "created_at": r.created_at,
            }
            for r in requests
        ],
    }
