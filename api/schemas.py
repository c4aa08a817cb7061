"""The API's answers and query parameters, every field described: the OpenAPI schema is made from these.

Answers hold public data only, as the portal's public pages show it to a visitor (api/serializers.py
fills them); the names of things come in both portal languages (`name_en`, `name_nl`).
"""

import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

# Free text in a query: no control characters (the portal refuses them at the door, with a 400).
TEXT = r"^[^\x00-\x1f\x7f]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"
COUNTRY_CODE = r"^[A-Za-z]{2}$"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
MAX_PAGE = 100_000
MAX_ID = 2**63 - 1


# --- Pieces shared by several answers ----------------------------------------------------------------


class Answer(Schema):
    """What the API answers: exactly these fields (`additionalProperties: false` in the schema)."""

    model_config = ConfigDict(extra="forbid")


class Named(Answer):
    slug: str = Field(description="Stable identifier, used in the query parameters that filter by it.")
    name_en: str = Field(description="Name in English.")
    name_nl: str = Field(description="Name in Dutch.")


class Choice(Answer):
    code: str = Field(description="Stable code of the value.")
    name_en: str = Field(description="The value as the portal shows it in English.")
    name_nl: str = Field(description="The value as the portal shows it in Dutch.")


class CountryRef(Answer):
    code: str = Field(description="ISO 3166-1 alpha-2 code, upper case (DE, CN, US).")
    name_en: str = Field(description="Country name in English.")
    name_nl: str = Field(description="Country name in Dutch.")


class LabRef(Answer):
    id: int = Field(description="Stable identifier of the Lab.")
    slug: str = Field(description="Stable short name of the Lab, used by the `lab` filter.")
    name: str = Field(description="Name of the Lab.")


class Page(Answer):
    count: int = Field(description="Number of results over all pages.")
    page: int = Field(description="This page's number, from 1.")
    page_size: int = Field(description="Results per page asked for.")
    pages: int = Field(description="Number of pages (at least 1).")
    next: str | None = Field(description="Address of the next page, or null on the last.")
    previous: str | None = Field(description="Address of the previous page, or null on the first.")


class Error(Answer):
    detail: str | list[dict] = Field(
        description="What was wrong: a sentence, or one entry per parameter not understood "
        "(`loc` names the parameter, `msg` says why)."
    )


# --- Opportunities --------------------------------------------------------------------------------------


OPPORTUNITY_STATUS = Literal["published", "closed_won", "closed_not_won", "expired"]


class Opportunity(Answer):
    id: int = Field(description="Stable identifier of the opportunity.")
    url: str = Field(description="Address of the opportunity's public page in the portal.")
    title: str = Field(description="Title of the local demand.")
    summary: str = Field(description="Public summary (the full brief is for logged-in companies, in the portal).")
    status: OPPORTUNITY_STATUS = Field(
        description="`published` (open or past its deadline but not yet expired); with a partner key whose scope "
        "covers the country also `closed_won`, `closed_not_won` or `expired` for those closed in the last year."
    )
    is_open_for_interest: bool = Field(
        description="Published and the deadline not passed: companies can express interest in the portal."
    )
    country: CountryRef = Field(description="The focus country of the demand.")
    city: str = Field(description="City where the demand is.")
    lab: LabRef = Field(description="The Creative Lab that develops the opportunity.")
    client_name: str | None = Field(description="The local client, when the Lab made the name public; otherwise null.")
    themes: list[Named] = Field(description="Societal themes of the demand.")
    required_disciplines: list[Named] = Field(description="Creative disciplines the work requires.")
    nice_disciplines: list[Named] = Field(description="Disciplines that are welcome but not required.")
    budget: Choice = Field(
        description="Budget band: `lt25k`, `25k-100k`, `100k-500k`, `gt500k` or `unknown`, in `currency`."
    )
    currency: str = Field(description="Currency of the budget band (EUR, USD or CNY).")
    expected_start: datetime.date | None = Field(description="When the work is expected to start, if known.")
    deadline: datetime.date = Field(description="Last day to express interest (in the portal).")
    languages: list[str] = Field(description="Working languages, as codes: nl, en, de, zh, fr, es.")
    published_at: datetime.datetime | None = Field(description="When the opportunity was published.")
    closed_at: datetime.datetime | None = Field(
        description="When it closed or expired (only for closed opportunities, read with a partner key)."
    )
    updated_at: datetime.datetime = Field(description="When the opportunity last changed.")


class OpportunityPage(Page):
    results: list[Opportunity] = Field(description="The opportunities on this page.")


OPPORTUNITY_ORDERING = Literal[
    "relevance", "deadline", "-deadline", "published_at", "-published_at", "updated_at", "-updated_at", "id", "-id"
]


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Results per page, at most {MAX_PAGE_SIZE}."
    )


class OpportunityQuery(PageQuery):
    q: str | None = Field(
        None,
        max_length=200,
        pattern=TEXT,
        description="Full-text search in title, summary, brief and client, English and Dutch at once: every word "
        "must match (stemmed, or as a prefix from four letters). The portal's own search.",
    )
    country: str | None = Field(None, pattern=COUNTRY_CODE, description="Focus country code, e.g. DE.")
    lab: str | None = Field(None, max_length=50, pattern=SLUG, description="Lab slug, e.g. berlin.")
    theme: str | None = Field(None, max_length=50, pattern=SLUG, description="Theme slug, e.g. mobility.")
    discipline: str | None = Field(
        None, max_length=50, pattern=SLUG, description="Discipline slug, required or nice to have, e.g. games."
    )
    budget: Literal["lt25k", "25k-100k", "100k-500k", "gt500k", "unknown"] | None = Field(
        None, description="Budget band."
    )
    deadline: Literal["open", "soon"] | None = Field(
        None, description="`open`: open for interest now; `soon`: open and closing within 14 days."
    )
    language: Literal["nl", "en", "de", "zh", "fr", "es"] | None = Field(None, description="Working language.")
    status: OPPORTUNITY_STATUS | None = Field(
        None, description="Only this status (the closed ones need a partner key whose scope covers the country)."
    )
    updated_since: datetime.datetime | None = Field(
        None, description="Only opportunities changed at or after this moment (ISO 8601), to fetch what changed."
    )
    ordering: OPPORTUNITY_ORDERING | None = Field(
        None,
        description="Sort order; `-` for descending. Default: `relevance` (best match) when searching, else "
        "`deadline`. Ties are broken by `id`.",
    )


# --- Themes, countries, Labs, posts -----------------------------------------------------------------------


class Theme(Answer):
    id: int = Field(description="Stable identifier of the theme.")
    slug: str = Field(description="Stable short name, used by the `theme` filters.")
    url: str = Field(description="Address of the theme's public page in the portal.")
    name_en: str = Field(description="Name in English.")
    name_nl: str = Field(description="Name in Dutch.")
    description_en: str = Field(description="Description in English (may be empty).")
    description_nl: str = Field(description="Description in Dutch (may be empty).")
    countries: list[str] = Field(description="Codes of the focus countries working on the theme.")
    is_archived: bool = Field(description="Archived themes stay on older opportunities but are not used for new ones.")
    updated_at: datetime.datetime = Field(description="When the theme last changed.")


class ThemePage(Page):
    results: list[Theme] = Field(description="The themes on this page.")


class ThemeQuery(PageQuery):
    country: str | None = Field(None, pattern=COUNTRY_CODE, description="Only themes of this focus country.")
    archived: bool | None = Field(None, description="Only archived (true) or only current (false) themes.")


class Country(Answer):
    code: str = Field(description="ISO 3166-1 alpha-2 code: the country's stable identifier.")
    url: str = Field(description="Address of the country's public page in the portal.")
    name_en: str = Field(description="Country name in English.")
    name_nl: str = Field(description="Country name in Dutch.")
    introduction_en: str = Field(description="The programme in this country, in English (may be empty).")
    introduction_nl: str = Field(description="The programme in this country, in Dutch (may be empty).")


class CountryPage(Page):
    results: list[Country] = Field(description="The focus countries on this page.")


class Lab(Answer):
    id: int = Field(description="Stable identifier of the Lab.")
    slug: str = Field(description="Stable short name, used by the `lab` filter of opportunities.")
    url: str = Field(description="Address of the Lab's public page in the portal.")
    name: str = Field(description="Name of the Lab.")
    country: CountryRef = Field(description="The focus country the Lab works in.")
    city: str = Field(description="City of the Lab.")
    description_en: str = Field(description="Description in English (may be empty).")
    description_nl: str = Field(description="Description in Dutch (may be empty).")
    created_at: datetime.datetime = Field(description="When the Lab was added to the portal.")


class LabPage(Page):
    results: list[Lab] = Field(description="The Labs on this page.")


class CountryFilterQuery(PageQuery):
    country: str | None = Field(None, pattern=COUNTRY_CODE, description="Only those in this focus country.")


class Post(Answer):
    id: int = Field(description="Stable identifier of the post.")
    name: str = Field(description="Name of the embassy or consulate.")
    kind: Choice = Field(description="`embassy` or `consulate`.")
    country: CountryRef = Field(description="Country of the post.")
    city: str = Field(description="City of the post.")


class PostPage(Page):
    results: list[Post] = Field(description="The posts on this page.")


# --- Companies --------------------------------------------------------------------------------------------


class PortfolioItem(Answer):
    id: int = Field(description="Stable identifier of the portfolio item.")
    title: str = Field(description="Title of the work.")
    client: str = Field(description="Who the work was for, as the company wrote it (may be empty).")
    year: int | None = Field(description="Year of the work, if given.")
    country: str | None = Field(description="ISO code of the country of the work, if given.")
    description: str = Field(description="What the work was.")
    disciplines: list[Named] = Field(description="Disciplines of the work.")
    themes: list[Named] = Field(description="Themes of the work.")
    link: str | None = Field(description="Address of more about the work, if given.")
    updated_at: datetime.datetime = Field(description="When the item last changed.")


class Company(Answer):
    id: int = Field(description="Stable identifier of the company.")
    slug: str = Field(description="Stable short name, also in the address of its page.")
    url: str = Field(description="Address of the company's public page in the portal.")
    name: str = Field(description="Name of the company.")
    pitch: str = Field(description="Short pitch.")
    description: str = Field(description="Longer description (may be empty).")
    city: str = Field(description="City in the Netherlands.")
    size: Choice = Field(description="Number of people: `1-9`, `10-49` or `50-249`.")
    founded_year: int | None = Field(description="Year founded, if given.")
    website: str | None = Field(description="The company's website, if given.")
    logo_url: str | None = Field(description="Address of the logo, if there is one.")
    disciplines: list[Named] = Field(description="Creative disciplines of the company.")
    themes: list[Named] = Field(description="Themes the company is interested in.")
    target_countries: list[str] = Field(description="Codes of the countries the company wants to work in.")
    presence_countries: list[str] = Field(
        description="Codes of the countries where it has an office, a partner or staff."
    )
    languages: list[str] = Field(description="Working languages, as codes: nl, en, de, zh, fr, es.")
    portfolio: list[PortfolioItem] = Field(description="The company's public portfolio items, in its own order.")
    updated_at: datetime.datetime = Field(description="When the company's profile last changed.")


class CompanyPage(Page):
    results: list[Company] = Field(description="The companies on this page.")


class CompanyQuery(PageQuery):
    q: str | None = Field(
        None,
        max_length=200,
        pattern=TEXT,
        description="Full-text search in name, pitch, description and city, English and Dutch at once.",
    )
    discipline: str | None = Field(None, max_length=50, pattern=SLUG, description="Discipline slug.")
    theme: str | None = Field(None, max_length=50, pattern=SLUG, description="Theme slug.")
    target: str | None = Field(None, pattern=COUNTRY_CODE, description="Wants to work in this country (ISO code).")
    presence: str | None = Field(None, pattern=COUNTRY_CODE, description="Has a local presence in this country.")
    size: Literal["1-9", "10-49", "50-249"] | None = Field(None, description="Company size.")
    city: str | None = Field(None, max_length=100, pattern=TEXT, description="City, exactly (any case).")
    ordering: Literal["name", "-name", "updated_at", "-updated_at", "id", "-id"] | None = Field(
        None, description="Sort order; `-` for descending. Default: `name`. Ties are broken by `id`."
    )


class ExchangeOrganiser(Answer):
    kind: str = Field(description="`lab` (a Creative Lab) or `post` (an embassy or consulate).")
    id: int = Field(description="Stable identifier of the Lab or the post.")
    name: str = Field(description="Name of the Lab or the post.")


class Exchange(Answer):
    id: int = Field(description="Stable identifier of the exchange.")
    url: str = Field(description="Address of the exchange's public page in the portal (registration is there).")
    ics_url: str = Field(description="Address of the exchange's calendar file (.ics).")
    kind: Choice = Field(
        description="`trade_mission`, `incoming_delegation`, `theme_session`, `matchmaking_day` or `webinar`."
    )
    status: Choice = Field(description="`published`, `cancelled` or `held` (drafts are never in the API).")
    title_en: str = Field(description="Title in English.")
    title_nl: str = Field(description="Title in Dutch (may be empty: then the English one is shown).")
    description_en: str = Field(description="Description in English.")
    description_nl: str = Field(description="Description in Dutch (may be empty).")
    organiser: ExchangeOrganiser = Field(description="The Lab or the post that organises it.")
    country: CountryRef = Field(description="Focus country of the exchange.")
    themes: list[Named] = Field(description="Themes of the exchange.")
    is_online: bool = Field(description="Held online (then `city` and `venue` may be empty).")
    city: str = Field(description="City where it is held (may be empty when online).")
    venue: str = Field(description="Venue (may be empty).")
    time_zone: str = Field(description="IANA time zone of the place, in which the portal shows the times.")
    starts_at: datetime.datetime = Field(description="Start, an instant with its UTC offset.")
    ends_at: datetime.datetime = Field(description="End, an instant with its UTC offset.")
    registration_deadline: datetime.date = Field(description="Last day to register.")
    capacity: int = Field(description="Number of places.")
    audience: Choice = Field(
        description="Who may register: `companies` (members of a creative company), `organisations` (members of a "
        "company or of an organisation) or `anyone` (anyone logged in)."
    )
    requires_approval: bool = Field(description="Registrations wait for the organiser's approval.")
    updated_at: datetime.datetime = Field(description="When the exchange last changed.")


class ExchangePage(Page):
    results: list[Exchange] = Field(description="The exchanges on this page.")


class ExchangeQuery(PageQuery):
    country: str | None = Field(None, pattern=COUNTRY_CODE, description="Only exchanges in this focus country.")
    theme: str | None = Field(None, pattern=SLUG, max_length=50, description="Only exchanges on this theme (its slug).")
    kind: Literal["trade_mission", "incoming_delegation", "theme_session", "matchmaking_day", "webinar"] | None = Field(
        None, description="Only exchanges of this kind."
    )
    when: Literal["upcoming", "past"] | None = Field(
        None,
        description="`upcoming`: published and not ended, soonest first; `past`: held, or published and ended, "
        "latest first. Without it: all but drafts, soonest start first.",
    )


class NetworkMember(Answer):
    kind: str = Field(description="`company`, `organisation`, `lab` or `post`.")
    id: int = Field(description="Stable identifier of the company, organisation, Lab or post.")
    name: str = Field(description="Its name.")
    side: str = Field(description="`NL`, or the ISO code of the focus country the member is in.")
    helped: int = Field(description="Offers of help of this member accepted in the network.")
    was_helped: int = Field(description="Offers of help this member accepted in the network.")


class NetworkRequest(Answer):
    id: int = Field(description="Stable identifier of the request for help.")
    url: str = Field(description="Address of the request's public page (members offer help there).")
    title: str = Field(description="What the member is looking for, in one line.")
    status: Choice = Field(description="`open`, `answered` or `closed`.")
    side: str = Field(description="The requester's side: `NL` or a focus country's ISO code.")
    created_at: datetime.datetime = Field(description="When it was posted.")


class Network(Answer):
    id: int = Field(description="Stable identifier of the network.")
    slug: str = Field(description="The network's address on the portal, `/networks/<slug>/`.")
    url: str = Field(description="Address of the network's public page.")
    name: str = Field(description="Name, for example `Mobility NL–DE`.")
    status: Choice = Field(description="`active` or `archived`.")
    theme: Named = Field(description="The theme the network is about.")
    countries: list[CountryRef] = Field(description="The focus countries it connects with the Netherlands.")
    description_en: str = Field(description="Description in English.")
    description_nl: str = Field(description="Description in Dutch (may be empty).")
    help_accepted: int = Field(description="Offers of help accepted in the network, in both directions.")
    updated_at: datetime.datetime = Field(description="When the network's description last changed.")


class NetworkDetail(Network):
    members: list[NetworkMember] = Field(description="Its members (no people, no contact details).")
    requests: list[NetworkRequest] = Field(description="Its requests for help, the newest 50 (no contacts).")


class NetworkPage(Page):
    results: list[Network] = Field(description="The networks on this page.")


class NetworkQuery(PageQuery):
    country: str | None = Field(None, pattern=COUNTRY_CODE, description="Only networks with this focus country.")
    theme: str | None = Field(None, pattern=SLUG, max_length=50, description="Only networks on this theme (its slug).")
    archived: bool = Field(False, description="Also archived networks.")
