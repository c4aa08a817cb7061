"""The public page `/programme/`: hand-counted figures, small counts hidden (also from totals), no one
named, English and Dutch, anonymous, a bounded number of queries, and the figures cached."""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from labs.models import Country, Theme
from opportunities.insights import public
from opportunities.models import Introduction, Status
from tests.factories import CompanyFactory, LabFactory, MembershipFactory, UserFactory
from tests.opportunities.factories import DealFactory, InterestFactory, IntroductionFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

URL = "/programme/"
FEWER = "fewer than 3"


def test_the_url_is_named_in_the_insights_namespace():
    assert reverse("insights:programme") == URL


# --- Reading the page -----------------------------------------------------------------------------


class TableReader(HTMLParser):
    """Every table of a page as {id: [[cell text, ...], ...]}, header row included."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id", ""), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_tables(response) -> dict[str, list[list[str]]]:
    reader = TableReader()
    reader.feed(response.content.decode())
    return reader.tables


def values(table) -> list[list]:
    return [[row.values[column.key] for column in table.columns] for row in table.rows]


# --- A small programme, counted by hand ---------------------------------------------------------------


def this_year() -> int:
    return timezone.localdate().year


def opportunity(lab, status, *, themes=(), deadline_days=30, published=True):
    created = OpportunityFactory(
        lab=lab,
        status=status,
        deadline=timezone.localdate() + datetime.timedelta(days=deadline_days),
        published_at=timezone.now() if published else None,
    )
    created.themes.set(Theme.objects.filter(slug__in=themes))
    return created


def introduction_in(year: int, on):
    made = IntroductionFactory(interest=InterestFactory(opportunity=on))
    Introduction.objects.filter(pk=made.pk).update(created_at=datetime.datetime(year, 5, 1, 12, tzinfo=datetime.UTC))
    return made


@pytest.fixture
def programme():
    """Germany: 3 open, 1 published past its deadline, 1 won, 1 expired (6 published), 1 withdrawn after
    publishing and 2 drafts (not counted). China: 2 open. The USA: none.
    Mobility: the 3 open German ones and 1 Chinese (4 published, 4 open); elderly care: the won, the
    expired and the withdrawn one (2 published, 0 open).
    Introductions: 1 two years ago, 3 last year, 4 this year (8 companies, one each); deals: 3 closed
    last year, 3 this year."""
    berlin = LabFactory(country=Country.objects.get(code="DE"))
    shanghai = LabFactory(country=Country.objects.get(code="CN"), city="Shanghai")
    open_de = [opportunity(berlin, Status.PUBLISHED, themes=["mobility"]) for _ in range(3)]
    opportunity(berlin, Status.PUBLISHED, deadline_days=-1)
    opportunity(berlin, Status.CLOSED_WON, themes=["elderly-care"], deadline_days=-10)
    opportunity(berlin, Status.EXPIRED, themes=["elderly-care"], deadline_days=-20)
    opportunity(berlin, Status.WITHDRAWN, themes=["elderly-care", "mobility"])
    opportunity(berlin, Status.DRAFT, themes=["mobility"], published=False)
    opportunity(berlin, Status.DRAFT, published=False)
    open_cn = [opportunity(shanghai, Status.PUBLISHED) for _ in range(2)]
    open_cn[0].themes.set(Theme.objects.filter(slug="mobility"))

    year = this_year()
    introduction_in(year - 2, open_de[0])
    last_year = [introduction_in(year - 1, open_de[i % 3]) for i in range(3)]
    now = [introduction_in(year, on) for on in (open_de[0], open_de[1], open_de[2], open_cn[0])]
    for made in last_year:
        DealFactory(introduction=made, closed_on=datetime.date(year - 1, 11, 30))
    for made in now[:3]:
        DealFactory(introduction=made, closed_on=datetime.date(year, 1, 2))


def test_the_figures_counted_by_hand(programme):
    year = this_year()
    with override("en"):
        figures = public.figures_from(public.count_programme())

    assert values(figures.headline) == [
        ["Companies taking part", 8],
        # Germany 6, China 2 and the USA 0 hidden: 6 + 0..2 + 0..2.
        ["Opportunities published", "between 6 and 10"],
        ["Opportunities open for interest now", "between 3 and 7"],
        # 1 (hidden) + 3 + 4, and 0 (hidden) + 3 + 3.
        ["Introductions", "between 7 and 9"],
        ["Deals won", "between 6 and 8"],
    ]
    assert values(figures.per_country) == [
        ["Germany", 6, 3],
        ["China", FEWER, FEWER],
        ["United States of America", FEWER, FEWER],
        ["All countries", "between 6 and 10", "between 3 and 7"],
    ]
    per_theme = {row["theme"]: (row["published"], row["open"]) for row in figures.per_theme.rows}
    assert len(per_theme) == Theme.objects.active().count() == 12
    assert per_theme["Mobility"] == (4, 4)
    assert per_theme["Elderly care"] == (FEWER, FEWER)
    assert per_theme["Water"] == (FEWER, FEWER)
    assert values(figures.per_year) == [
        [str(year), 4, 3],
        [str(year - 1), 3, 3],
        [str(year - 2), FEWER, FEWER],
        ["All years", "between 7 and 9", "between 6 and 8"],
    ]


def test_the_page_shows_the_same_figures_with_links_to_the_public_pages(client, programme):
    response = client.get(URL)

    assert response.status_code == 200
    tables = page_tables(response)
    assert tables["per_country"] == [
        ["Country", "Published", "Open for interest now"],
        ["Germany", "6", "3"],
        ["China", FEWER, FEWER],
        ["United States of America", FEWER, FEWER],
        ["All countries", "between 6 and 10", "between 3 and 7"],
    ]
    assert ["Mobility", "4", "4"] in tables["per_theme"]
    assert tables["per_year"][1:3] == [[str(this_year()), "4", "3"], [str(this_year() - 1), "3", "3"]]
    html = response.content.decode()
    assert f'href="{reverse("labs:country", kwargs={"code": "de"})}"' in html
    assert f'href="{reverse("labs:theme", kwargs={"slug": "mobility"})}"' in html
    for table in ("per_country", "per_theme", "per_year"):
        assert re.search(rf'<table[^>]*id="{table}"[^>]*>\s*<caption', html), table
    assert html.count('<th scope="col"') == 9
    assert '<th scope="row">' in html


# --- Small counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("companies", "shown"), [(0, FEWER), (1, FEWER), (2, FEWER), (3, 3), (4, 4)])
def test_companies_below_three_are_fewer_than_three(companies, shown):
    CompanyFactory.create_batch(companies)
    figures = public.figures_from(public.count_programme())
    assert figures.headline.rows[0].values == {"figure": "Companies taking part", "count": shown}


@pytest.mark.parametrize(("published", "shown"), [(1, FEWER), (2, FEWER), (3, 3)])
def test_a_country_with_one_two_or_three_opportunities(published, shown):
    lab = LabFactory(country=Country.objects.get(code="US"), city="New York")
    for _ in range(published):
        opportunity(lab, Status.PUBLISHED)
    figures = public.figures_from(public.count_programme())
    assert figures.per_country.rows[2].values == {
        "country": "United States of America",
        "published": shown,
        "open": shown,
    }


def test_a_total_that_would_give_a_hidden_count_away_is_a_range():
    """Germany 5, China 1, the USA 4: "10" would tell China's 1; the range tells no more than the rows."""
    for code, count in (("DE", 5), ("CN", 1), ("US", 4)):
        lab = LabFactory(country=Country.objects.get(code=code))
        for _ in range(count):
            opportunity(lab, Status.PUBLISHED)
    figures = public.figures_from(public.count_programme())
    assert values(figures.per_country)[-1] == ["All countries", "between 9 and 11", "between 9 and 11"]
    assert figures.headline.rows[1]["count"] == "between 9 and 11"


def test_a_total_with_nothing_hidden_is_exact():
    for code, count in (("DE", 5), ("CN", 3), ("US", 4)):
        lab = LabFactory(country=Country.objects.get(code=code))
        for _ in range(count):
            opportunity(lab, Status.PUBLISHED)
    figures = public.figures_from(public.count_programme())
    assert values(figures.per_country)[-1] == ["All countries", 12, 12]


@pytest.mark.parametrize(
    ("parts", "shown"),
    [
        ([], FEWER),
        ([1], FEWER),  # one hidden part and nothing else: the total is that part, below 3
        ([0, 0, 0], "between 0 and 6"),
        ([2, 5], "between 5 and 7"),
        ([3, 4, 5], 12),
        ([1, 1, 1], "between 0 and 6"),
        ([100, 0], "between 100 and 102"),
    ],
)
def test_shown_total(parts, shown):
    with override("en"):
        assert public.shown_total(parts) == shown


# --- No personal data -------------------------------------------------------------------------------

DISTINCTIVE = [
    "Quentin Quibbleworth",
    "quentin.quibbleworth@zyxwv.example",
    "Zyxwv Ontwerpbureau",
    "zyxwv-ontwerpbureau",
    "Xanthippe Vlaskamp",
    "xanthippe@zyxwv.example",
    "Gemeente Jabberwock",
    "Ottoline Kronkelpad",
    "ottoline@jabberwock.example",
    "+49 30 9876543",
    "Wereldwonder fietscampagne",
    "Geheime campagne Zeta",
    "987654.32",
    "987.654,32",
    "987,654.32",
    "49382.72",
]


@pytest.fixture
def people_and_companies():
    """A company, its member, a client and a won deal, every one with a name found nowhere else."""
    company = CompanyFactory(name="Zyxwv Ontwerpbureau", slug="zyxwv-ontwerpbureau", is_listed=True)
    MembershipFactory(
        company=company, user=UserFactory(full_name="Quentin Quibbleworth", email="quentin.quibbleworth@zyxwv.example")
    )
    developer = UserFactory(full_name="Xanthippe Vlaskamp", email="xanthippe@zyxwv.example")
    lab = LabFactory(country=Country.objects.get(code="DE"))
    published = OpportunityFactory(
        lab=lab,
        status=Status.PUBLISHED,
        title="Wereldwonder fietscampagne",
        client_name="Gemeente Jabberwock",
        client_is_public=True,
        created_by=developer,
    )
    published.themes.set(Theme.objects.filter(slug="mobility"))
    introduced = IntroductionFactory(
        interest=InterestFactory(opportunity=published, company=company),
        introduced_by=developer,
        client_contact_name="Ottoline Kronkelpad",
        client_contact_email="ottoline@jabberwock.example",
        client_contact_phone="+49 30 9876543",
        outcome="won",
    )
    DealFactory(
        introduction=introduced,
        value=Decimal("987654.32"),
        fee_percentage=Decimal("5.00"),
        description="Geheime campagne Zeta",
        recorded_by=developer,
    )
    return company


@pytest.mark.parametrize("language", ["en", "nl"])
def test_no_person_company_client_opportunity_or_amount_appears(client, people_and_companies, language):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Germany" in html or "Duitsland" in html  # the page does show figures
    found = [text for text in DISTINCTIVE if text.lower() in html.lower()]
    assert not found, found


def test_the_counts_hold_no_name_either(people_and_companies):
    """What goes into the cache (and could go into an export) is numbers, countries and themes only."""
    text = repr(public.count_programme()).lower()
    found = [name for name in DISTINCTIVE if name.lower() in text]
    assert not found, found


# --- Who may read it, in which language ----------------------------------------------------------------


def test_anonymous_visitors_get_the_page_and_it_is_linked_from_every_page(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert "The programme in figures" in response.content.decode()
    assert f'href="{URL}"' in client.get("/").content.decode()


def test_a_logged_in_person_gets_it_too_and_their_copy_is_not_stored(client):
    client.force_login(UserFactory(full_name="Quentin Quibbleworth"))
    response = client.get(URL)

    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_in_dutch_with_the_browser_language(client, programme):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="nl")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "Het programma in cijfers" in html
    tables = page_tables(response)
    assert tables["per_country"][0] == ["Land", "Gepubliceerd", "Nu open voor interesse"]
    assert tables["per_country"][1] == ["Duitsland", "6", "3"]
    assert tables["per_country"][2] == ["China", "minder dan 3", "minder dan 3"]
    assert tables["per_country"][-1] == ["Alle landen", "tussen 6 en 10", "tussen 3 en 7"]
    assert ["Mobiliteit", "4", "4"] in tables["per_theme"]
    assert "Hoe we tellen" in html


def test_in_dutch_with_the_sites_language_switch(client):
    switched = client.post("/i18n/setlang/", {"language": "nl", "next": URL})
    assert switched.status_code == 302 and switched["Location"] == URL

    html = client.get(URL).content.decode()
    assert '<html lang="nl">' in html
    assert "Bedrijven die meedoen" in html
    assert "The programme in figures" not in html


def test_the_same_cached_numbers_serve_both_languages(client, programme):
    with CaptureQueriesContext(connection) as english:
        client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    with CaptureQueriesContext(connection) as dutch:
        response = client.get(URL, HTTP_ACCEPT_LANGUAGE="nl")
    assert len(english) >= 5
    assert len(dutch) == 0, [q["sql"] for q in dutch.captured_queries]
    assert page_tables(response)["per_country"][1] == ["Duitsland", "6", "3"]


# --- Speed and caching ---------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_data(client, django_assert_max_num_queries):
    def queries() -> int:
        cache.delete(public.CACHE_KEY)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    small = queries()
    lab = LabFactory()
    for year in (this_year() - 3, this_year() - 1, this_year()):
        for _ in range(4):
            on = opportunity(lab, Status.PUBLISHED, themes=["mobility", "water", "food"])
            DealFactory(introduction=introduction_in(year, on), closed_on=datetime.date(year, 1, 1))
    CompanyFactory.create_batch(5)
    assert queries() == small

    cache.delete(public.CACHE_KEY)
    with django_assert_max_num_queries(5):
        client.get(URL)


def test_the_figures_are_cached_for_a_few_minutes(client):
    CompanyFactory.create_batch(3)
    assert page_tables_headline(client) == "3"

    CompanyFactory.create_batch(2)
    assert page_tables_headline(client) == "3"  # still the numbers counted a moment ago
    assert 60 <= public.CACHE_SECONDS <= 15 * 60

    cache.delete(public.CACHE_KEY)
    assert page_tables_headline(client) == "5"


def page_tables_headline(client) -> str:
    html = client.get(URL).content.decode()
    match = re.search(r'<span class="d-block h3 mb-1">([^<]*)</span>\s*<span>Companies taking part</span>', html)
    assert match, html
    return match.group(1).strip()
