"""The Atom feeds of opportunities open for interest: content, what never leaks, 404s, queries, 304s,
the pages that link to them, and a client outside Django reading them from the live server."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal
from html.parser import HTMLParser

import feedparser
import httpx
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from labs.models import Theme
from opportunities.models import Status
from opportunities.workflow import services
from opportunities.workflow.feeds import FEED_SIZE
from tests.factories import BusinessDeveloperFactory, LabFactory, UserFactory
from tests.opportunities.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def published(lab, **fields):
    fields.setdefault("status", Status.PUBLISHED)
    return OpportunityFactory(lab=lab, **fields)


def read(client, url, **headers):
    """The feed at `url` as feedparser reads it, after checking it is well-formed Atom."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def titles(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


@pytest.fixture
def mobility(db):
    return Theme.objects.get(slug="mobility")


@pytest.fixture
def lab_berlin_2(germany):
    """A second Lab in Germany, so a Lab's feed is narrower than its country's."""
    return LabFactory(slug="lab-munich", name="Creative Lab Munich", country=germany, city="Munich")


# --- What the feeds hold ------------------------------------------------------------------------


def test_the_feed_of_all_opportunities_shows_each_as_its_public_page_does(client, lab_a, mobility):
    opportunity = published(
        lab_a, title="Safe cycling to school", summary="Help a city teach children to cycle safely."
    )
    opportunity.themes.add(mobility)

    feed = read(client, reverse("opportunities:feed"))

    assert feed.feed.title == "Opportunities · Creative Labs"
    assert feed.feed.link == "http://testserver/opportunities/"
    [entry] = feed.entries
    assert entry.title == "Safe cycling to school"
    assert entry.link == f"http://testserver/opportunities/{opportunity.pk}/"
    assert entry.id == entry.link
    assert "Help a city teach children to cycle safely." in entry.summary
    assert "Berlin, Germany" in entry.summary and "Creative Lab Berlin" in entry.summary
    assert [tag.term for tag in entry.tags] == ["Mobility", "Germany"]
    assert entry.author == "Creative Lab Berlin"
    assert datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC) == opportunity.published_at.replace(
        microsecond=0
    )
    opportunity.refresh_from_db()
    assert datetime.datetime(*entry.updated_parsed[:6], tzinfo=datetime.UTC) == opportunity.updated_at.replace(
        microsecond=0
    )


def test_the_newest_fifty_by_publication_come_first(client, lab_a):
    start = timezone.now() - datetime.timedelta(days=90)
    for n in range(FEED_SIZE + 5):
        published(lab_a, title=f"Opportunity {n:02}", published_at=start + datetime.timedelta(days=n))

    feed = read(client, reverse("opportunities:feed"))

    assert titles(feed) == [f"Opportunity {n:02}" for n in range(FEED_SIZE + 4, 4, -1)]


def test_a_country_feed_holds_that_country_only(client, lab_a, lab_b, germany):
    published(lab_a, title="In Berlin")
    published(lab_b, title="In Shanghai")

    feed = read(client, reverse("opportunities:feed_country", kwargs={"code": "de"}))

    assert titles(feed) == ["In Berlin"]
    assert feed.feed.title == "Opportunities in Germany · Creative Labs"
    assert feed.feed.link == "http://testserver/opportunities/?country=DE"
    assert titles(read(client, "/opportunities/feed/country/DE/")) == ["In Berlin"]


def test_a_theme_feed_holds_that_theme_only(client, lab_a, mobility):
    published(lab_a, title="On mobility").themes.add(mobility)
    published(lab_a, title="On water").themes.add(Theme.objects.get(slug="water"))

    feed = read(client, reverse("opportunities:feed_theme", kwargs={"slug": "mobility"}))

    assert titles(feed) == ["On mobility"]
    assert feed.feed.title == "Opportunities on Mobility · Creative Labs"
    assert feed.feed.link == "http://testserver/opportunities/?theme=mobility"


def test_a_lab_feed_holds_that_lab_only(client, lab_a, lab_berlin_2):
    published(lab_a, title="From Berlin")
    published(lab_berlin_2, title="From Munich")

    feed = read(client, reverse("opportunities:feed_lab", kwargs={"slug": "lab-munich"}))

    assert titles(feed) == ["From Munich"]
    assert feed.feed.title == "Opportunities of Creative Lab Munich · Creative Labs"
    assert titles(read(client, reverse("opportunities:feed_country", kwargs={"code": "de"}))) == [
        "From Munich",
        "From Berlin",
    ]


def test_a_feed_follows_the_language_of_the_request(client, lab_a, mobility):
    published(lab_a, title="Veilig fietsen naar school").themes.add(mobility)

    response = client.get(reverse("opportunities:feed"), headers={"accept-language": "nl"})
    feed = feedparser.parse(response.content)

    assert ET.fromstring(response.content).get(XML_LANG) == "nl"
    assert response["Content-Language"] == "nl"
    assert feed.feed.title == "Kansen · Creative Labs"
    [entry] = feed.entries
    assert entry.title == "Veilig fietsen naar school"  # the opportunity's own words, in its one language
    assert [tag.term for tag in entry.tags] == ["Mobiliteit", "Duitsland"]
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]
    english = client.get(reverse("opportunities:feed"), headers={"accept-language": "en"})
    assert ET.fromstring(english.content).get(XML_LANG) == "en"
    assert english["ETag"] != response["ETag"]


def test_an_empty_feed_is_still_a_feed(client, mobility):
    feed = read(client, reverse("opportunities:feed_theme", kwargs={"slug": "mobility"}))

    assert feed.entries == []


# --- Nothing private leaks: one test per rule ---------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.WITHDRAWN, Status.CLOSED_WON, Status.CLOSED_NOT_WON],
)
def test_an_opportunity_not_published_is_in_no_feed(client, lab_a, mobility, status):
    hidden = OpportunityFactory(lab=lab_a, status=status, title=f"Hidden {status}")
    hidden.themes.add(mobility)
    published(lab_a, title="Shown").themes.add(mobility)

    for url in (
        reverse("opportunities:feed"),
        reverse("opportunities:feed_country", kwargs={"code": "de"}),
        reverse("opportunities:feed_theme", kwargs={"slug": "mobility"}),
        reverse("opportunities:feed_lab", kwargs={"slug": "lab-a"}),
    ):
        response = client.get(url)
        assert titles(feedparser.parse(response.content)) == ["Shown"], url
        assert b"Hidden" not in response.content


def test_an_expired_opportunity_or_one_past_its_deadline_is_in_no_feed(client, lab_a):
    OpportunityFactory(lab=lab_a, status=Status.EXPIRED, title="Expired")
    published(lab_a, title="Deadline passed", deadline=timezone.localdate() - datetime.timedelta(days=1))
    published(lab_a, title="Deadline today", deadline=timezone.localdate())

    assert titles(read(client, reverse("opportunities:feed"))) == ["Deadline today"]


def test_a_private_client_name_is_in_no_feed_even_for_a_logged_in_reader(client, lab_a, sme_owner):
    published(lab_a, client_name="Secret Client GmbH", client_is_public=False)
    client.force_login(sme_owner)  # the page would show a logged-in company the client: the feed never does

    response = client.get(reverse("opportunities:feed"))

    assert response.status_code == 200
    assert b"Secret Client" not in response.content


def test_a_public_client_name_is_in_the_feed(client, lab_a):
    published(lab_a, client_name="Stadt Berlin", client_is_public=True)

    [entry] = read(client, reverse("opportunities:feed")).entries

    assert "Client: Stadt Berlin" in entry.summary


def test_contacts_are_in_no_feed(client, lab_a):
    contact = BusinessDeveloperFactory(
        lab=lab_a, user=UserFactory(email="contact.person@lab-a.example", full_name="Carla Contact")
    )
    published(lab_a, contacts=[contact])

    response = client.get(reverse("opportunities:feed"))

    assert b"Carla Contact" not in response.content
    assert b"contact.person" not in response.content


def test_the_brief_and_the_fee_terms_are_in_no_feed(client, lab_a):
    published(
        lab_a,
        brief="Only for logged-in companies: the budget is tight.",
        fee_percentage=Decimal("12.50"),
        fee_note="Paid to Lab partner Kompass GmbH",
    )

    response = client.get(reverse("opportunities:feed"))

    assert b"budget is tight" not in response.content
    assert b"12.5" not in response.content
    assert b"Kompass" not in response.content


# --- Unknown scopes, methods --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/opportunities/feed/country/xx/",
        "/opportunities/feed/country/nl/",  # a country, but not a focus one: it has no page either
        "/opportunities/feed/country/deu/",
        "/opportunities/feed/theme/no-such-theme/",
        "/opportunities/feed/lab/no-such-lab/",
    ],
)
def test_an_unknown_country_theme_or_lab_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_an_unknown_scope_is_a_404_even_with_a_matching_etag(client, lab_a):
    etag = client.get(reverse("opportunities:feed"))["ETag"]

    assert client.get("/opportunities/feed/lab/no-such-lab/", headers={"if-none-match": etag}).status_code == 404


def test_a_feed_answers_head_and_refuses_post(client):
    assert client.head(reverse("opportunities:feed")).status_code == 200
    assert client.post(reverse("opportunities:feed")).status_code == 405


# --- Queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/opportunities/feed/", "/opportunities/feed/country/de/", "/opportunities/feed/theme/mobility/"]
)
def test_a_feed_takes_the_same_few_queries_for_two_items_or_sixty(client, lab_a, mobility, url):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for _ in range(2):
        published(lab_a).themes.add(mobility, Theme.objects.get(slug="water"))
    few = queries()
    for _ in range(58):
        published(lab_a).themes.add(mobility, Theme.objects.get(slug="water"))

    assert queries() == few
    assert few <= 7  # the scope, four look-ups for the version, the items, their themes


def test_a_feed_of_sixty_items_stays_within_five_queries(client, lab_a, mobility, django_assert_max_num_queries):
    for _ in range(60):
        published(lab_a).themes.add(mobility)

    with django_assert_max_num_queries(7):
        client.get(reverse("opportunities:feed_theme", kwargs={"slug": "mobility"}))


# --- Conditional requests -----------------------------------------------------------------------


def test_a_feed_not_changed_since_is_a_304(client, lab_a):
    published(lab_a)
    url = reverse("opportunities:feed")
    first = client.get(url)

    by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
    by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]
    assert by_date.status_code == 304


def test_a_304_renders_nothing(client, lab_a, django_assert_max_num_queries):
    published(lab_a)
    url = reverse("opportunities:feed_lab", kwargs={"slug": "lab-a"})
    etag = client.get(url)["ETag"]

    with django_assert_max_num_queries(5):  # the Lab and the version's four look-ups; no items
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_an_edit_makes_the_feed_new_again(client, lab_a, developer_a):
    opportunity = published(lab_a, title="Before")
    url = reverse("opportunities:feed")
    first = client.get(url)

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        services.opportunity_update(opportunity=opportunity, user=developer_a, data={"title": "After"}, m2m={})
        again = client.get(url, headers={"if-none-match": first["ETag"], "if-modified-since": first["Last-Modified"]})
        by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert again.status_code == 200 and titles(feedparser.parse(again.content)) == ["After"]
    assert again["ETag"] != first["ETag"]
    assert by_date.status_code == 200


@pytest.mark.parametrize("leaves", ["closed", "withdrawn", "deadline", "expired", "deleted"])
def test_an_opportunity_leaving_the_feed_makes_it_new_again(client, lab_a, developer_a, leaves):
    leaving = published(lab_a, title="Leaving", deadline=timezone.localdate())
    published(lab_a, title="Staying", published_at=timezone.now() - datetime.timedelta(days=3))
    url = reverse("opportunities:feed")
    first = client.get(url)
    assert titles(feedparser.parse(first.content)) == ["Leaving", "Staying"]

    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        if leaves == "closed":
            services.opportunity_transition(opportunity=leaving, user=developer_a, name="close_not_won")
        elif leaves == "withdrawn":
            services.opportunity_transition(opportunity=leaving, user=developer_a, name="withdraw")
        elif leaves == "expired":
            services.opportunity_expire(opportunity=leaving, today=timezone.localdate())
        elif leaves == "deleted":
            leaving.delete()  # in the admin: no event is recorded
        # "deadline": no write at all, only a day later
        by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
        by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert by_etag.status_code == 200 and titles(feedparser.parse(by_etag.content)) == ["Staying"]
    if leaves != "deleted":  # a deletion leaves no date behind: the ETag is what tells
        assert by_date.status_code == 200


def test_a_renamed_theme_makes_the_feed_new_again(client, lab_a, mobility):
    published(lab_a).themes.add(mobility)
    url = reverse("opportunities:feed_theme", kwargs={"slug": "mobility"})
    first = client.get(url)

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        mobility.name_en = "Getting around"
        mobility.save()
        again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200
    assert feedparser.parse(again.content).feed.title == "Opportunities on Getting around · Creative Labs"


# --- Links to the feeds on the pages --------------------------------------------------------------


class FeedLinks(HTMLParser):
    """The `<link rel="alternate" type="application/atom+xml">` in the head and the visible feed links."""

    def __init__(self):
        super().__init__()
        self.alternates: list[tuple[str, str]] = []
        self.visible: list[tuple[str, str]] = []
        self._in_head = False
        self._open_link: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "head":
            self._in_head = True
        elif tag == "link" and attributes.get("rel") == "alternate":
            assert self._in_head, "a <link rel=alternate> outside <head>"
            assert attributes["type"] == "application/atom+xml"
            self.alternates.append((attributes["title"], attributes["href"]))
        elif tag == "a" and attributes.get("type") == "application/atom+xml":
            self._open_link = {"href": attributes["href"], "text": ""}
        elif tag == "img" and self._open_link is not None:
            assert attributes.get("alt") == "", "the icon is decoration: the text names the link"

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False
        elif tag == "a" and self._open_link is not None:
            self.visible.append((self._open_link["text"].strip(), self._open_link["href"]))
            self._open_link = None

    def handle_data(self, data):
        if self._open_link is not None:
            self._open_link["text"] += data


def feed_links_on(client, url, **headers) -> FeedLinks:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    parser = FeedLinks()
    parser.feed(response.content.decode())
    return parser


ALL = ("Opportunities · Creative Labs", "/opportunities/feed/")
GERMANY = ("Opportunities in Germany · Creative Labs", "/opportunities/feed/country/de/")


def test_the_list_offers_the_feed_of_all_opportunities(client):
    links = feed_links_on(client, reverse("opportunities:list"))

    assert links.alternates == [ALL]
    assert links.visible == [(f"Atom feed: {ALL[0]}", ALL[1])]


def test_a_filtered_list_offers_the_feeds_of_its_country_theme_and_lab_first(client, lab_a):
    links = feed_links_on(client, "/opportunities/?country=DE&theme=mobility&lab=lab-a&q=cycling")

    expected = [
        ("Opportunities of Creative Lab Berlin · Creative Labs", "/opportunities/feed/lab/lab-a/"),
        ("Opportunities on Mobility · Creative Labs", "/opportunities/feed/theme/mobility/"),
        GERMANY,
        ALL,
    ]
    assert links.alternates == expected
    assert links.visible == [(f"Atom feed: {title}", href) for title, href in expected]


def test_a_filter_the_list_ignores_offers_no_feed(client):
    assert feed_links_on(client, "/opportunities/?country=XX&theme=no-such-theme").alternates == [ALL]


def test_the_list_refreshed_by_htmx_shows_the_feed_of_the_new_filter(client):
    response = client.get("/opportunities/?country=DE", headers={"hx-request": "true"})
    parser = FeedLinks()
    parser.feed(response.content.decode())

    assert parser.visible == [(f"Atom feed: {GERMANY[0]}", GERMANY[1]), (f"Atom feed: {ALL[0]}", ALL[1])]


def test_the_country_theme_and_lab_pages_offer_their_feed(client, lab_a, mobility):
    pages = {
        reverse("labs:country", kwargs={"code": "de"}): GERMANY,
        reverse("labs:theme", kwargs={"slug": "mobility"}): (
            "Opportunities on Mobility · Creative Labs",
            "/opportunities/feed/theme/mobility/",
        ),
        reverse("labs:lab", kwargs={"slug": "lab-a"}): (
            "Opportunities of Creative Lab Berlin · Creative Labs",
            "/opportunities/feed/lab/lab-a/",
        ),
    }
    for page, feed in pages.items():
        links = feed_links_on(client, page)
        assert links.alternates == [feed], page
        assert links.visible == [(f"Atom feed: {feed[0]}", feed[1])], page
        assert client.get(feed[1]).status_code == 200


def test_the_links_to_the_feeds_are_in_the_language_of_the_page(client):
    links = feed_links_on(client, reverse("labs:country", kwargs={"code": "de"}), **{"accept-language": "nl"})

    assert links.alternates == [("Kansen in Duitsland · Creative Labs", "/opportunities/feed/country/de/")]


# --- A client outside Django --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the seeded countries and themes
def test_a_feed_reader_reads_every_feed_from_the_live_server(live_server):
    lab = LabFactory(slug="lab-live", name="Creative Lab Live", city="Berlin")
    opportunity = published(lab, title="Read by a feed reader")
    opportunity.themes.add(Theme.objects.get(slug="mobility"))
    paths = [
        "/opportunities/feed/",
        "/opportunities/feed/country/de/",
        "/opportunities/feed/theme/mobility/",
        "/opportunities/feed/lab/lab-live/",
    ]

    with httpx.Client(base_url=live_server.url, timeout=10) as reader:
        for path in paths:
            response = reader.get(path)
            assert response.status_code == 200, path
            feed = feedparser.parse(response.content)
            assert not feed.bozo, (path, feed.get("bozo_exception"))
            assert [entry.title for entry in feed.entries] == ["Read by a feed reader"], path
            assert feed.entries[0].link == f"{live_server.url}/opportunities/{opportunity.pk}/"
            unchanged = reader.get(path, headers={"If-None-Match": response.headers["ETag"]})
            assert unchanged.status_code == 304, path
        assert reader.get("/opportunities/feed/lab/no-such-lab/").status_code == 404
