"""Every endpoint: its fields, filters, pagination and ordering, and bad parameters as JSON errors."""

import datetime

import pytest
from django.utils import timezone

from companies.models import Discipline, PortfolioItem, Visibility
from labs.models import Country, Theme
from tests.factories import CompanyFactory, LabFactory, PostFactory

from .helpers import closed, ids, published

pytestmark = pytest.mark.django_db


# --- Opportunities -----------------------------------------------------------------------------------


def test_an_opportunity_has_the_public_summary_fields(api, lab_a, mobility, games):
    opportunity = published(
        lab_a,
        title="Safe cycling to school",
        summary="Help a city teach children to cycle.",
        client_name="Bezirksamt Mitte",
        client_is_public=True,
        budget_band="25k-100k",
        languages=["de", "en"],
        required_disciplines=[games],
    )
    opportunity.themes.add(mobility)
    row = api.json(f"/api/v1/opportunities/{opportunity.pk}")
    assert row["id"] == opportunity.pk
    assert row["url"].endswith(f"/opportunities/{opportunity.pk}/")
    assert row["title"] == "Safe cycling to school" and row["summary"] == "Help a city teach children to cycle."
    assert row["status"] == "published" and row["is_open_for_interest"] is True
    assert row["country"] == {"code": "DE", "name_en": "Germany", "name_nl": "Duitsland"}
    assert row["lab"] == {"id": lab_a.pk, "slug": "lab-a", "name": "Creative Lab Berlin"}
    assert row["client_name"] == "Bezirksamt Mitte"
    assert row["themes"] == [{"slug": "mobility", "name_en": "Mobility", "name_nl": "Mobiliteit"}]
    assert [d["slug"] for d in row["required_disciplines"]] == ["games"]
    assert row["budget"]["code"] == "25k-100k" and row["currency"] == "EUR"
    assert row["deadline"] == opportunity.deadline.isoformat() and row["languages"] == ["de", "en"]
    assert row["closed_at"] is None
    # JSON times carry milliseconds.
    assert abs(datetime.datetime.fromisoformat(row["updated_at"]) - opportunity.updated_at).total_seconds() < 0.001


def test_the_list_filters_as_the_portal_list_does(api, lab_a, lab_b, mobility, games):
    berlin = published(lab_a, budget_band="lt25k", languages=["de"], required_disciplines=[games])
    berlin.themes.add(mobility)
    shanghai = published(lab_b, budget_band="gt500k", languages=["zh"])
    soon = published(lab_b, deadline=timezone.localdate() + datetime.timedelta(days=3))
    late = published(lab_a, deadline=timezone.localdate() - datetime.timedelta(days=1))
    nice = published(lab_b)
    nice.nice_disciplines.add(games)
    everything = {berlin.pk, shanghai.pk, soon.pk, late.pk, nice.pk}
    assert set(ids(api.json("/api/v1/opportunities"))) == everything
    assert set(ids(api.json("/api/v1/opportunities", country="DE"))) == {berlin.pk, late.pk}
    assert set(ids(api.json("/api/v1/opportunities", country="cn"))) == {shanghai.pk, soon.pk, nice.pk}
    assert set(ids(api.json("/api/v1/opportunities", lab="lab-b"))) == {shanghai.pk, soon.pk, nice.pk}
    assert ids(api.json("/api/v1/opportunities", theme="mobility")) == [berlin.pk]
    assert set(ids(api.json("/api/v1/opportunities", discipline="games"))) == {berlin.pk, nice.pk}
    assert ids(api.json("/api/v1/opportunities", budget="gt500k")) == [shanghai.pk]
    assert ids(api.json("/api/v1/opportunities", language="zh")) == [shanghai.pk]
    assert late.pk not in ids(api.json("/api/v1/opportunities", deadline="open"))
    assert ids(api.json("/api/v1/opportunities", deadline="soon")) == [soon.pk]


def test_search_is_the_portals_in_english_and_dutch(api, lab_a):
    english = published(lab_a, title="Safe cycling to school", summary="Children on bikes.")
    dutch = published(lab_a, title="Veilig fietsen naar school", summary="Kinderen op de fiets.")
    published(lab_a, title="Museum lighting", summary="Light for old paintings.", brief="Lamps in a museum.")
    # The glossary expands each word, so either language finds both.
    assert set(ids(api.json("/api/v1/opportunities", q="cycling"))) == {english.pk, dutch.pk}
    assert set(ids(api.json("/api/v1/opportunities", q="fietsen"))) == {english.pk, dutch.pk}
    assert ids(api.json("/api/v1/opportunities", q="school", ordering="id")) == [english.pk, dutch.pk]


def test_updated_since_gives_what_changed(api, lab_a):
    old = published(lab_a)
    new = published(lab_a)
    type(old).objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids(api.json("/api/v1/opportunities", updated_since=since)) == [new.pk]


def test_ordering_is_whitelisted_and_ties_break_by_id(api, lab_a):
    today = timezone.localdate()
    first = published(lab_a, deadline=today + datetime.timedelta(days=20))
    second = published(lab_a, deadline=today + datetime.timedelta(days=10))
    third = published(lab_a, deadline=today + datetime.timedelta(days=10))
    assert ids(api.json("/api/v1/opportunities")) == [second.pk, third.pk, first.pk]  # deadline, then id
    assert ids(api.json("/api/v1/opportunities", ordering="-deadline")) == [first.pk, third.pk, second.pk]
    assert ids(api.json("/api/v1/opportunities", ordering="-id")) == [third.pk, second.pk, first.pk]
    refused = api.json("/api/v1/opportunities", ordering="brief", expect=422)
    assert refused["detail"][0]["loc"] == ["query", "ordering"]


def test_pages_have_a_bounded_size_and_links(api, lab_a):
    made = [published(lab_a).pk for _ in range(5)]
    first = api.json("/api/v1/opportunities", page_size=2, ordering="id")
    assert first["count"] == 5 and first["pages"] == 3 and first["page"] == 1 and first["previous"] is None
    assert ids(first) == made[:2]
    second = api.json(first["next"].split("testserver", 1)[1])
    assert ids(second) == made[2:4] and second["previous"].endswith("page=1")
    last = api.json("/api/v1/opportunities", page_size=2, page=3, ordering="id")
    assert ids(last) == made[4:] and last["next"] is None
    assert api.json("/api/v1/opportunities", page=4, page_size=2, expect=404)["detail"].startswith("There is no page")
    assert api.get("/api/v1/opportunities", page_size=101).status_code == 422
    assert api.get("/api/v1/opportunities", page=0).status_code == 422
    assert api.json("/api/v1/opportunities")["page_size"] == 50


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "NL"}, "country"),  # not a focus country
        ({"lab": "no-such-lab"}, "lab"),
        ({"theme": "no-such-theme"}, "theme"),
        ({"discipline": "no-such-discipline"}, "discipline"),
        ({"budget": "a-lot"}, "budget"),
        ({"page": "two"}, "page"),
        ({"updated_since": "yesterday"}, "updated_since"),
    ],
)
def test_bad_parameters_are_a_422_naming_them(api, params, where):
    detail = api.json("/api/v1/opportunities", expect=422, **params)["detail"]
    assert [entry["loc"][-1] for entry in detail] == [where]
    assert all(entry["msg"] for entry in detail)


def test_control_characters_are_refused_at_the_portals_door_in_json(api):
    # Before any view runs (creativelabs/requests.py); the schema's patterns say so too. Under /api/ the
    # error is JSON like the API's own (creativelabs/errors.py, JSON_ERROR_PATH_PREFIXES).
    response = api.get("/api/v1/opportunities", q="tab\there")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "control characters" in response.json()["detail"]


def test_an_unknown_api_address_is_a_json_404_and_a_page_keeps_its_html(api, client):
    response = api.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("value", ["0", "-1", "bogus", str(2**63), str(10**30)])
def test_a_bad_id_is_a_422_and_an_unknown_one_a_404(api, value):
    assert api.get(f"/api/v1/opportunities/{value}").status_code == 422
    assert api.get(f"/api/v1/companies/{value}").status_code == 422
    assert api.json("/api/v1/opportunities/2147483647", expect=404) == {"detail": "Not found."}


@pytest.mark.parametrize("count", [3, 30])
def test_the_opportunity_list_uses_a_bounded_number_of_queries(
    api, lab_a, mobility, games, de_key, django_assert_max_num_queries, count
):
    for _ in range(count):
        published(lab_a, required_disciplines=[games]).themes.add(mobility)
        closed(lab_a, "closed_won", days_ago=3)
    # The filter's choices (theme), the count, the page, three prefetches, the last change; with a key
    # also the key (its "last used" stamp at most once a minute).
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/opportunities", theme="mobility", q="cycling", page_size=50).status_code == 200
    with django_assert_max_num_queries(9):
        assert api.get("/api/v1/opportunities", key=de_key[1], page_size=50).status_code == 200


# --- Themes, countries, Labs, posts --------------------------------------------------------------------


def test_themes_filter_by_country_and_archive(api, db):
    germany = Country.objects.get(code="DE")
    seeded = Theme.objects.count()
    old = Theme.objects.create(slug="old-theme", name_en="Old", name_nl="Oud", is_archived=True)
    old.countries.add(germany)
    everything = api.json("/api/v1/themes", page_size=100)
    assert everything["count"] == seeded + 1
    row = next(row for row in everything["results"] if row["slug"] == "old-theme")
    assert row["is_archived"] is True and row["countries"] == ["DE"] and row["name_nl"] == "Oud"
    assert [r["slug"] for r in api.json("/api/v1/themes", archived=True)["results"]] == ["old-theme"]
    assert api.json("/api/v1/themes", archived=False)["count"] == seeded
    in_germany = api.json("/api/v1/themes", country="de", page_size=100)["results"]
    assert "old-theme" in {r["slug"] for r in in_germany}
    assert all("DE" in r["countries"] for r in in_germany)
    assert api.json("/api/v1/themes", page_size=5, page=2)["previous"] is not None


def test_countries_are_the_focus_countries(api, db):
    page = api.json("/api/v1/countries")
    assert [row["code"] for row in page["results"]] == list(Country.objects.focus().values_list("code", flat=True))
    assert "NL" not in {row["code"] for row in page["results"]}
    assert page["results"][0]["url"].endswith(f"/countries/{page['results'][0]['code'].lower()}/")


def test_labs_and_posts_filter_by_country(api, lab_a, lab_b):
    LabFactory(slug="lab-c", name="Creative Lab Munich", country=lab_a.country, city="Munich")
    assert {row["slug"] for row in api.json("/api/v1/labs", country="DE")["results"]} == {"lab-a", "lab-c"}
    assert [row["slug"] for row in api.json("/api/v1/labs", country="CN")["results"]] == ["lab-b"]
    one = api.json("/api/v1/labs", page_size=1, country="DE")
    assert one["pages"] == 2 and len(one["results"]) == 1
    PostFactory(country=lab_b.country, city="Guangzhou", name="Consulate-General in Guangzhou", kind="consulate")
    posts = api.json("/api/v1/posts", country="CN")["results"]
    assert [(p["name"], p["kind"]["code"], p["country"]["code"]) for p in posts] == [
        ("Consulate-General in Guangzhou", "consulate", "CN")
    ]
    assert api.get("/api/v1/posts", country="12").status_code == 422


# --- Companies -----------------------------------------------------------------------------------------


def test_companies_filter_and_search_as_the_directory(api, listed_company, unlisted_company, mobility, games):
    listed_company.disciplines.add(games)
    listed_company.themes.add(mobility)
    other = CompanyFactory(
        name="Atelier Water",
        slug="atelier-water",
        size="10-49",
        city="Delft",
        target_countries=["CN"],
        presence_countries=["US"],
        pitch="Water design.",
    )
    assert [r["slug"] for r in api.json("/api/v1/companies")["results"]] == ["atelier-water", "studio-openbaar"]
    assert [r["slug"] for r in api.json("/api/v1/companies", discipline="games")["results"]] == ["studio-openbaar"]
    assert [r["slug"] for r in api.json("/api/v1/companies", theme="mobility")["results"]] == ["studio-openbaar"]
    assert [r["id"] for r in api.json("/api/v1/companies", target="cn")["results"]] == [other.pk]
    assert [r["id"] for r in api.json("/api/v1/companies", presence="US")["results"]] == [other.pk]
    assert [r["id"] for r in api.json("/api/v1/companies", size="10-49")["results"]] == [other.pk]
    assert [r["id"] for r in api.json("/api/v1/companies", city="delft")["results"]] == [other.pk]
    assert [r["id"] for r in api.json("/api/v1/companies", q="water")["results"]] == [other.pk]
    assert [r["slug"] for r in api.json("/api/v1/companies", ordering="-name")["results"]] == [
        "studio-openbaar",
        "atelier-water",
    ]
    assert api.json("/api/v1/companies", page_size=1, page=2)["results"][0]["slug"] == "studio-openbaar"
    assert api.get("/api/v1/companies", discipline="no-such").status_code == 422


def test_a_company_has_its_public_profile_and_portfolio(api, listed_company, games):
    item = PortfolioItem.objects.get(company=listed_company, visibility=Visibility.PUBLIC)
    item.disciplines.add(games)
    row = api.json(f"/api/v1/companies/{listed_company.pk}")
    assert row["name"] == "Studio Openbaar" and row["city"] == "Utrecht" and row["size"]["code"] == "1-9"
    assert row["url"].endswith("/companies/studio-openbaar/") and row["logo_url"] is None
    assert [(i["id"], i["title"], [d["slug"] for d in i["disciplines"]]) for i in row["portfolio"]] == [
        (item.pk, "public work", ["games"])
    ]


@pytest.mark.parametrize("count", [2, 20])
def test_the_company_list_uses_a_bounded_number_of_queries(api, django_assert_max_num_queries, count):
    discipline = Discipline.objects.first()
    for number in range(count):
        company = CompanyFactory()
        company.disciplines.add(discipline)
        PortfolioItem.objects.create(company=company, title=f"Work {number}", description="Work.")
    # Filter choices, the count, the page, five prefetches, the last changes of profiles and of work.
    with django_assert_max_num_queries(11):
        assert api.get("/api/v1/companies", discipline=discipline.slug, page_size=50).status_code == 200
