"""Atom feeds of the opportunities open for interest: all of them, per focus country, per theme, per Lab.

What a feed holds is what a visitor sees, whoever asks: the feed is one document shared by feed
readers and caches, so it never carries what a login would add (the brief, fee terms, contacts, the
client unless `client_is_public`). Its items are the opportunities open for interest (published and
the deadline not passed): what a reader can still act on; one closed, withdrawn or expired leaves the
feed. The newest `FEED_SIZE` by publication. Titles, summaries and the client are the opportunity's own
text (one language); the feed's title, the categories (theme and country names) and the item's labels
follow the request's language, as the list page does.

Conditional requests: the ETag and Last-Modified say when anything any feed could show last changed
(`feed_version`), so they hold for every feed at the price of a few index look-ups; a 304 costs no
items and no rendering.
"""

import datetime
import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from creativelabs.ratelimits import rate_limited
from labs.models import Country, Lab, Theme

from ..models import Opportunity, OpportunityEvent

FEED_SIZE = 50
FEED_FIELDS = [
    "title",
    "summary",
    "client_name",
    "client_is_public",
    "city",
    "deadline",
    "published_at",
    "updated_at",
    "lab__name",
    "country__code",
]


@dataclass(frozen=True)
class FeedLink:
    """A feed to offer on a page: `<link rel="alternate">` in the head and a visible link."""

    title: str
    url: str


# --- When the feeds last changed ----------------------------------------------------------------


@dataclass(frozen=True)
class FeedVersion:
    last_modified: datetime.datetime
    etag: str


def feed_version() -> FeedVersion:
    """When anything a feed could show last changed, and a tag that moves with every such change.

    Every write that can put an opportunity into a feed, change it there or take it out goes through
    a workflow service, which records an `OpportunityEvent` (created, edited, published, closed,
    withdrawn, expired): the newest event says when. The rest: an opportunity's deadline passing takes
    it out at the start of the next day with no write (until the hourly expiry records one); a theme's
    new name shows in the categories (`Theme.updated_at`); an opportunity deleted in the admin leaves
    no event, but changes the count. Four queries on indexes (or the small themes table), whatever
    the number of opportunities.
    """
    today = timezone.localdate()
    latest_event = OpportunityEvent.objects.order_by("-pk").values_list("pk", "created_at").first()
    lapsed = Opportunity.objects.published().filter(deadline__lt=today).aggregate(day=Max("deadline"))["day"]
    count = Opportunity.objects.count()
    themes_changed = Theme.objects.aggregate(changed=Max("updated_at"))["changed"]
    moments = [themes_changed]
    if latest_event is not None:
        moments.append(latest_event[1])
    if lapsed is not None:
        day_after = lapsed + datetime.timedelta(days=1)
        moments.append(timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min)))
    last_modified = max((moment for moment in moments if moment is not None), default=timezone.now())
    # The tag also moves within the second an HTTP date cannot tell apart, and differs per language.
    stamp = f"{latest_event}|{lapsed}|{count}|{themes_changed}|{get_language()}"
    return FeedVersion(
        last_modified=last_modified.replace(microsecond=0),
        etag=quote_etag(hashlib.sha256(stamp.encode()).hexdigest()[:32]),
    )


# --- The feeds ----------------------------------------------------------------------------------


class OpportunityFeed(Feed):
    """Anyone: all opportunities open for interest; the subclasses narrow them to one country, theme or Lab."""

    feed_type = Atom1Feed
    description_template = "opportunities/feed_item.html"

    def __call__(self, request, *args, **kwargs):
        # Django's Feed sets Last-Modified from the newest item, which misses an item that left;
        # the feed's own version answers conditional requests instead, before anything is rendered.
        try:
            scope = self.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist as error:
            raise Http404 from error
        version = feed_version()
        last_modified = int(version.last_modified.timestamp())
        response = get_conditional_response(request, etag=version.etag, last_modified=last_modified)
        if response is None:
            generator = self.get_feed(scope, request)
            response = HttpResponse(content_type=generator.content_type)
            generator.write(response, "utf-8")
        response.headers["ETag"] = version.etag
        response.headers["Last-Modified"] = http_date(last_modified)
        # The language comes from the cookie as well as from Accept-Language (LocaleMiddleware's Vary).
        patch_vary_headers(response, ("Cookie",))
        return response

    def get_context_data(self, **kwargs):
        return {"opportunity": kwargs["item"]}

    def scoped(self, queryset, scope):
        return queryset

    def items(self, scope):
        # Only what a visitor may see is read at all: the brief, the fee terms and the contacts never are.
        opportunities = (
            Opportunity.objects.open_for_interest()
            .select_related("lab", "country")
            .only(*FEED_FIELDS)
            .prefetch_related("themes")
        )
        # Newest first on the (status, -published_at) index; a published opportunity always has the date.
        return self.scoped(opportunities, scope).order_by("-published_at", "-id")[:FEED_SIZE]

    def title(self, scope):
        return _("Opportunities · Creative Labs")

    def subtitle(self, scope):
        return _("Local demands in Germany, China and the USA that Dutch creative companies can take on.")

    def link(self, scope):
        return reverse("opportunities:list")

    def author_name(self, scope):
        return "Creative Labs"

    def item_title(self, opportunity):
        return opportunity.title

    def item_pubdate(self, opportunity):
        return opportunity.published_at

    def item_updateddate(self, opportunity):
        return opportunity.updated_at

    def item_author_name(self, opportunity):
        return opportunity.lab.name

    def item_categories(self, opportunity):
        return [theme.name for theme in opportunity.themes.all()] + [opportunity.country.name]


def _filtered_list(**query) -> str:
    return f"{reverse('opportunities:list')}?{urlencode(query)}"


class CountryFeed(OpportunityFeed):
    """Anyone: the opportunities open for interest in a focus country."""

    def get_object(self, request, code: str):
        return get_object_or_404(Country.objects.focus(), code=code.upper())

    def scoped(self, queryset, country):
        return queryset.filter(country=country)

    def title(self, country):
        return _("Opportunities in %(country)s · Creative Labs") % {"country": country.name}

    def link(self, country):
        return _filtered_list(country=country.code)


class ThemeFeed(OpportunityFeed):
    """Anyone: the opportunities open for interest on a theme (an archived one too, as its page is)."""

    def get_object(self, request, slug: str):
        return get_object_or_404(Theme, slug=slug)

    def scoped(self, queryset, theme):
        return queryset.filter(themes=theme)

    def title(self, theme):
        return _("Opportunities on %(theme)s · Creative Labs") % {"theme": theme.name}

    def link(self, theme):
        return _filtered_list(theme=theme.slug)


class LabFeed(OpportunityFeed):
    """Anyone: the opportunities open for interest that a Lab posted."""

    def get_object(self, request, slug: str):
        return get_object_or_404(Lab, slug=slug)

    def scoped(self, queryset, lab):
        return queryset.filter(lab=lab)

    def title(self, lab):
        return _("Opportunities of %(lab)s · Creative Labs") % {"lab": lab.name}

    def link(self, lab):
        return _filtered_list(lab=lab.slug)


def _feed_view(feed: OpportunityFeed):
    # Feed readers poll: counted like the list's searches, far above what a reader does.
    return require_safe(rate_limited("search", methods=("GET", "HEAD"))(feed))


all_opportunities = _feed_view(OpportunityFeed())
country_opportunities = _feed_view(CountryFeed())
theme_opportunities = _feed_view(ThemeFeed())
lab_opportunities = _feed_view(LabFeed())


# --- Links to the feeds, for the pages that offer them --------------------------------------------


def feed_link(scope: Country | Theme | Lab | None = None) -> FeedLink:
    """The feed of one country, theme or Lab (all opportunities for None), with the title it bears."""
    if isinstance(scope, Country):
        url = reverse("opportunities:feed_country", kwargs={"code": scope.code.lower()})
        return FeedLink(CountryFeed().title(scope), url)
    if isinstance(scope, Theme):
        return FeedLink(ThemeFeed().title(scope), reverse("opportunities:feed_theme", kwargs={"slug": scope.slug}))
    if isinstance(scope, Lab):
        return FeedLink(LabFeed().title(scope), reverse("opportunities:feed_lab", kwargs={"slug": scope.slug}))
    return FeedLink(OpportunityFeed().title(None), reverse("opportunities:feed"))


def feed_links(*, country: Country | None = None, theme: Theme | None = None, lab: Lab | None = None) -> list[FeedLink]:
    """The feeds matching a filtered list: one per filter that is set (most specific first), then all."""
    return [feed_link(scope) for scope in (lab, theme, country) if scope is not None] + [feed_link()]
