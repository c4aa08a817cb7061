"""The programme in figures (`/programme/`): counts anyone may read, with no person and no company in them.

What is counted (the page says the same, `templates/insights/programme.html`):

- companies taking part: every Dutch creative company registered on the portal;
- published: every opportunity that has been published (`published_at` set) and is now published,
  closed (won or not) or expired. Withdrawn ones are left out: the Lab took them back, most often
  before any company could act on them;
- open: open for interest now (`Opportunity.objects.open_for_interest()`);
- introductions: per year of their `created_at` (the portal's time zone);
- deals won: every `Deal` row per year of its `closed_on`, confirmed by the company or not. A win
  outside the portal (`OutsideWin`) has no deal and is not counted.

Small counts are hidden (`SMALLEST_SHOWN`): a count below 3, zero included, is shown as "fewer than
3", so a row never tells whether there was one opportunity or none. A total made of counts one of
which is hidden would give that count back by subtraction, so such a total is shown as the range it
lies in: the shown counts added up, plus 0 to 2 for each hidden one ("between 55 and 57"). Only
partitions get totals (each opportunity has one country, each introduction and deal one year); an
opportunity may have several themes or none, so the theme table has no total. The rows do not
depend on the data either way: every focus country and every active theme is listed (a country
or an archived theme outside those only once something published is in it), and every year from
the first introduction or deal to this one.

Speed: five aggregate queries whatever the data size; the numbers (not the rendered page, which
holds a CSRF token and the visitor's menu) are kept `CACHE_SECONDS` in the site's cache, one entry
for both languages; the Tables are made from them per request, in the active language.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext
from django_countries import countries

from companies.models import Company
from labs.models import Country, Theme

from ..models import Deal, Introduction, Status, open_for_interest_q
from .tables import Column, Row, Table

SMALLEST_SHOWN = 3
CACHE_KEY = "insights:programme:v1"  # a new version when `Counts` changes shape: the old entry is pickled
CACHE_SECONDS = 5 * 60
EVER_PUBLISHED = (Status.PUBLISHED, Status.CLOSED_WON, Status.CLOSED_NOT_WON, Status.EXPIRED)


def published_q(path: str = "") -> Q:
    """Has been published and was not withdrawn, for the opportunity reached through `path`."""
    return Q(**{f"{path}published_at__isnull": False, f"{path}status__in": EVER_PUBLISHED})


@dataclass(frozen=True)
class Counts:
    """The raw numbers behind the page: plain data, cached as it is. Nothing in it names anyone."""

    companies: int
    countries: tuple[tuple[str, bool, int, int], ...]  # (code, is_focus, published, open)
    themes: tuple[tuple[str, str, str, int, int], ...]  # (slug, name_en, name_nl, published, open)
    years: tuple[tuple[int, int, int], ...]  # (year, introductions, deals won), every year in the range
    counted_at: datetime


@dataclass(frozen=True)
class ProgrammeFigures:
    headline: Table
    per_country: Table
    per_theme: Table
    per_year: Table
    counted_at: datetime

    # The tables whose last row is the total of the rows above it.
    totalled = ("per_country", "per_year")

    @property
    def tables(self) -> tuple[Table, ...]:
        return (self.headline, *self.breakdowns)

    @property
    def breakdowns(self) -> tuple[Table, ...]:
        return (self.per_country, self.per_theme, self.per_year)


def programme_figures() -> ProgrammeFigures:
    """The page's Tables in the active language, from numbers at most `CACHE_SECONDS` old."""
    counts = cache.get(CACHE_KEY)
    if counts is None:
        counts = count_programme()
        cache.set(CACHE_KEY, counts, CACHE_SECONDS)
    return figures_from(counts)


def count_programme() -> Counts:
    """Five queries, each an aggregate in SQL."""
    open_ = open_for_interest_q("opportunities__")
    published = published_q("opportunities__")
    country_rows = (
        Country.objects.annotate(
            published=Count("opportunities", filter=published), open=Count("opportunities", filter=open_)
        )
        .filter(Q(is_focus=True) | Q(published__gt=0))
        .order_by("ordering", "code")
        .values_list("code", "is_focus", "published", "open")
    )
    theme_rows = (
        Theme.objects.annotate(
            published=Count("opportunities", filter=published), open=Count("opportunities", filter=open_)
        )
        .filter(Q(is_archived=False) | Q(published__gt=0))
        .values_list("slug", "name_en", "name_nl", "published", "open")
    )
    introductions = _per_year(Introduction.objects.annotate(year=ExtractYear("created_at")))
    deals = _per_year(Deal.objects.annotate(year=ExtractYear("closed_on")))
    this_year = timezone.localdate().year
    first_year = min([*introductions, *deals, this_year])
    return Counts(
        companies=Company.objects.count(),
        countries=tuple(country_rows),
        themes=tuple(theme_rows),
        years=tuple(
            (year, introductions.get(year, 0), deals.get(year, 0))
            for year in range(first_year, max([*introductions, *deals, this_year]) + 1)
        ),
        counted_at=timezone.now(),
    )


def _per_year(queryset) -> dict[int, int]:
    return dict(queryset.values("year").annotate(count=Count("pk")).order_by("year").values_list("year", "count"))


# --- Showing counts -----------------------------------------------------------------------------------


def shown(count: int) -> int | str:
    """A count as the page shows it: the number from 3 up, "fewer than 3" below."""
    return count if count >= SMALLEST_SHOWN else fewer_than_smallest()


def shown_total(parts: list[int]) -> int | str:
    """The total of `parts`, unless one is hidden: then the range the shown parts allow, and no more."""
    hidden = [part for part in parts if part < SMALLEST_SHOWN]
    if not hidden:
        return shown(sum(parts))
    low = sum(part for part in parts if part >= SMALLEST_SHOWN)
    high = low + len(hidden) * (SMALLEST_SHOWN - 1)
    if high < SMALLEST_SHOWN:
        return fewer_than_smallest()
    return gettext("between %(low)s and %(high)s") % {"low": low, "high": high}


def fewer_than_smallest() -> str:
    return gettext("fewer than %(count)s") % {"count": SMALLEST_SHOWN}


# --- The Tables ---------------------------------------------------------------------------------------


def figures_from(counts: Counts) -> ProgrammeFigures:
    """The four Tables of the page from the numbers, with every small count hidden. No queries."""
    published = [row[2] for row in counts.countries]
    open_now = [row[3] for row in counts.countries]
    introductions = [row[1] for row in counts.years]
    deals = [row[2] for row in counts.years]
    headline = Table(
        key="programme",
        title=gettext("The programme in figures"),
        columns=(Column("figure", gettext("Figure")), Column("count", pgettext("how many", "Number"), numeric=True)),
        rows=(
            Row({"figure": gettext("Companies taking part"), "count": shown(counts.companies)}),
            Row({"figure": gettext("Opportunities published"), "count": shown_total(published)}),
            Row({"figure": gettext("Opportunities open for interest now"), "count": shown_total(open_now)}),
            Row({"figure": gettext("Introductions"), "count": shown_total(introductions)}),
            Row({"figure": gettext("Deals won"), "count": shown_total(deals)}),
        ),
    )
    opportunity_columns = (
        Column("published", gettext("Published"), numeric=True),
        Column("open", gettext("Open for interest now"), numeric=True),
    )
    per_country = Table(
        key="per_country",
        title=gettext("Opportunities per country"),
        columns=(Column("country", gettext("Country")), *opportunity_columns),
        rows=(
            *(
                Row(
                    {"country": str(countries.name(code)) or code, "published": shown(pub), "open": shown(open_)},
                    links={"country": reverse("labs:country", kwargs={"code": code.lower()})} if is_focus else {},
                )
                for code, is_focus, pub, open_ in counts.countries
            ),
            Row(
                {
                    "country": gettext("All countries"),
                    "published": shown_total(published),
                    "open": shown_total(open_now),
                }
            ),
        ),
    )
    dutch = (get_language() or "en").startswith("nl")
    themes = sorted(
        (
            (name_nl if dutch and name_nl else name_en, slug, pub, open_)
            for slug, name_en, name_nl, pub, open_ in counts.themes
        ),
        key=lambda theme: theme[0].casefold(),
    )
    per_theme = Table(
        key="per_theme",
        title=gettext("Opportunities per theme"),
        columns=(Column("theme", gettext("Theme")), *opportunity_columns),
        rows=tuple(
            Row(
                {"theme": name, "published": shown(pub), "open": shown(open_)},
                links={"theme": reverse("labs:theme", kwargs={"slug": slug})},
            )
            for name, slug, pub, open_ in themes
        ),
    )
    per_year = Table(
        key="per_year",
        title=gettext("Introductions and deals won per year"),
        columns=(
            Column("year", gettext("Year")),
            Column("introductions", gettext("Introductions"), numeric=True),
            Column("deals", gettext("Deals won"), numeric=True),
        ),
        rows=(
            *(
                Row({"year": str(year), "introductions": shown(intros), "deals": shown(won)})
                for year, intros, won in reversed(counts.years)
            ),
            Row(
                {
                    "year": gettext("All years"),
                    "introductions": shown_total(introductions),
                    "deals": shown_total(deals),
                }
            ),
        ),
    )
    return ProgrammeFigures(headline, per_country, per_theme, per_year, counted_at=counts.counted_at)
