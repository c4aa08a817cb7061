"""The company directory: filters alone and combined, in the URL, with bounded queries."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from companies.models import Discipline
from creativelabs.requests import has_control_characters
from labs.models import Theme
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def studios(db):
    games, branding = Discipline.objects.get(slug="games"), Discipline.objects.get(slug="branding")
    mobility, water = Theme.objects.get(slug="mobility"), Theme.objects.get(slug="water")
    quest = CompanyFactory(
        name="Quest Games",
        city="Utrecht",
        size="1-9",
        target_countries=["DE"],
        presence_countries=["DE"],
        description="Serious games about cycling safety.",
    )
    quest.disciplines.add(games)
    quest.themes.add(mobility)
    wave = CompanyFactory(
        name="Wave Branding",
        city="Rotterdam",
        size="10-49",
        target_countries=["US", "CN"],
        presence_countries=[],
        description="Brands for water boards.",
    )
    wave.disciplines.add(branding)
    wave.themes.add(water)
    hidden = CompanyFactory(name="Hidden Games", city="Utrecht", is_listed=False, target_countries=["DE"])
    hidden.disciplines.add(games)
    return quest, wave, hidden


def names(response) -> set[str]:
    page = response.content.decode()
    return {name for name in ("Quest Games", "Wave Branding", "Hidden Games") if name in page}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Quest Games", "Wave Branding"}),
        ("?discipline=games", {"Quest Games"}),
        ("?theme=water", {"Wave Branding"}),
        ("?target=DE", {"Quest Games"}),
        ("?target=CN", {"Wave Branding"}),
        ("?presence=DE", {"Quest Games"}),
        ("?size=10-49", {"Wave Branding"}),
        ("?city=utrecht", {"Quest Games"}),
        ("?q=cycling", {"Quest Games"}),
        ("?q=water+brands", {"Wave Branding"}),
        ("?discipline=games&target=DE&city=Utrecht", {"Quest Games"}),
        ("?discipline=games&theme=water", set()),
        ("?q=games&size=10-49", set()),
    ],
)
def test_filters_for_visitors(client, studios, query, expected):
    response = client.get(f"/companies/{query}")
    assert response.status_code == 200
    assert names(response) == expected


def test_programme_staff_see_unlisted_companies(login, developer_a, studios):
    assert "Hidden Games" in names(login(developer_a).get("/companies/?discipline=games"))


def test_invalid_filter_values_are_a_form_error_not_a_500(client, studios):
    response = client.get("/companies/?discipline=nonsense&size=huge&target=ZZ")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_htmx_request_gets_only_the_results(client, studios):
    response = client.get("/companies/?discipline=games", HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert names(response) == {"Quest Games"}


def test_pagination_keeps_the_filters(client, db):
    games = Discipline.objects.get(slug="games")
    for number in range(25):
        CompanyFactory(name=f"Games Studio {number:02}").disciplines.add(games)
    page = client.get("/companies/?discipline=games").content.decode()
    assert "discipline=games&amp;page=2" in page
    second = client.get("/companies/?discipline=games&page=2").content.decode()
    assert "Games Studio 24" in second
    assert client.get("/companies/?page=999").status_code == 200


@pytest.mark.parametrize("count", [5, 60])
def test_directory_uses_a_bounded_number_of_queries(client, db, django_assert_max_num_queries, count):
    games = Discipline.objects.get(slug="games")
    for number in range(count):
        CompanyFactory(name=f"Studio {number}").disciplines.add(games)
    with django_assert_max_num_queries(8):
        assert client.get("/companies/?discipline=games&q=studio").status_code == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=3000))
@example(query="\x00")
@example(query="'\" & | ! ( ) :* <-> \\ %_")
def test_any_search_text_is_safe(client, db, query):
    response = client.get("/companies/", {"q": query, "city": query[:50]})
    # Control characters are refused at the door with the site's 400 page; any other text is searched.
    assert response.status_code == (400 if has_control_characters(query) else 200)
